import type { Check, Reason } from './verification-report.js';

/** `validFrom` and `validUntil` (VCDM 1.1: `issuanceDate`, `expirationDate`) against `now`. */
export function checkValidityPeriod(credential: Record<string, unknown>, now: Date): Check[] {
  const from = (credential.validFrom ?? credential.issuanceDate) as string | undefined;
  const until = (credential.validUntil ?? credential.expirationDate) as string | undefined;
  const checks: Check[] = [];
  if (from && Date.parse(from) > now.getTime()) {
    checks.push({
      check: 'validity',
      outcome: 'failed',
      reason: `Not valid yet: issued for ${from}, which is in the future`,
      reasonCode: 'notValidYet',
      ...datesOf({ validFrom: from }),
    });
  }
  if (until && Date.parse(until) < now.getTime()) {
    checks.push({
      check: 'validity',
      outcome: 'failed',
      reason: `Expired on ${until}`,
      reasonCode: 'expired',
      ...datesOf({ validUntil: until }),
    });
  }
  if (checks.length === 0) {
    checks.push({
      check: 'validity',
      outcome: 'passed',
      reason: `Valid from ${from ?? 'issuing'}${until ? ` until ${until}` : ', without end date'}`,
      reasonCode: from
        ? until
          ? 'validFromUntil'
          : 'validFromWithoutEnd'
        : until
          ? 'validUntil'
          : 'validWithoutDates',
      ...datesOf({ validFrom: from, validUntil: until }),
    });
  }
  return checks;
}

/** Dates for the pages to write in their language; one that does not parse is shown as written. */
function datesOf(
  dates: Record<string, string | undefined>,
): Pick<Reason, 'reasonValues' | 'reasonDates'> {
  const reasonValues: Record<string, string> = {};
  const reasonDates: Record<string, string> = {};
  for (const [name, value] of Object.entries(dates)) {
    if (value === undefined) continue;
    if (Number.isNaN(Date.parse(value))) reasonValues[name] = String(value);
    else reasonDates[name] = value;
  }
  return { reasonValues, reasonDates };
}

/**
 * When an achievement's credentials expire: after a period from the day each is issued (an ISO
 * 8601 duration of one unit, `P2Y`, `P6M`, `P10W`, `P30D`), or on one fixed day. The result is
 * the credential's `validUntil` (VC Data Model 2.0 §4.9). Written here rather than taken from a
 * date library because only these four calendar units are offered, and adding months must
 * stay within the month (31 January plus one month is 28 or 29 February), which the two
 * functions below do.
 */

export const EXPIRY_UNITS = ['years', 'months', 'weeks', 'days'] as const;
export type ExpiryUnit = (typeof EXPIRY_UNITS)[number];

const UNIT_LETTERS: Record<ExpiryUnit, string> = { years: 'Y', months: 'M', weeks: 'W', days: 'D' };

/** `P<amount><unit letter>`, the duration form `achievements.expires_after` stores. */
export const EXPIRY_DURATION = /^P([1-9]\d{0,2})([YMWD])$/;

/** The duration of `amount` units: `expiryDuration(2, 'years')` is `P2Y`. */
export function expiryDuration(amount: number, unit: ExpiryUnit): string {
  if (!Number.isInteger(amount) || amount < 1 || amount > 999) {
    throw new TypeError('amount must be a whole number from 1 to 999');
  }
  return `P${amount}${UNIT_LETTERS[unit]}`;
}

/** The amount and unit of a stored duration, or null for anything else. */
export function readExpiryDuration(duration: string): { amount: number; unit: ExpiryUnit } | null {
  const match = EXPIRY_DURATION.exec(duration);
  if (!match) return null;
  const unit = EXPIRY_UNITS.find((candidate) => UNIT_LETTERS[candidate] === match[2]);
  return unit ? { amount: Number(match[1]), unit } : null;
}

/**
 * The `validUntil` of a credential of this achievement issued at `issuedAt`: issuedAt plus the
 * period, the end (23:59:59 UTC) of the fixed day, or null when the achievement sets no expiry.
 * Throws TypeError for a stored duration that is not one of the offered forms.
 */
export function credentialValidUntil(
  achievement: { readonly expiresAfter: string | null; readonly expiresOn: string | null },
  issuedAt: Date,
): Date | null {
  if (achievement.expiresOn !== null) return new Date(`${achievement.expiresOn}T23:59:59Z`);
  if (achievement.expiresAfter === null) return null;
  const period = readExpiryDuration(achievement.expiresAfter);
  if (!period) throw new TypeError(`"${achievement.expiresAfter}" is not an expiry duration`);
  const until = new Date(issuedAt.getTime());
  until.setUTCMilliseconds(0);
  switch (period.unit) {
    case 'days':
      until.setUTCDate(until.getUTCDate() + period.amount);
      return until;
    case 'weeks':
      until.setUTCDate(until.getUTCDate() + 7 * period.amount);
      return until;
    case 'months':
      return addMonths(until, period.amount);
    case 'years':
      return addMonths(until, 12 * period.amount);
  }
}

/** `date` plus whole months, on the same day or the month's last day when it has no such day. */
function addMonths(date: Date, months: number): Date {
  const day = date.getUTCDate();
  const result = new Date(date.getTime());
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(
    Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0),
  ).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

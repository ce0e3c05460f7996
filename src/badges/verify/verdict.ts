import type { Check, CheckName, ReasonCode, VerificationReport } from './verification-report.js';

/**
 * The one answer a person needs first, derived from the checks: a credential is valid only when
 * every check passed and a proof was verified; otherwise the first of these that applies.
 */
export const VERDICTS = [
  'valid',
  'notACredential',
  'signatureInvalid',
  'revoked',
  'expired',
  'notYetValid',
  'couldNotCheck',
] as const;

export type Verdict = (typeof VERDICTS)[number];

/** The checks that decide whether the document is an Open Badges credential at all. */
const SHAPE_CHECKS: readonly CheckName[] = ['format', 'context', 'type', 'schema', 'issuer'];

export function verdictOf(report: Omit<VerificationReport, 'verdict'>): Verdict {
  if (report.error) return 'couldNotCheck';
  const failed = (name: CheckName, reasons?: readonly ReasonCode[]) =>
    report.checks.some(
      (check) =>
        check.check === name &&
        check.outcome === 'failed' &&
        (reasons === undefined || reasons.includes(check.reasonCode)),
    );
  if (SHAPE_CHECKS.some((name) => failed(name))) return 'notACredential';
  if (failed('proof')) return 'signatureInvalid';
  if (failed('status', ['revoked', 'revokedWithReason', 'revokedInIssuerList'])) return 'revoked';
  if (failed('validity', ['expired'])) return 'expired';
  if (failed('validity', ['notValidYet'])) return 'notYetValid';
  return report.verified ? 'valid' : 'couldNotCheck';
}

/** The check that explains the verdict: the first that failed, else the first not passed. */
export function decidingCheck(report: Omit<VerificationReport, 'verdict'>): Check | undefined {
  return (
    report.checks.find((check) => check.outcome === 'failed') ??
    report.checks.find((check) => check.outcome !== 'passed' && check.outcome !== 'warning')
  );
}

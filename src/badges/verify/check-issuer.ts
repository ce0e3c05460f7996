import type { Check } from './verification-report.js';

/** The credential's issuer (`issuer` or `issuer.id`), or null when it names none. */
export function issuerId(credential: Record<string, unknown>): string | null {
  const issuer = credential.issuer;
  if (typeof issuer === 'string') return issuer;
  if (issuer && typeof issuer === 'object' && typeof (issuer as { id?: unknown }).id === 'string') {
    return (issuer as { id: string }).id;
  }
  return null;
}

/** The credential names its issuer; whether the signing key is the issuer's is checked with the proof. */
export function checkIssuerPresent(credential: Record<string, unknown>): Check {
  const id = issuerId(credential);
  if (id === null) {
    return {
      check: 'issuer',
      outcome: 'failed',
      reason: 'The credential names no issuer (issuer.id)',
      reasonCode: 'issuerMissing',
    };
  }
  return {
    check: 'issuer',
    outcome: 'passed',
    reason: `Issued by ${id}`,
    reasonCode: 'issuedBy',
    reasonValues: { issuer: id },
  };
}

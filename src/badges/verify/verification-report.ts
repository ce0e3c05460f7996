import type { Verdict } from './verdict.js';

/**
 * What a verification answers: the verdict, the format found, and every check with its outcome
 * and a reason a person can read, in English and as a code with values that the pages
 * translate (`public:checkReason.<code>`).
 */

export type CheckName =
  'format' | 'context' | 'type' | 'schema' | 'proof' | 'issuer' | 'validity' | 'status';

export type CheckOutcome = 'passed' | 'failed' | 'warning' | 'skipped';

/** Every reason a check can give; `public:checkReason.<code>` is its text on the pages. */
export const REASON_CODES = [
  'pngUnreadable',
  'pngWithoutCredential',
  'svgUnreadable',
  'svgWithoutCredential',
  'unsupportedInput',
  'neitherJsonNorJwt',
  'jsonTooDeep',
  'jwtPayloadNotJson',
  'jsonCredential',
  'jwtCredential',
  'bakedJsonCredential',
  'bakedJwtCredential',
  'contextMissing',
  'contextNotVc',
  'contextWithoutOpenBadges',
  'contextVc11',
  'contextsValid',
  'typeValid',
  'typeMissing',
  'typeInvalid',
  'schemaNotForVc11',
  'schemaValid',
  'schemaInvalid',
  'issuerMissing',
  'issuedBy',
  'notValidYet',
  'expired',
  'validFromUntil',
  'validFromWithoutEnd',
  'validUntil',
  'validWithoutDates',
  'methodMissing',
  'methodWithoutScheme',
  'didKeyNotEd25519',
  'didWebOfAnotherHost',
  'unknownDidMethod',
  'methodKeyInvalid',
  'methodNeedsFetching',
  'unknownUriScheme',
  'proofMissing',
  'proofUnsupported',
  'proofVerifiedWithDidKey',
  'proofVerifiedWithOurIssuerDid',
  'proofVerifiedWithPartnerDid',
  'proofVerifiedWithUrlFragmentKey',
  'proofSignatureInvalid',
  'proofNotVerified',
  'proofNotVerifiedUnexplained',
  'bindingWithoutIssuer',
  'keyNotUnderIssuer',
  'signedWithIssuerDidKey',
  'signedWithOurIssuerDid',
  'signedWithPartnerDid',
  'keyOnlyInMethodUrl',
  'jwtMalformed',
  'jwtAlgorithmUnsupported',
  'jwtKeyNotResolvable',
  'jwtKeyNotNamed',
  'jwtSignatureInvalid',
  'jwtVerifiedWithHeaderKey',
  'jwtVerifiedWithIssuerKey',
  'jwtClaimsDisagree',
  'jwtKeyInHeader',
  'signedWithIssuerKey',
  'keyNotOfIssuer',
  'statusListMissing',
  'statusNotCheckable',
  'statusEntryUnknown',
  'notRevoked',
  'revoked',
  'revokedWithReason',
  'revokedInIssuerList',
  'notAnOpenBadge',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

export type Reason = {
  /** In English: the JSON answer of POST /verify and the logs. */
  reason: string;
  reasonCode: ReasonCode;
  /** Shown as they are: identifiers, URLs, algorithm names, error texts of libraries. */
  reasonValues?: Record<string, string>;
  /** ISO dates, for the page to write in its language. */
  reasonDates?: Record<string, string>;
};

export type Check = { check: CheckName; outcome: CheckOutcome } & Reason;

export type VerificationReport = {
  /** True when no check failed and a proof was verified. */
  verified: boolean;
  /** The answer for a person, derived from the checks (verdict.ts). */
  verdict: Verdict;
  format: 'json' | 'jwt' | 'png' | 'svg' | 'unknown';
  checks: Check[];
  /** The credential found, as JSON (for a JWT: its payload's credential). */
  credential: Record<string, unknown> | null;
  /**
   * Present when the checks could not be run to the end: `VERIFY_TIMEOUT` when they took longer
   * than the time budget. The report then holds no checks and no credential.
   */
  error?: { code: 'VERIFY_TIMEOUT'; message: string };
};

export type CredentialVerifier = (input: Buffer | string | object) => Promise<VerificationReport>;

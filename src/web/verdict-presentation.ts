import { decidingCheck } from '../badges/verify/verdict.js';
import type { Check, VerificationReport } from '../badges/verify/verification-report.js';

/** What views/partials/verdict.eta shows first: the verdict, why, and who got what from whom. */
export interface PresentedVerdict {
  readonly verdict: VerificationReport['verdict'];
  /** The check that decided a verdict other than valid, for its translated reason. */
  readonly reason: Check | null;
  readonly timedOut: boolean;
  readonly learnerName: string | null;
  readonly achievementName: string | null;
  readonly issuerName: string | null;
  /** The badge image, only when it needs no request to another site (data: or this tool). */
  readonly imageUrl: string | null;
}

const EMBEDDED_IMAGE = /^data:image\/(png|svg\+xml|jpeg|webp);base64,/;

export function presentVerdict(report: VerificationReport, publicUrl: string): PresentedVerdict {
  const credential = report.credential as CredentialShape | null;
  const subject = credential?.credentialSubject;
  const achievement = subject?.achievement;
  const image = imageIdOf(achievement?.image);
  return {
    verdict: report.verdict,
    reason: report.verdict === 'valid' ? null : (decidingCheck(report) ?? null),
    timedOut: report.error !== undefined,
    learnerName: learnerNameOf(subject?.identifier) ?? text(subject?.name),
    achievementName: text(achievement?.name) ?? text(credential?.name),
    issuerName: typeof credential?.issuer === 'object' ? text(credential.issuer?.name) : null,
    imageUrl:
      image !== null && (EMBEDDED_IMAGE.test(image) || image.startsWith(`${publicUrl}/`))
        ? image
        : null,
  };
}

interface CredentialShape {
  name?: unknown;
  issuer?: { name?: unknown } | string;
  credentialSubject?: {
    name?: unknown;
    identifier?: unknown;
    achievement?: { name?: unknown; image?: unknown };
  };
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function imageIdOf(image: unknown): string | null {
  if (typeof image === 'string') return image;
  return text((image as { id?: unknown } | null | undefined)?.id);
}

/** The learner's name, from an unhashed identifier of type `name` (OB 3.0 IdentityObject). */
function learnerNameOf(identifiers: unknown): string | null {
  if (!Array.isArray(identifiers)) return null;
  const named = identifiers.find(
    (entry: { identityType?: unknown; hashed?: unknown }) =>
      entry?.identityType === 'name' && entry.hashed === false,
  ) as { identityHash?: unknown } | undefined;
  return text(named?.identityHash);
}

/**
 * What recognition reads from an Open Badges 3.0 credential (OB 3.0 §B.1): its id and issuer,
 * the achievement with its alignments, the ECTS it states, when it ends and who it names.
 * Plain data in, plain data out; a credential that lacks what recognition needs gives null.
 */

/** An IdentityObject of the subject (OB 3.0 §B.1.13): the hash, or the value when unhashed. */
export type SubjectIdentity = {
  identityType: string;
  hashed: boolean;
  identityHash: string;
  salt: string | null;
};

export type CredentialFacts = {
  credentialId: string;
  issuerId: string;
  achievementId: string;
  achievementName: string;
  /** Each alignment's target URL and code, as rules and the registry match them. */
  alignments: string[];
  /**
   * The ECTS the credential states: `creditsEarned` of the subject, else `creditsAvailable` of
   * the achievement, as this tool writes both (badges/build-credential.ts); null when neither.
   */
  statedEcts: number | null;
  validUntil: Date | null;
  subjectId: string | null;
  identities: SubjectIdentity[];
};

export function readCredentialFacts(credential: Record<string, unknown>): CredentialFacts | null {
  const credentialId = text(credential.id);
  const issuer = credential.issuer;
  const issuerId = text(issuer) ?? text(record(issuer)?.id);
  const subjects = ([] as unknown[]).concat(credential.credentialSubject ?? []);
  const subject = record(subjects[0]);
  const achievement = record(subject?.achievement);
  const achievementId = text(achievement?.id);
  if (!credentialId || !issuerId || !subject || !achievement || !achievementId) return null;
  const alignments = ([] as unknown[])
    .concat(achievement.alignment ?? [])
    .flatMap((entry) => [text(record(entry)?.targetUrl), text(record(entry)?.targetCode)])
    .filter((value): value is string => value !== null);
  const statedEcts = positive(subject.creditsEarned) ?? positive(achievement.creditsAvailable);
  const until = text(credential.validUntil) ?? text(credential.expirationDate);
  const validUntil = until && !Number.isNaN(Date.parse(until)) ? new Date(until) : null;
  return {
    credentialId,
    issuerId,
    achievementId,
    achievementName: text(achievement.name) ?? achievementId,
    alignments: [...new Set(alignments)],
    statedEcts,
    validUntil,
    subjectId: text(subject.id),
    identities: ([] as unknown[]).concat(subject.identifier ?? []).flatMap((entry) => {
      const identity = record(entry);
      const identityType = text(identity?.identityType);
      const identityHash = text(identity?.identityHash);
      if (!identity || !identityType || !identityHash) return [];
      return [
        { identityType, hashed: identity.hashed === true, identityHash, salt: text(identity.salt) },
      ];
    }),
  };
}

function record(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function positive(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

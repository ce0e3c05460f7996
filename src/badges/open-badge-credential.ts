/**
 * The JSON shapes of the Open Badges 3.0 credentials we issue (OB 3.0 §B "Data Models", on the
 * VC Data Model 2.0), in canonical form: `type`, `credentialSchema` and `proof` are arrays.
 * They cover what we emit, not the whole specification; the official JSON Schema
 * (validate-credential.ts) is the reference for the rest.
 */

export type IdentityObject = {
  type: 'IdentityObject';
  /** An IdentifierTypeEnum term (OB 3.0 §B.1.x IdentityObject, common_credentials CDM). */
  identityType: string;
  hashed: boolean;
  /** The plain value, or `sha256$<hex>` when hashed. */
  identityHash: string;
  salt?: string;
};

export type Alignment = {
  type: ['Alignment'];
  targetName: string;
  targetUrl: string;
  targetFramework?: string;
  targetCode?: string;
  targetType?: string;
};

export type ResultDescription = {
  id: string;
  type: ['ResultDescription'];
  name: string;
  resultType: string;
  valueMin?: string;
  valueMax?: string;
};

/**
 * How a stack's result averages the results of its stacked credentials: weighted by their ECTS,
 * or each counting equally when not all of them state ECTS (awards/stack-credit.ts).
 */
export type AverageWeighting = 'ects' | 'equal';

/**
 * The fragment of the result description of a stack's result, the average of the stacked
 * credentials' results, by how it weighs them (build-credential.ts): pages and exports tell it
 * from a score, and the weighting, by it.
 */
export const AVERAGE_FRAGMENTS = {
  ects: 'weighted-average',
  equal: 'unweighted-average',
} as const satisfies Record<AverageWeighting, string>;

/** The weighting of the stack's average a result description id names, or null for another result. */
export function averageWeightingOf(
  resultDescriptionId: string | undefined,
): AverageWeighting | null {
  const fragment = resultDescriptionId?.split('#').at(-1);
  const found = Object.entries(AVERAGE_FRAGMENTS).find(([, known]) => known === fragment);
  return found ? (found[0] as AverageWeighting) : null;
}

export type Result = {
  type: ['Result'];
  resultDescription?: string;
  value?: string;
  /** OB 3.0 ResultStatusType, for a result description of type `Status`. */
  status?: 'Completed';
};

export type Achievement = {
  id: string;
  type: ['Achievement'];
  name: string;
  description: string;
  criteria: { narrative: string };
  achievementType: string;
  creditsAvailable?: number;
  alignment?: Alignment[];
  resultDescription?: ResultDescription[];
  image?: ImageObject;
  inLanguage?: string;
  fieldOfStudy?: string;
  /** Our extension (microcredential-context.ts): the EU elements OB has no field for. */
  microCredential?: MicroCredentialObject;
  /** EndorsementCredentials other issuers made for the achievement, as received (signed). */
  endorsement?: Record<string, unknown>[];
};

export type ImageObject = { id: string; type: 'Image'; caption?: string };

export type MicroCredentialObject = {
  type: 'EuMicroCredential';
  learningOutcome: { type: 'LearningOutcome'; outcome: string; escoSkill?: string[] }[];
  ectsCredits?: number;
  ectsCreditsWithheld?: string;
  workloadHours?: number;
  eqfLevel?: string;
  assessmentType?: string;
  assessmentDescription?: string;
  participationForm?: string;
  qualityAssuranceType?: string;
  qualityAssurance?: string;
  qualityAssuranceUrl?: string;
  prerequisites?: string;
  supervisionAndIdentityVerification?: string;
  supervisionAndIdentityVerificationUri?: string;
  gradingScheme?: string;
  isStackable?: boolean;
  stackabilityDescription?: string;
  stacksInto?: string[];
  furtherInformation?: string;
  furtherInformationUrl?: string;
  issuerCountry?: string;
  issuerRegion?: string;
};

export type AchievementSubject = {
  id?: string;
  type: ['AchievementSubject'];
  identifier: IdentityObject[];
  achievement: Achievement;
  creditsEarned?: number;
  result?: Result[];
};

export type IssuerProfile = {
  id: string;
  type: ['Profile'];
  name: string;
  url?: string;
  email?: string;
  description?: string;
  image?: ImageObject;
  address?: { type: ['Address'] } & Record<string, string | string[]>;
  otherIdentifier?: { type: 'IdentifierEntry'; identifier: string; identifierType: string }[];
  parentOrg?: { id: string; type: ['Profile']; name: string; url?: string };
  /** EndorsementCredentials other issuers made for the awarding body, as received (signed). */
  endorsement?: Record<string, unknown>[];
};

export type Evidence = {
  /** Where the evidence can be seen; a teacher's own award has none. */
  id?: string;
  type: ['Evidence'];
  name: string;
  narrative: string;
  description?: string;
  genre?: string;
  /** Our extension (microcredential-context.ts), on a stacked credential named as evidence. */
  stackedCredential?: string;
  stackedIssuer?: string;
  /** The issuer of a credential recognised from a partner (its DID or URL). */
  stackedIssuerId?: string;
  ectsCredits?: number;
  stackedResult?: number;
  stackedAwardedDate?: string;
};

export type CredentialSchema = {
  id: string;
  type: '1EdTechJsonSchemaValidator2019';
};

/** An OpenBadgeCredential before it is signed. */
export type OpenBadgeCredential = {
  '@context': string[];
  id: string;
  type: ['VerifiableCredential', 'OpenBadgeCredential'];
  name: string;
  description: string;
  issuer: IssuerProfile;
  validFrom: string;
  validUntil?: string;
  awardedDate: string;
  credentialSubject: AchievementSubject;
  evidence?: Evidence[];
  credentialStatus?: BitstringStatusListEntry;
  credentialSchema: CredentialSchema[];
};

/** W3C Bitstring Status List v1.0 §2.1. */
export type BitstringStatusListEntry = {
  id: string;
  type: 'BitstringStatusListEntry';
  statusPurpose: 'revocation';
  statusListIndex: string;
  statusListCredential: string;
};

/** A Data Integrity proof (VC Data Integrity 1.0 §2.1). */
export type DataIntegrityProofValue = {
  type: 'DataIntegrityProof';
  cryptosuite: string;
  created?: string;
  verificationMethod: string;
  proofPurpose: string;
  proofValue: string;
};

export type SignedOpenBadgeCredential = OpenBadgeCredential & {
  proof: DataIntegrityProofValue[];
};

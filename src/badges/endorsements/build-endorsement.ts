import {
  OB_V3P0_CONTEXT_URL,
  OB_V3P0_EXTENSIONS_CONTEXT_URL,
  VC_V2_CONTEXT_URL,
} from '../context-urls.js';
import type { DataIntegrityProofValue } from '../open-badge-credential.js';
import { isUuid } from '../../shared/uuid.js';

export const ENDORSEMENT_CREDENTIAL_SCHEMA_URL =
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json';

/** The contexts of the endorsements we issue, and the only ones we embed (see embeddable). */
export const ENDORSEMENT_CONTEXTS = [
  VC_V2_CONTEXT_URL,
  OB_V3P0_CONTEXT_URL,
  OB_V3P0_EXTENSIONS_CONTEXT_URL,
] as const;

/** An OB 3.0 EndorsementCredential (OB 3.0 §B.1.5), in canonical form, as we issue it. */
export type EndorsementCredential = {
  '@context': string[];
  id: string;
  type: ['VerifiableCredential', 'EndorsementCredential'];
  name: string;
  issuer: { id: string; type: ['Profile']; name: string; url?: string };
  validFrom: string;
  awardedDate: string;
  credentialSubject: {
    id: string;
    type: ['EndorsementSubject'];
    endorsementComment: string;
  };
  credentialStatus?: {
    id: string;
    type: 'BitstringStatusListEntry';
    statusPurpose: 'revocation';
    statusListIndex: string;
    statusListCredential: string;
  };
  credentialSchema: { id: string; type: '1EdTechJsonSchemaValidator2019' }[];
  proof?: DataIntegrityProofValue[];
};

export type EndorsementInput = {
  /** A UUID; the endorsement is published at `<publicUrl>/endorsements/<endorsementId>`. */
  endorsementId: string;
  publicUrl: string;
  issuedAt: Date;
  endorser: { did: string; name: string; url: string | null };
  /** What is endorsed: an achievement's id URL or an issuer's id (DID or URL), and its name. */
  subject: { id: string; name: string };
  comment: string;
  status?: { statusListCredential: string; statusListIndex: number };
};

/** Where an endorsement we issued is published; also its `id`. */
export function endorsementUrl(publicUrl: string, endorsementId: string): string {
  return `${publicUrl}/endorsements/${endorsementId.toLowerCase()}`;
}

/**
 * The unsigned EndorsementCredential for one endorsement. Pure: the same input gives the same
 * credential. Its `name` says who endorses what, in the endorser's words' language (English), as
 * wallets list it; the comment is the endorser's own text. Throws TypeError for input a caller
 * should never pass: an id that is not a UUID, a subject id that is not a URI, empty texts.
 */
export function buildEndorsement(input: EndorsementInput): EndorsementCredential {
  const { endorser, subject } = input;
  if (!isUuid(input.endorsementId)) throw new TypeError('endorsementId must be a UUID');
  if (!URL.canParse(subject.id)) throw new TypeError('subject.id must be an absolute URI');
  for (const [name, value] of Object.entries({
    'endorser.name': endorser.name,
    'subject.name': subject.name,
    comment: input.comment,
  })) {
    if (value.trim() === '') throw new TypeError(`${name} must not be empty`);
  }
  const issuedAt = input.issuedAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    '@context': [...ENDORSEMENT_CONTEXTS],
    id: endorsementUrl(input.publicUrl, input.endorsementId),
    type: ['VerifiableCredential', 'EndorsementCredential'],
    name: `${endorser.name} endorses ${subject.name}`,
    issuer: {
      id: endorser.did,
      type: ['Profile'],
      name: endorser.name,
      ...(endorser.url ? { url: endorser.url } : {}),
    },
    validFrom: issuedAt,
    awardedDate: issuedAt,
    credentialSubject: {
      id: subject.id,
      type: ['EndorsementSubject'],
      endorsementComment: input.comment.trim(),
    },
    ...(input.status
      ? {
          credentialStatus: {
            id: `${input.status.statusListCredential}#${input.status.statusListIndex}`,
            type: 'BitstringStatusListEntry' as const,
            statusPurpose: 'revocation' as const,
            statusListIndex: String(input.status.statusListIndex),
            statusListCredential: input.status.statusListCredential,
          },
        }
      : {}),
    credentialSchema: [
      { id: ENDORSEMENT_CREDENTIAL_SCHEMA_URL, type: '1EdTechJsonSchemaValidator2019' },
    ],
  };
}

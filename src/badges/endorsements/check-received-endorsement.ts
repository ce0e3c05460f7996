import '../../shared/no-proto-accessor.js';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { verifyCredential } from '@digitalbazaar/vc';
import { EndorsementRefusedError, type EndorsementRefusal } from '../../errors.js';
import { issuerDid, type DidDocument } from '../did-web.js';
import { createDocumentLoader, type DidResolver } from '../document-loader.js';
import { readBit } from '../status-list.js';
import { toolDocuments } from '../tool-document-loader.js';
import {
  readDidDocument,
  readSignedStatusList,
  type FetchPublishedJson,
} from '../verify/published-documents.js';
import type { VerifierLookups } from '../verify/verifier-lookups.js';
import { ENDORSEMENT_CONTEXTS } from './build-endorsement.js';
import { validateEndorsement } from './validate-endorsement.js';

/** What a received endorsement is attached to: an awarding body, or one of its achievements. */
export type EndorsementTarget = { issuerProfileId: string; achievementId: string | null };

/** A received endorsement that passed every check, with what the pages and records need. */
export type AcceptedEndorsement = {
  credential: Record<string, unknown>;
  credentialId: string;
  endorserId: string;
  endorserName: string;
  comment: string | null;
  validUntil: Date | null;
};

export type EndorsementCheckDeps = {
  publicUrl: string;
  /** Our own issuer DIDs and status list entries, from the database. */
  lookups: VerifierLookups;
  /** Other issuers' DID documents and status lists, over the network. */
  fetchPublishedJson: FetchPublishedJson;
  now: Date;
};

/**
 * Checks a received EndorsementCredential before it is attached, in this order, refusing with
 * the first that fails (EndorsementRefusedError, one code each):
 * 1. its type names EndorsementCredential;
 * 2. it matches the official OB 3.0 EndorsementCredential JSON Schema;
 * 3. its contexts are the ones our credentials use (VC 2.0, OB 3.0.3, its extensions), so that
 *    embedding it keeps our credentials' JSON-LD valid;
 * 4. it endorses the target: `credentialSubject.id` is the achievement's id URL (any version)
 *    or the awarding body's DID or issuer page;
 * 5. it is valid now (`validFrom`, `validUntil`);
 * 6. its Data Integrity proof (eddsa-rdfc-2022) verifies with a key of the issuer's DID
 *    (VC Data Integrity §4.3; the key's controller must be the issuer, as `assertionMethod`);
 *    a did:web of another host is resolved by fetching its DID document (did:web §3.2);
 * 7. it is not revoked: a BitstringStatusListEntry is read from our records or from the
 *    issuer's status list, whose own proof must verify with a key of the issuer
 *    (published-documents.ts).
 */
export async function checkReceivedEndorsement(
  document: unknown,
  target: EndorsementTarget,
  deps: EndorsementCheckDeps,
): Promise<AcceptedEndorsement> {
  if (!document || typeof document !== 'object' || Array.isArray(document)) {
    refuse('ENDORSEMENT_NOT_AN_ENDORSEMENT', 'This file holds no credential.');
  }
  const credential = document as Record<string, unknown>;
  const types = ([] as unknown[]).concat(credential.type ?? []);
  if (!types.includes('EndorsementCredential')) {
    refuse(
      'ENDORSEMENT_NOT_AN_ENDORSEMENT',
      'This is not an endorsement: its type is not EndorsementCredential. Ask the endorser for the endorsement credential itself.',
    );
  }
  const { valid, problems } = validateEndorsement(credential);
  if (!valid) {
    refuse(
      'ENDORSEMENT_SCHEMA_INVALID',
      `This endorsement does not follow the Open Badges 3.0 rules for endorsements: ${problems.slice(0, 3).join('; ')}. Ask the endorser for a corrected one.`,
    );
  }
  const contexts = ([] as unknown[]).concat(credential['@context']);
  if (
    !contexts.every((context) => (ENDORSEMENT_CONTEXTS as readonly unknown[]).includes(context))
  ) {
    refuse(
      'ENDORSEMENT_CONTEXT_UNSUPPORTED',
      'This endorsement uses vocabularies other than Open Badges 3.0.3, so it cannot be added to the credentials issued here. Ask the endorser to issue it with Open Badges 3.0.3.',
    );
  }
  const subject = credential.credentialSubject as { id?: unknown; endorsementComment?: unknown };
  if (!endorsesTarget(String(subject.id), target, deps.publicUrl)) {
    refuse(
      'ENDORSEMENT_OF_SOMETHING_ELSE',
      target.achievementId === null
        ? 'This endorsement is not about this awarding body: it endorses something else.'
        : 'This endorsement is not about this achievement: it endorses something else.',
    );
  }
  const validFrom = Date.parse(String(credential.validFrom));
  const validUntil =
    typeof credential.validUntil === 'string' ? Date.parse(credential.validUntil) : null;
  if (validFrom > deps.now.getTime()) {
    refuse(
      'ENDORSEMENT_NOT_YET_VALID',
      `This endorsement is valid only from ${String(credential.validFrom)}. Attach it from that day on.`,
    );
  }
  if (validUntil !== null && validUntil <= deps.now.getTime()) {
    refuse(
      'ENDORSEMENT_EXPIRED',
      `This endorsement expired on ${String(credential.validUntil)}. Ask the endorser for a new one.`,
    );
  }
  const issuer = credential.issuer as string | { id: string; name?: unknown };
  const endorserId = typeof issuer === 'string' ? issuer : issuer.id;
  const resolveDid = didResolver(deps);
  await checkProof(credential, resolveDid, deps);
  await checkStatus(credential, endorserId, resolveDid, deps);
  return {
    credential,
    credentialId: String(credential.id),
    endorserId,
    endorserName:
      typeof issuer === 'object' && typeof issuer.name === 'string' ? issuer.name : endorserId,
    comment:
      typeof subject.endorsementComment === 'string' && subject.endorsementComment.trim() !== ''
        ? subject.endorsementComment
        : null,
    validUntil: validUntil === null ? null : new Date(validUntil),
  };
}

function refuse(code: EndorsementRefusal, message: string): never {
  throw new EndorsementRefusedError(code, message);
}

function endorsesTarget(subjectId: string, target: EndorsementTarget, publicUrl: string): boolean {
  if (target.achievementId === null) {
    return (
      subjectId === issuerDid(publicUrl, target.issuerProfileId) ||
      subjectId === `${publicUrl}/issuers/${target.issuerProfileId}`
    );
  }
  const achievementUrl = `${publicUrl}/achievements/${target.achievementId}`;
  if (!subjectId.startsWith(achievementUrl)) return false;
  return /^(\/versions\/\d+)?$/.test(subjectId.slice(achievementUrl.length));
}

/** Our DIDs from our records; another host's did:web from its published DID document. */
function didResolver(deps: EndorsementCheckDeps): DidResolver {
  const fetched = new Map<string, Promise<DidDocument | null>>();
  return async (did) => {
    const ours = await deps.lookups.resolveDid(did);
    if (ours) return ours;
    let document = fetched.get(did);
    if (!document) {
      document = readDidDocument(did, deps.fetchPublishedJson);
      fetched.set(did, document);
    }
    return document;
  };
}

async function checkProof(
  credential: Record<string, unknown>,
  resolveDid: DidResolver,
  deps: EndorsementCheckDeps,
): Promise<void> {
  const proofs = ([] as unknown[]).concat(credential.proof ?? []) as Record<string, unknown>[];
  const proof = proofs.find(
    (candidate) =>
      candidate?.type === 'DataIntegrityProof' && candidate.cryptosuite === 'eddsa-rdfc-2022',
  );
  if (!proof) {
    refuse(
      'ENDORSEMENT_SIGNATURE_INVALID',
      'This endorsement is not signed (it has no eddsa-rdfc-2022 Data Integrity proof), so nobody can tell who made it. Ask the endorser for the signed endorsement.',
    );
  }
  const method = String(proof.verificationMethod ?? '');
  const did = method.split('#')[0] ?? '';
  if (!did.startsWith('did:web:') || !(await resolveDid(did))) {
    refuse(
      'ENDORSEMENT_ISSUER_KEY_UNRESOLVED',
      `The endorser's signing key could not be found (${method || 'no key named'}): their published identity could not be read. Try again later, or ask the endorser whether their site is up.`,
    );
  }
  const result = await verifyCredential({
    credential: { ...credential, proof },
    suite: new DataIntegrityProof({ cryptosuite }),
    documentLoader: createDocumentLoader({
      resolveDid,
      documents: toolDocuments(deps.publicUrl),
    }),
    // Dates were checked above and status is checked next, each with its own refusal.
    checkStatus: async () => ({ verified: true }),
    now: deps.now,
  });
  if (!result.verified) {
    refuse(
      'ENDORSEMENT_SIGNATURE_INVALID',
      'The signature of this endorsement does not match: it was changed after signing, or not signed by the endorser it names. Ask the endorser for the original file.',
    );
  }
}

async function checkStatus(
  credential: Record<string, unknown>,
  endorserId: string,
  resolveDid: DidResolver,
  deps: EndorsementCheckDeps,
): Promise<void> {
  const status = credential.credentialStatus as Record<string, unknown> | undefined;
  if (!status) return;
  const listUrl = String(status.statusListCredential ?? '');
  const index = Number(status.statusListIndex);
  const uncheckable = () =>
    refuse(
      'ENDORSEMENT_STATUS_UNCHECKABLE',
      'Whether the endorser has withdrawn this endorsement could not be checked (their status list could not be read). Try again later.',
    );
  if (status.type !== 'BitstringStatusListEntry' || !Number.isInteger(index) || index < 0) {
    uncheckable();
  }
  let isRevoked: boolean;
  const ours = `${deps.publicUrl}/status-lists/`;
  if (listUrl.startsWith(ours)) {
    const entry = await deps.lookups.findStatusEntry(listUrl.slice(ours.length), index);
    if (!entry) uncheckable();
    isRevoked = entry!.revokedAt !== null;
  } else {
    const encodedList = await readSignedStatusList(listUrl, {
      issuerId: endorserId,
      resolveDid,
      publicUrl: deps.publicUrl,
      fetchPublishedJson: deps.fetchPublishedJson,
    });
    if (encodedList === null) return uncheckable();
    try {
      isRevoked = readBit(encodedList, index);
    } catch {
      return uncheckable();
    }
  }
  if (isRevoked) {
    refuse(
      'ENDORSEMENT_REVOKED',
      'The endorser has withdrawn (revoked) this endorsement. It cannot be attached.',
    );
  }
}

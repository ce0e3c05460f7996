import { didToDocumentUrl, type DidDocument } from '../badges/did-web.js';
import { toolDocuments } from '../badges/tool-document-loader.js';
import type { PartnerDocuments } from '../badges/verify/verify-credential.js';
import {
  createPublishedJsonFetcher,
  readDidDocument,
  readSignedStatusList,
} from '../badges/verify/published-documents.js';
import type { Logger } from '../config/logger.js';
import type { OutgoingFetch } from '../outgoing/outgoing-requests.js';

/**
 * Reads from a partner issuer's host, through the tool's outgoing requests
 * (published-documents.ts), what verifying its credential needs: the issuer's did:web DID
 * document, and the status list credential the credential points to, whose own Data Integrity
 * proof must verify with that DID and whose issuer must be the partner. Called only once the
 * issuer is known to be a partner, so the tool fetches nothing for issuers nobody trusts. What
 * cannot be read is left out: the verifier then reports the proof or the status as not
 * checkable, and the credential is refused for that.
 */
export async function readPartnerDocuments(options: {
  fetch: OutgoingFetch;
  publicUrl: string;
  logger: Logger;
  partnerIssuerId: string;
  credential: Record<string, unknown>;
}): Promise<PartnerDocuments> {
  const { partnerIssuerId, publicUrl, logger } = options;
  const fetchPublishedJson = createPublishedJsonFetcher(options.fetch);
  const didDocuments = new Map<string, DidDocument>();
  const statusLists = new Map<string, string>();
  if (partnerIssuerId.startsWith('did:web:')) {
    const didDocument = await readDidDocument(partnerIssuerId, fetchPublishedJson);
    if (didDocument) didDocuments.set(partnerIssuerId, didDocument);
    else logger.info('badges', 'partner DID document not readable', { did: partnerIssuerId });
  }
  const status = options.credential.credentialStatus as Record<string, unknown> | undefined;
  const listUrl =
    typeof status?.statusListCredential === 'string' ? status.statusListCredential : '';
  if (status?.type === 'BitstringStatusListEntry' && !listUrl.startsWith(`${publicUrl}/`)) {
    const encodedList = await readSignedStatusList(listUrl, {
      issuerId: partnerIssuerId,
      resolveDid: async (did) => didDocuments.get(did) ?? null,
      publicUrl,
      fetchPublishedJson,
    });
    if (encodedList) statusLists.set(listUrl, encodedList);
    else logger.info('badges', 'partner status list not readable', { url: listUrl });
  }
  return { didDocuments, statusLists, contexts: partnerToolContexts(partnerIssuerId) };
}

/**
 * Another instance of this tool publishes our extension context under its own address; the
 * context is ours, bundled, so it is served from here rather than fetched. None for an issuer
 * that is no well-formed did:web.
 */
function partnerToolContexts(partnerIssuerId: string): PartnerDocuments['contexts'] {
  try {
    return toolDocuments(new URL(didToDocumentUrl(partnerIssuerId)).origin);
  } catch {
    return new Map();
  }
}

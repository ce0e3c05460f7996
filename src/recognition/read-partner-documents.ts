import { didToDocumentUrl, type DidDocument } from '../badges/did-web.js';
import { createDocumentLoader } from '../badges/document-loader.js';
import { toolDocuments } from '../badges/tool-document-loader.js';
import { checkDataIntegrity } from '../badges/verify/check-proof.js';
import { issuerId as issuerOf } from '../badges/verify/check-issuer.js';
import type { PartnerDocuments } from '../badges/verify/verify-credential.js';
import type { Logger } from '../config/logger.js';
import { OutgoingRequestError, type OutgoingFetch } from '../outgoing/outgoing-requests.js';

/** A DID document or a status list credential is a few kilobytes; a list of 131 072 entries, ~20 KB. */
const MAX_DOCUMENT_BYTES = 512 * 1024;
const TIMEOUT_MS = 10_000;

/**
 * Reads from a partner issuer's host, through the tool's outgoing requests (their address
 * policy, no redirects, size and time limits), what verifying its credential needs: the
 * issuer's did:web DID document, and the status list credential the credential points to,
 * whose own Data Integrity proof must verify with that DID and whose issuer must be the
 * partner. Called only once the issuer is known to be a partner, so the tool fetches nothing
 * for issuers nobody trusts. What cannot be read is left out: the verifier then reports the
 * proof or the status as not checkable, and the credential is refused for that.
 */
export async function readPartnerDocuments(options: {
  fetch: OutgoingFetch;
  publicUrl: string;
  logger: Logger;
  partnerIssuerId: string;
  credential: Record<string, unknown>;
}): Promise<PartnerDocuments> {
  const { partnerIssuerId, publicUrl, logger } = options;
  const didDocuments = new Map<string, DidDocument>();
  const statusLists = new Map<string, string>();
  const didDocumentUrl = partnerIssuerId.startsWith('did:web:')
    ? documentUrlOf(partnerIssuerId)
    : '';
  // Another instance of this tool publishes our extension context under its own address; the
  // context is ours, bundled, so it is served from here rather than fetched.
  const contexts =
    didDocumentUrl === '' ? new Map() : toolDocuments(new URL(didDocumentUrl).origin);
  if (partnerIssuerId.startsWith('did:web:')) {
    const didDocument = await fetchJson(options, didDocumentUrl);
    if (didDocument?.id === partnerIssuerId && Array.isArray(didDocument.verificationMethod)) {
      didDocuments.set(partnerIssuerId, didDocument as unknown as DidDocument);
    } else {
      logger.info('badges', 'partner DID document not readable', { did: partnerIssuerId });
    }
  }
  const status = options.credential.credentialStatus as Record<string, unknown> | undefined;
  const listUrl =
    typeof status?.statusListCredential === 'string' ? status.statusListCredential : '';
  if (status?.type === 'BitstringStatusListEntry' && !listUrl.startsWith(`${publicUrl}/`)) {
    const list = await fetchJson(options, listUrl);
    const encodedList =
      list && (await verifiedEncodedList(list, partnerIssuerId, didDocuments, publicUrl));
    if (encodedList) statusLists.set(listUrl, encodedList);
    else logger.info('badges', 'partner status list not readable', { url: listUrl });
  }
  return { didDocuments, statusLists, contexts };
}

/** The list's `encodedList`, when the partner signed the list; else null. */
async function verifiedEncodedList(
  list: Record<string, unknown>,
  partnerIssuerId: string,
  didDocuments: ReadonlyMap<string, DidDocument>,
  publicUrl: string,
): Promise<string | null> {
  if (issuerOf(list) !== partnerIssuerId) return null;
  const loader = createDocumentLoader({
    resolveDid: async (did) => didDocuments.get(did) ?? null,
    documents: toolDocuments(publicUrl),
  });
  const checks = await checkDataIntegrity(list, loader, publicUrl, new Set(didDocuments.keys()));
  const isSigned =
    checks.some((check) => check.check === 'proof' && check.outcome === 'passed') &&
    checks.every((check) => check.outcome === 'passed');
  const subject = list.credentialSubject as Record<string, unknown> | undefined;
  return isSigned && typeof subject?.encodedList === 'string' ? subject.encodedList : null;
}

/** Where the DID document is published, or '' for a malformed did:web (nothing is fetched). */
function documentUrlOf(did: string): string {
  try {
    return didToDocumentUrl(did);
  } catch {
    return '';
  }
}

async function fetchJson(
  options: { fetch: OutgoingFetch; logger: Logger },
  url: string,
): Promise<Record<string, unknown> | null> {
  if (url === '') return null;
  try {
    const response = await options.fetch(url, {
      headers: { accept: 'application/did+json, application/vc+ld+json, application/json' },
      timeoutMs: TIMEOUT_MS,
      maxResponseBytes: MAX_DOCUMENT_BYTES,
    });
    if (!response.ok) return null;
    const json: unknown = JSON.parse(await response.text());
    return json && typeof json === 'object' && !Array.isArray(json)
      ? (json as Record<string, unknown>)
      : null;
  } catch (error) {
    if (error instanceof OutgoingRequestError || error instanceof SyntaxError) return null;
    throw error;
  }
}

import type { OutgoingFetch } from '../../outgoing/outgoing-requests.js';
import { didToDocumentUrl, type DidDocument } from '../did-web.js';
import { createDocumentLoader, type DidResolver } from '../document-loader.js';
import { toolDocuments } from '../tool-document-loader.js';
import { issuerId as issuerOf } from './check-issuer.js';
import { checkDataIntegrity } from './check-proof.js';

/**
 * What another issuer publishes on its host and verifying its credentials needs: its did:web
 * DID document and its signed status lists. Read for recognition (a partner's credential) and
 * for received endorsements (an endorser's), the only times the tool fetches them.
 */

/** Fetches a JSON document another issuer publishes (a DID document, a status list). */
export type FetchPublishedJson = (url: string) => Promise<unknown>;

/** The largest DID document or status list read (a status list of 131,072 bits is ~200 bytes). */
const MAX_DOCUMENT_BYTES = 256 * 1024;

/**
 * FetchPublishedJson over the tool's outgoing requests (outgoing-requests.ts: public addresses
 * only, no redirects, bounded time and size). Rejects with OutgoingRequestError when the server
 * cannot be reached, and with Error for an answer that is not 200 with a JSON body.
 */
export function createPublishedJsonFetcher(outgoingFetch: OutgoingFetch): FetchPublishedJson {
  return async (url) => {
    const response = await outgoingFetch(url, {
      headers: { accept: 'application/json, application/did+json, application/vc+ld+json' },
      maxResponseBytes: MAX_DOCUMENT_BYTES,
      timeoutMs: 10_000,
    });
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    return JSON.parse(await response.text()) as unknown;
  };
}

/**
 * The DID document of a did:web DID, read where the DID says it is published (did:web §3.2),
 * or null: a malformed did:web, a host that does not answer with JSON, or a document that is
 * not the DID's own (did:web §3.2: its `id` must be the DID).
 */
export async function readDidDocument(
  did: string,
  fetchPublishedJson: FetchPublishedJson,
): Promise<DidDocument | null> {
  let url: string;
  try {
    url = didToDocumentUrl(did);
  } catch {
    return null;
  }
  const document = await fetchPublishedJson(url).catch(() => null);
  return isObject(document) && document.id === did && Array.isArray(document.verificationMethod)
    ? (document as unknown as DidDocument)
    : null;
}

/**
 * The `encodedList` of the BitstringStatusListCredential at `url` when `issuerId` issued it and
 * its Data Integrity proof verifies with a key of that issuer (the verifier's proof check, the
 * key's binding to the issuer included), or null: the list cannot be read, is another issuer's,
 * or its signature does not verify. `resolveDid` gives the issuer's DID document.
 */
export async function readSignedStatusList(
  url: string,
  options: {
    issuerId: string;
    resolveDid: DidResolver;
    publicUrl: string;
    fetchPublishedJson: FetchPublishedJson;
  },
): Promise<string | null> {
  const { issuerId, resolveDid, publicUrl } = options;
  const list = await options.fetchPublishedJson(url).catch(() => null);
  if (!isObject(list) || issuerOf(list) !== issuerId) return null;
  const loader = createDocumentLoader({ resolveDid, documents: toolDocuments(publicUrl) });
  const checks = await checkDataIntegrity(list, loader, publicUrl, new Set([issuerId]));
  const isSigned =
    checks.some((check) => check.check === 'proof' && check.outcome === 'passed') &&
    checks.every((check) => check.outcome === 'passed');
  const subject = list.credentialSubject as Record<string, unknown> | undefined;
  return isSigned && typeof subject?.encodedList === 'string' ? subject.encodedList : null;
}

function isObject(json: unknown): json is Record<string, unknown> {
  return typeof json === 'object' && json !== null && !Array.isArray(json);
}

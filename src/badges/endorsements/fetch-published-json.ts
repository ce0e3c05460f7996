import type { OutgoingFetch } from '../../outgoing/outgoing-requests.js';

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

import type { Executor } from '../db/database.js';
import { createDocumentLoader, type DocumentLoader } from './document-loader.js';
import { createIssuerDidResolver } from './issuer-did-document.js';
import { microcredentialContext, microcredentialContextUrl } from './microcredential-context.js';

/** The documents the tool serves besides the bundled contexts: our extension context. */
export function toolDocuments(
  publicUrl: string,
): ReadonlyMap<string, Readonly<Record<string, unknown>>> {
  return new Map([[microcredentialContextUrl(publicUrl), microcredentialContext(publicUrl)]]);
}

/**
 * The document loader the tool signs and verifies with: bundled contexts, our extension
 * context under `publicUrl`, and our own issuer DIDs from the database. Never the network.
 */
export function createToolDocumentLoader(options: {
  db: Executor;
  publicUrl: string;
}): DocumentLoader {
  return createDocumentLoader({
    resolveDid: createIssuerDidResolver(options),
    documents: toolDocuments(options.publicUrl),
  });
}

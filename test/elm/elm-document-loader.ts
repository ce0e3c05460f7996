import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DocumentLoader, RemoteDocument } from '../../src/badges/document-loader.js';
import { EDC_AP_CONTEXT_URL, VC_V1_CONTEXT_URL } from '../../src/elm/build-elm-credential.js';
import { DocumentNotBundledError } from '../../src/errors.js';

const BUNDLED: ReadonlyMap<string, string> = new Map([
  [VC_V1_CONTEXT_URL, 'credentials-v1.jsonld'],
  [EDC_AP_CONTEXT_URL, 'edc-ap-context-3.2.jsonld'],
]);
const CONTEXTS_FOLDER = path.join(import.meta.dirname, 'fixtures', 'contexts');
const parsed = new Map<string, Readonly<Record<string, unknown>>>();

/**
 * A JSON-LD document loader for ELM exports that never touches the network: it answers the two
 * contexts an export names from the copies in `fixtures/contexts/` and refuses every other URL with
 * DocumentNotBundledError.
 */
export const elmDocumentLoader: DocumentLoader = async (url) => {
  const file = BUNDLED.get(url);
  if (!file) {
    throw new DocumentNotBundledError(
      `Refusing to load "${url}": it is not one of the bundled ELM contexts`,
    );
  }
  let document = parsed.get(url);
  if (!document) {
    document = Object.freeze(
      JSON.parse(readFileSync(path.join(CONTEXTS_FOLDER, file), 'utf8')) as Record<string, unknown>,
    );
    parsed.set(url, document);
  }
  const remote: RemoteDocument = { contextUrl: null, documentUrl: url, document };
  return remote;
};

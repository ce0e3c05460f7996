import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config/project-root.js';
import { DocumentNotBundledError } from '../errors.js';
import {
  DID_V1_CONTEXT_URL,
  MULTIKEY_V1_CONTEXT_URL,
  OB_V3P0_CONTEXT_URL,
  OB_V3P0_EXTENSIONS_CONTEXT_URL,
  VC_V2_CONTEXT_URL,
} from './context-urls.js';
import type { DidDocument } from './did-web.js';

/** A JSON-LD RemoteDocument, the shape jsonld.js expects from a document loader. */
export type RemoteDocument = {
  contextUrl: null;
  documentUrl: string;
  document: Readonly<Record<string, unknown>>;
};

export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

/** Finds a DID document we serve, or null when `did` is not ours. */
export type DidResolver = (did: string) => Promise<DidDocument | null>;

/** Bundled context files (see contexts/README.md) by the URL they are published at. */
const BUNDLED_CONTEXT_FILES: ReadonlyMap<string, string> = new Map([
  [VC_V2_CONTEXT_URL, 'credentials-v2.jsonld'],
  [OB_V3P0_CONTEXT_URL, 'ob-v3p0-context-3.0.3.json'],
  [OB_V3P0_EXTENSIONS_CONTEXT_URL, 'ob-v3p0-extensions.json'],
  // Earlier OB 3.0 contexts, for verifying credentials issued elsewhere with them.
  ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json', 'ob-v3p0-context-3.0.2.json'],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json', 'ob-v3p0-context-3.0.1.json'],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context.json', 'ob-v3p0-context.json'],
  [DID_V1_CONTEXT_URL, 'did-v1.jsonld'],
  [MULTIKEY_V1_CONTEXT_URL, 'multikey-v1.jsonld'],
]);
const CONTEXTS_FOLDER = path.join(projectRoot, 'src', 'badges', 'contexts');

/** Parsed once per process; frozen, because every loader hands out the same objects. */
const parsedContexts = new Map<string, Readonly<Record<string, unknown>>>();

/**
 * A JSON-LD document loader that never touches the network: it answers the bundled contexts
 * by URL, and did:web DIDs and their verification methods (`<did>#<kid>`) through
 * `resolveDid`. A verification method comes back as a Multikey document with its context.
 * Every other URL, an unknown DID or an unknown key id rejects with DocumentNotBundledError
 * (`BADGE_DOCUMENT_NOT_BUNDLED`).
 */
export function createDocumentLoader(options: {
  resolveDid: DidResolver;
  /** More documents by URL, such as our extension context under the tool's public URL. */
  documents?: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}): DocumentLoader {
  const { resolveDid, documents } = options;
  if (typeof resolveDid !== 'function') throw new TypeError('resolveDid must be a function');

  return async (url) => {
    const extra = documents?.get(url);
    if (extra) return remoteDocument(url, extra);
    const context = bundledContext(url);
    if (context) return remoteDocument(url, context);
    if (url.startsWith('did:web:')) {
      const [did = '', fragment] = url.split('#', 2);
      const didDocument = await resolveDid(did);
      if (!didDocument) throw new DocumentNotBundledError(`Unknown DID "${did}"`);
      if (fragment === undefined) return remoteDocument(url, didDocument);
      const method = didDocument.verificationMethod.find(
        (candidate) => candidate.id === url || candidate.id === `#${fragment}`,
      );
      if (!method) throw new DocumentNotBundledError(`Unknown verification method "${url}"`);
      return remoteDocument(url, { '@context': MULTIKEY_V1_CONTEXT_URL, ...method, id: url });
    }
    throw new DocumentNotBundledError(
      `Refusing to load "${url}": it is neither a bundled context nor one of our DIDs`,
    );
  };
}

function bundledContext(url: string): Readonly<Record<string, unknown>> | undefined {
  const cached = parsedContexts.get(url);
  if (cached) return cached;
  const file = BUNDLED_CONTEXT_FILES.get(url);
  if (!file) return undefined;
  const context = deepFreeze(JSON.parse(readFileSync(path.join(CONTEXTS_FOLDER, file), 'utf8')));
  parsedContexts.set(url, context);
  return context;
}

function remoteDocument(url: string, document: Readonly<Record<string, unknown>>): RemoteDocument {
  return { contextUrl: null, documentUrl: url, document };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

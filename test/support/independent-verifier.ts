import { readFileSync } from 'node:fs';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { defaultDocumentLoader, verifyCredential, type DocumentLoader } from '@digitalbazaar/vc';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import type { DidDocument } from '../../src/badges/did-web.js';

const OB_CONTEXT_FILES: Record<string, string> = {
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json': 'ob-v3p0-context-3.0.3.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json': 'ob-v3p0-extensions.json',
};

/**
 * A verifier's loader that shares no code with the tool's: the DID document a test fetched
 * over HTTP, the official OB context files, and @digitalbazaar/vc's own bundled contexts.
 */
export function verifierLoader(
  didDocument: DidDocument,
  /** Further documents by URL, such as an extension context fetched from the issuer. */
  documents: Record<string, unknown> = {},
): DocumentLoader {
  return async (url) => {
    if (url in documents) return { contextUrl: null, documentUrl: url, document: documents[url] };
    if (url === didDocument.id)
      return { contextUrl: null, documentUrl: url, document: didDocument };
    const method = didDocument.verificationMethod.find((candidate) => candidate.id === url);
    if (method) {
      const document = { '@context': 'https://w3id.org/security/multikey/v1', ...method };
      return { contextUrl: null, documentUrl: url, document };
    }
    // Like any verifier, fetch what the issuer publishes itself (here: the test tool on this
    // machine), such as its JSON-LD extension context. Nothing else is fetched.
    if (/^https?:\/\/(127\.0\.0\.1|localhost):\d+\//.test(url)) {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      return { contextUrl: null, documentUrl: url, document: await response.json() };
    }
    const file = OB_CONTEXT_FILES[url];
    if (file) {
      const path = new URL(`../../src/badges/contexts/${file}`, import.meta.url);
      return {
        contextUrl: null,
        documentUrl: url,
        document: JSON.parse(readFileSync(path, 'utf8')),
      };
    }
    return defaultDocumentLoader(url);
  };
}

/** Verifies a Data Integrity (eddsa-rdfc-2022) proof with @digitalbazaar/vc. */
export function verifyDataIntegrity(
  credential: Record<string, unknown>,
  didDocument: DidDocument,
  documents: Record<string, unknown> = {},
) {
  return verifyCredential({
    credential,
    suite: new DataIntegrityProof({ cryptosuite }),
    // Only the proof: whether the credential is revoked is a separate question.
    checkStatus: async () => ({ verified: true }),
    documentLoader: verifierLoader(didDocument, documents),
  });
}

/** Validates against the official 1EdTech AchievementCredential JSON Schema (draft 2019-09). */
export function validateAgainstOfficialSchema(credential: unknown): {
  valid: boolean;
  errors: unknown;
} {
  const path = new URL(
    '../../src/badges/schemas/ob_v3p0_achievementcredential_schema.json',
    import.meta.url,
  );
  const ajv = new Ajv2019.default({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(path, 'utf8')));
  const valid = validate(credential);
  return { valid, errors: validate.errors };
}

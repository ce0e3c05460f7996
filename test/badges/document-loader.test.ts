import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { verifyCredential } from '@digitalbazaar/vc';
import { describe, expect, it } from 'vitest';
import type { DidDocument } from '../../src/badges/did-web.js';
import { createDocumentLoader, type DidResolver } from '../../src/badges/document-loader.js';
import { DocumentNotBundledError } from '../../src/errors.js';

function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

const OUR_DID = 'did:web:localhost%3A3000:issuers:default';
const OUR_DID_DOCUMENT: DidDocument = {
  '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
  id: OUR_DID,
  verificationMethod: [
    {
      id: `${OUR_DID}#k1`,
      type: 'Multikey',
      controller: OUR_DID,
      publicKeyMultibase: 'z6MktvwpFBEnKSxthjseCGXJcxDr2km6JrMuRSUhGB3YS8pk',
    },
  ],
  assertionMethod: [`${OUR_DID}#k1`],
  authentication: [`${OUR_DID}#k1`],
};
const resolveOurDid: DidResolver = async (did) => (did === OUR_DID ? OUR_DID_DOCUMENT : null);

/** The published bytes (see src/badges/contexts/README.md), so an edit to a copy shows up. */
const BUNDLED = [
  [
    'https://www.w3.org/ns/credentials/v2',
    'credentials-v2.jsonld',
    '59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734',
  ],
  [
    'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    'ob-v3p0-context-3.0.3.json',
    'ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761',
  ],
  [
    'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
    'ob-v3p0-extensions.json',
    '146f85aa16effd7ca1da8056eb443f53ce1eca8a34186cb062832c0a97d889c3',
  ],
  [
    'https://www.w3.org/ns/did/v1',
    'did-v1.jsonld',
    'adefa50311393eb1bd788a38ac9fe2696c65367928f6996812cd54577394f4da',
  ],
  ['https://w3id.org/security/multikey/v1', 'multikey-v1.jsonld', null],
] as const;

describe('createDocumentLoader', () => {
  const load = createDocumentLoader({ resolveDid: resolveOurDid });

  it.each(BUNDLED)('answers %s from the bundled %s', async (url, file, sha256) => {
    const bytes = readFileSync(new URL(`../../src/badges/contexts/${file}`, import.meta.url));
    if (sha256) expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha256);
    const remote = await load(url);
    expect(remote).toEqual({
      contextUrl: null,
      documentUrl: url,
      document: JSON.parse(bytes.toString('utf8')),
    });
  });

  it('parses each context once and hands out the same frozen object', async () => {
    const first = await load('https://www.w3.org/ns/credentials/v2');
    const second = await createDocumentLoader({ resolveDid: resolveOurDid })(
      'https://www.w3.org/ns/credentials/v2',
    );
    expect(second.document).toBe(first.document);
    expect(Object.isFrozen(first.document['@context'])).toBe(true);
  });

  it('answers one of our DIDs with its DID document', async () => {
    expect((await load(OUR_DID)).document).toEqual(OUR_DID_DOCUMENT);
  });

  it('answers a verification method as a Multikey document', async () => {
    expect((await load(`${OUR_DID}#k1`)).document).toEqual({
      '@context': 'https://w3id.org/security/multikey/v1',
      ...OUR_DID_DOCUMENT.verificationMethod[0],
    });
  });

  it('lets @digitalbazaar/vc verify, offline, a credential another OB 3.0 stack signed for a did:web issuer', async () => {
    const didDocument = fixture<DidDocument>('lcw-did-web-issuer.example.did.json');
    const documentLoader = createDocumentLoader({
      resolveDid: async (did) => (did === didDocument.id ? didDocument : null),
    });
    const result = await verifyCredential({
      credential: fixture('lcw-issued-ob3-di.json'),
      suite: new DataIntegrityProof({ cryptosuite }),
      documentLoader,
    });
    expect(result.error).toBeUndefined();
    expect(result.verified).toBe(true);
  });

  describe('refuses', () => {
    it.each([
      'https://www.w3.org/2018/credentials/v1',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.9.json',
      'https://example.org/evil-context.jsonld',
      'did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi',
      'did:web:example.org',
      `${OUR_DID}#unknown-key`,
      'file:///etc/passwd',
    ])('%s with BADGE_DOCUMENT_NOT_BUNDLED', async (url) => {
      const failure = load(url);
      await expect(failure).rejects.toBeInstanceOf(DocumentNotBundledError);
      await expect(failure).rejects.toMatchObject({ code: 'BADGE_DOCUMENT_NOT_BUNDLED' });
    });

    it('a resolver that is not a function with TypeError', () => {
      expect(() =>
        createDocumentLoader({ resolveDid: undefined as unknown as DidResolver }),
      ).toThrow(TypeError);
    });
  });
});

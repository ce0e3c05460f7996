import { describe, expect, it } from 'vitest';
import {
  buildDidDocument,
  didToDocumentUrl,
  issuerDid,
  parseIssuerDid,
} from '../../src/badges/did-web.js';

describe('did:web identifiers (did:web method §3.1 Create)', () => {
  it.each([
    ['http://localhost:3000', 'default', 'did:web:localhost%3A3000:issuers:default'],
    ['https://badges.uni.example', 'default', 'did:web:badges.uni.example:issuers:default'],
    ['https://uni.example:8443', 'law', 'did:web:uni.example%3A8443:issuers:law'],
    ['https://uni.example/microcred', 'x', 'did:web:uni.example:microcred:issuers:x'],
    ['https://UNI.example/a/b/', 'x', 'did:web:uni.example:a:b:issuers:x'],
    ['http://127.0.0.1:8080', 'p_1.v-2', 'did:web:127.0.0.1%3A8080:issuers:p_1.v-2'],
  ])('turns %s and profile %s into %s', (publicUrl, profileId, did) => {
    expect(issuerDid(publicUrl, profileId)).toBe(did);
  });

  it('reads the profile id back from our own DIDs only', () => {
    const publicUrl = 'http://localhost:3000';
    expect(parseIssuerDid(publicUrl, 'did:web:localhost%3A3000:issuers:default')).toBe('default');
    expect(parseIssuerDid(publicUrl, 'did:web:localhost%3A3001:issuers:default')).toBeNull();
    expect(parseIssuerDid(publicUrl, 'did:web:localhost%3A3000:issuers:a:b')).toBeNull();
    expect(parseIssuerDid(publicUrl, 'did:web:localhost%3A3000:issuers:')).toBeNull();
    expect(parseIssuerDid(publicUrl, 'did:key:z6Mk')).toBeNull();
  });

  describe('refuses', () => {
    it.each([
      ['a profile id with a colon', 'https://uni.example', 'a:b'],
      ['a profile id with a slash', 'https://uni.example', 'a/b'],
      ['an empty profile id', 'https://uni.example', ''],
      ['a percent-escaped path segment', 'https://uni.example/a%20b', 'x'],
      ['an IPv6 host', 'http://[::1]:3000', 'x'],
      ['a non-http URL', 'ftp://uni.example', 'x'],
      ['something that is no URL', 'uni.example', 'x'],
    ])('%s with TypeError', (_case, publicUrl, profileId) => {
      expect(() => issuerDid(publicUrl, profileId)).toThrow(TypeError);
    });
  });
});

describe('did:web document URLs (did:web method §3.2 Read)', () => {
  it.each([
    ['did:web:localhost%3A3000:issuers:default', 'http://localhost:3000/issuers/default/did.json'],
    ['did:web:127.0.0.1%3A8080:issuers:x', 'http://127.0.0.1:8080/issuers/x/did.json'],
    ['did:web:localhost', 'http://localhost/.well-known/did.json'],
    ['did:web:example.org', 'https://example.org/.well-known/did.json'],
    ['did:web:uni.example%3A8443:issuers:law', 'https://uni.example:8443/issuers/law/did.json'],
    ['did:web:w3c-ccg.github.io:user:alice', 'https://w3c-ccg.github.io/user/alice/did.json'],
  ])('resolves %s at %s', (did, url) => {
    expect(didToDocumentUrl(did)).toBe(url);
  });

  it('uses HTTPS for a host that only looks local', () => {
    expect(didToDocumentUrl('did:web:localhost.evil.example')).toBe(
      'https://localhost.evil.example/.well-known/did.json',
    );
  });

  it('round-trips the DIDs issuerDid mints', () => {
    const did = issuerDid('https://uni.example:8443/microcred', 'default');
    expect(didToDocumentUrl(did)).toBe(
      'https://uni.example:8443/microcred/issuers/default/did.json',
    );
  });

  describe('refuses', () => {
    it.each([
      ['another DID method', 'did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi'],
      ['a DID URL with a fragment', 'did:web:example.org#key-1'],
      ['a host hiding a path', 'did:web:evil.example%2Fpath'],
      ['a host with user info', 'did:web:user%40evil.example'],
      ['an empty path segment', 'did:web:example.org::x'],
      ['an empty host', 'did:web:'],
      ['a broken escape', 'did:web:example.org%3'],
    ])('%s with TypeError', (_case, did) => {
      expect(() => didToDocumentUrl(did)).toThrow(TypeError);
    });
  });
});

describe('buildDidDocument', () => {
  const did = 'did:web:localhost%3A3000:issuers:default';

  it('lists each key as a Multikey verification method for assertions', () => {
    const document = buildDidDocument({
      did,
      keys: [{ kid: 'k1', publicKeyMultibase: 'z6MkA', isRetired: false }],
    });
    expect(document).toEqual({
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: did,
      verificationMethod: [
        { id: `${did}#k1`, type: 'Multikey', controller: did, publicKeyMultibase: 'z6MkA' },
      ],
      assertionMethod: [`${did}#k1`],
      authentication: [`${did}#k1`],
    });
  });

  it('keeps retired keys for assertions but not for authentication', () => {
    const document = buildDidDocument({
      did,
      keys: [
        { kid: 'old', publicKeyMultibase: 'z6MkOld', isRetired: true },
        { kid: 'new', publicKeyMultibase: 'z6MkNew', isRetired: false },
      ],
    });
    expect(document.assertionMethod).toEqual([`${did}#old`, `${did}#new`]);
    expect(document.authentication).toEqual([`${did}#new`]);
  });

  it('refuses a key id that is not a plain fragment with TypeError', () => {
    expect(() =>
      buildDidDocument({ did, keys: [{ kid: 'a#b', publicKeyMultibase: 'z', isRetired: false }] }),
    ).toThrow(TypeError);
  });
});

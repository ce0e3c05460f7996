import { fromJwk } from '@digitalbazaar/ed25519-multikey';
import { Oauth2ServerErrorResponseError } from '@openid4vc/oauth2';
import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { resolveHolderKey } from '../../../src/wallets/oid4vci/holder-key.js';

/** The P-256 test vector of the did:key method (w3c-ccg/did-method-key, test-vectors/nist-curves.json). */
const P256_DID_KEY = 'did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv';
const P256_JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'igrFmi0whuihKnj9R3Om1SoMph72wUGeFaBbzG2vzns',
  y: 'efsX5b10x8yjyrj4ny3pGfLcY7Xby1KzgqOdqnsrJIM',
};

/** An Ed25519 key and its did:key as Digital Bazaar's Multikey library writes it. */
async function ed25519DidKey() {
  const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  const jwk = await exportJWK(privateKey);
  const multikey = await fromJwk({
    jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x ?? '', d: jwk.d ?? '' },
    secretKey: true,
  });
  return {
    did: `did:key:${multikey.publicKeyMultibase}`,
    x: jwk.x,
    multibase: multikey.publicKeyMultibase,
  };
}

function refusal(header: Record<string, unknown>): string | undefined {
  try {
    resolveHolderKey(header);
  } catch (error) {
    if (error instanceof Oauth2ServerErrorResponseError) return error.errorResponse.error;
    throw error;
  }
  return undefined;
}

describe('resolveHolderKey: the key a key proof names (OpenID4VCI 1.0 Appendix F.1)', () => {
  it('reads a P-256 did:key (the did:key test vector) for an ES256 proof', () => {
    const key = resolveHolderKey({ alg: 'ES256', kid: `${P256_DID_KEY}#${P256_DID_KEY.slice(8)}` });
    expect(key).toEqual({ algorithm: 'ES256', holderDid: P256_DID_KEY, publicJwk: P256_JWK });
  });

  it('reads an Ed25519 did:key for an EdDSA proof', async () => {
    const { did, x, multibase } = await ed25519DidKey();
    const key = resolveHolderKey({ alg: 'EdDSA', kid: `${did}#${multibase}` });
    expect(key).toEqual({
      algorithm: 'EdDSA',
      holderDid: did,
      publicJwk: { kty: 'OKP', crv: 'Ed25519', x },
    });
  });

  it('reads a did:jwk and keeps the DID as the wallet wrote it', () => {
    const did = `did:jwk:${Buffer.from(JSON.stringify({ ...P256_JWK, use: 'sig' })).toString('base64url')}`;
    const key = resolveHolderKey({ alg: 'ES256', kid: `${did}#0` });
    expect(key.holderDid).toBe(did);
    expect(key.publicJwk).toEqual(P256_JWK);
  });

  it('binds a bare jwk to the did:jwk of its public members', () => {
    const key = resolveHolderKey({ alg: 'ES256', jwk: { ...P256_JWK, kid: 'wallet-key-1' } });
    const encoded = key.holderDid.slice('did:jwk:'.length);
    expect(key.holderDid.startsWith('did:jwk:')).toBe(true);
    expect(JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'))).toEqual(P256_JWK);
  });

  describe('refuses with invalid_proof', () => {
    it('an algorithm other than ES256 and EdDSA', () => {
      expect(refusal({ alg: 'HS256', jwk: P256_JWK })).toBe('invalid_proof');
      expect(refusal({ alg: 'none', jwk: P256_JWK })).toBe('invalid_proof');
    });

    it('a key that does not suit the algorithm', () => {
      expect(refusal({ alg: 'EdDSA', kid: P256_DID_KEY })).toBe('invalid_proof');
    });

    it('a jwk with private members', () => {
      expect(
        refusal({
          alg: 'ES256',
          jwk: { ...P256_JWK, d: 'gPh-VvVS8MbvKQ9LSVVmfnxnKjHn4Tqj0bmbpehRlpc' },
        }),
      ).toBe('invalid_proof');
    });

    it('a kid fragment that names another key than the did:key', () => {
      expect(refusal({ alg: 'ES256', kid: `${P256_DID_KEY}#z6MkOther` })).toBe('invalid_proof');
    });

    it('DID methods whose keys are not in the DID, and certificate chains', () => {
      expect(refusal({ alg: 'ES256', kid: 'did:web:wallet.example#key-1' })).toBe('invalid_proof');
      expect(refusal({ alg: 'ES256', x5c: ['MIIB'] })).toBe('invalid_proof');
    });

    it('a did:jwk that encodes no JSON', () => {
      expect(refusal({ alg: 'ES256', kid: 'did:jwk:bm90LWpzb24#0' })).toBe('invalid_proof');
    });
  });
});

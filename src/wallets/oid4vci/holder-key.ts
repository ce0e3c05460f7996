import { ECDH } from 'node:crypto';
import type { JWK } from 'jose';
import { decodeBase58 } from '../../badges/base58.js';
import { PROOF_SIGNING_ALGORITHMS, type ProofSigningAlgorithm } from './issuer-metadata.js';
import { protocolError } from './protocol-error.js';

/** The wallet key a key proof was signed with, and the DID the credential is bound to. */
export type HolderKey = {
  readonly algorithm: ProofSigningAlgorithm;
  /** The did:key or did:jwk the proof named, or the did:jwk of a bare JWK. */
  readonly holderDid: string;
  readonly publicJwk: JWK;
};

/** Multicodec prefixes of public keys in did:key (W3C CCG did:key method: Ed25519, P-256). */
const ED25519_PUB = [0xed, 0x01] as const;
const P256_PUB = [0x80, 0x24] as const;
/** JWK members that only a private or symmetric key has (RFC 7518 §6). */
const SECRET_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const MAX_KID_LENGTH = 2048;

/**
 * Finds the key a key proof names in its JOSE header (OpenID4VCI 1.0 Appendix F.1): `kid` a DID
 * URL of a did:key (Ed25519 or P-256) or did:jwk, or `jwk` a public key. The key must suit `alg`:
 * EdDSA with Ed25519, ES256 with P-256. Pure: both DID methods carry the key in the DID, so
 * nothing is fetched.
 * Throws the `invalid_proof` protocol error, saying what to change, for anything else: another
 * algorithm, x5c, other DID methods, a key with private members, a fragment naming another key.
 */
export function resolveHolderKey(header: Record<string, unknown>): HolderKey {
  const { alg, kid, jwk } = header;
  if (!isProofSigningAlgorithm(alg)) {
    throw invalidProof(
      `Key proofs signed with ${String(alg)} are not accepted: sign with ${PROOF_SIGNING_ALGORITHMS.join(' or ')}.`,
    );
  }
  if (jwk !== undefined && kid !== undefined) {
    throw invalidProof('A key proof names its key once: kid or jwk, not both.');
  }
  if (jwk !== undefined) {
    const publicJwk = publicKeyOf(jwk, alg);
    return { algorithm: alg, holderDid: didJwkOf(publicJwk), publicJwk };
  }
  if (typeof kid === 'string' && kid.length <= MAX_KID_LENGTH) {
    const hash = kid.indexOf('#');
    const did = hash === -1 ? kid : kid.slice(0, hash);
    const fragment = hash === -1 ? undefined : kid.slice(hash + 1);
    if (did.startsWith('did:key:')) return fromDidKey(did, fragment, alg);
    if (did.startsWith('did:jwk:')) return fromDidJwk(did, fragment, alg);
  }
  throw invalidProof(
    'The key proof must name its key with kid = a did:key or did:jwk DID URL, or carry it as jwk.',
  );
}

function fromDidKey(
  did: string,
  fragment: string | undefined,
  alg: ProofSigningAlgorithm,
): HolderKey {
  const multibase = did.slice('did:key:'.length);
  if (fragment !== undefined && fragment !== multibase) {
    throw invalidProof(`The kid fragment must be the key of ${did} itself.`);
  }
  const bytes = multibase.startsWith('z') ? decodeBase58(multibase.slice(1)) : null;
  if (bytes && startsWith(bytes, ED25519_PUB) && bytes.length === 34) {
    const x = Buffer.from(bytes.subarray(2)).toString('base64url');
    return keyFor(did, { kty: 'OKP', crv: 'Ed25519', x }, alg);
  }
  if (bytes && startsWith(bytes, P256_PUB) && bytes.length === 35) {
    let point: Buffer;
    try {
      point = ECDH.convertKey(
        bytes.subarray(2),
        'prime256v1',
        undefined,
        undefined,
        'uncompressed',
      ) as Buffer;
    } catch {
      throw invalidProof(`${did} holds no valid P-256 public key.`);
    }
    const x = point.subarray(1, 33).toString('base64url');
    const y = point.subarray(33).toString('base64url');
    return keyFor(did, { kty: 'EC', crv: 'P-256', x, y }, alg);
  }
  throw invalidProof(`${did} is not an Ed25519 or P-256 did:key.`);
}

function fromDidJwk(
  did: string,
  fragment: string | undefined,
  alg: ProofSigningAlgorithm,
): HolderKey {
  // did:jwk: the DID document has one verification method, `#0`.
  if (fragment !== undefined && fragment !== '0') {
    throw invalidProof(`A did:jwk has one key, ${did}#0.`);
  }
  const encoded = did.slice('did:jwk:'.length);
  const jwk = /^[A-Za-z0-9_-]+$/.test(encoded)
    ? parseJson(Buffer.from(encoded, 'base64url').toString('utf8'))
    : undefined;
  if (jwk === undefined) throw invalidProof(`${did.slice(0, 80)} does not encode a JWK.`);
  return keyFor(did, publicKeyOf(jwk, alg), alg);
}

function keyFor(did: string, publicJwk: JWK, alg: ProofSigningAlgorithm): HolderKey {
  const expected = alg === 'ES256' ? 'P-256' : 'Ed25519';
  if (publicJwk.crv !== expected) {
    throw invalidProof(`${alg} proofs are signed with a ${expected} key; ${did} holds another.`);
  }
  return { algorithm: alg, holderDid: did, publicJwk };
}

/** The public members of a JWK that suits `alg`, in RFC 7638 order. */
function publicKeyOf(jwk: unknown, alg: ProofSigningAlgorithm): JWK {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw invalidProof('The jwk of a key proof must be a JSON object.');
  }
  const members = jwk as Record<string, unknown>;
  if (SECRET_JWK_MEMBERS.some((member) => member in members)) {
    throw invalidProof('The key in a key proof must be a public key: it holds private members.');
  }
  const { kty, crv, x, y } = members;
  if (alg === 'ES256' && kty === 'EC' && crv === 'P-256' && isCoordinate(x) && isCoordinate(y)) {
    return { crv, kty, x, y };
  }
  if (alg === 'EdDSA' && kty === 'OKP' && crv === 'Ed25519' && isCoordinate(x)) {
    return { crv, kty, x };
  }
  throw invalidProof(
    `${alg} proofs are signed with ${alg === 'ES256' ? 'a P-256 (EC)' : 'an Ed25519 (OKP)'} key.`,
  );
}

/** did:jwk: the DID is `did:jwk:` and the base64url of the JWK as JSON. */
function didJwkOf(publicJwk: JWK): string {
  return `did:jwk:${Buffer.from(JSON.stringify(publicJwk)).toString('base64url')}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isProofSigningAlgorithm(value: unknown): value is ProofSigningAlgorithm {
  return PROOF_SIGNING_ALGORITHMS.some((algorithm) => algorithm === value);
}

/** A base64url coordinate of a 256-bit curve: 32 bytes, 43 characters. */
function isCoordinate(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

function invalidProof(description: string) {
  return protocolError('invalid_proof', description);
}

import { generateKeyPairSync } from 'node:crypto';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import type { Ed25519KeyJwk, Ed25519MultikeyKeyPair } from '@digitalbazaar/ed25519-multikey';
import { calculateJwkThumbprint } from 'jose';
import type { Db, Executor } from '../db/database.js';
import { currentIssuerKeyRow, ensureIssuerKeyRow, issuerKeyRows } from './issuer-key-rows.js';
import { decryptText, encryptText } from '../db/encryption.js';
import { MicrocredError } from '../errors.js';

/**
 * Issuer keys live in `signing_keys` with purpose `issuer` and algorithm `Ed25519`:
 * - `kid` is the key's RFC 7638 JWK thumbprint, so it is unique across the table and the
 *   same key always has the same id;
 * - `public_jwk` is the public OKP JWK (RFC 8037) with `kid` and `alg: EdDSA`, ready for JWKS
 *   and VC-JWT;
 * - `private_key_encrypted` is the private OKP JWK, sealed with encryptText under the secret;
 * - the newest key without `retired_at` signs; retired keys stay published for verification.
 */

/** An issuer key that can sign: a Multikey key pair with `id = <did>#<kid>`, `controller = did`. */
export type IssuerSigningKey = Ed25519MultikeyKeyPair & {
  readonly id: string;
  readonly controller: string;
  readonly kid: string;
};

export type OkpPublicJwk = {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
};

export type IssuerPublicKey = {
  kid: string;
  publicJwk: OkpPublicJwk;
  publicKeyMultibase: string;
  createdAt: Date;
  retiredAt: Date | null;
  isRetired: boolean;
};

type KeyOptions = { db: Executor; secret: string; issuerProfileId: string; did: string };

/**
 * Returns the issuer profile's current signing key, creating one first when it has none.
 * Safe to call repeatedly and concurrently (from several processes too): creators serialise on
 * the profile row, so exactly one key is created; once it exists, no lock is taken.
 * Throws NotFoundError for an unknown profile.
 */
export async function ensureIssuerKey(options: KeyOptions & { db: Db }): Promise<IssuerSigningKey> {
  const { db, secret, issuerProfileId } = options;
  await ensureIssuerKeyRow(db, issuerProfileId, 'Ed25519', () =>
    newKeyRow(issuerProfileId, secret),
  );
  return loadIssuerSigningKey(options);
}

/**
 * The issuer profile's current (newest unretired) key, decrypted, ready for the Data Integrity
 * suite. Throws MicrocredError when the profile has no current key (ensureIssuerKey was not
 * called at start), and whatever decryptText throws for a wrong secret.
 */
export async function loadIssuerSigningKey(options: KeyOptions): Promise<IssuerSigningKey> {
  const { db, secret, issuerProfileId, did } = options;
  const row = await currentIssuerKeyRow(db, issuerProfileId, 'Ed25519');
  if (!row) throw new MicrocredError(`Issuer profile "${issuerProfileId}" has no signing key`);
  const privateJwk = JSON.parse(decryptText(row.privateKeyEncrypted, secret)) as Ed25519KeyJwk;
  const keyPair = await Ed25519Multikey.fromJwk({
    jwk: privateJwk,
    secretKey: true,
    id: `${did}#${row.kid}`,
    controller: did,
  });
  return Object.assign(keyPair, { id: `${did}#${row.kid}`, controller: did, kid: row.kid });
}

/**
 * Every key the issuer profile ever had, oldest first, retired ones included so credentials
 * they signed keep verifying. Empty for an unknown profile.
 */
export async function listIssuerPublicKeys(options: {
  db: Executor;
  issuerProfileId: string;
}): Promise<IssuerPublicKey[]> {
  const rows = await issuerKeyRows(options.db, options.issuerProfileId, 'Ed25519');
  return Promise.all(
    rows.map(async (row) => {
      const publicJwk = row.publicJwk as OkpPublicJwk;
      const { publicKeyMultibase } = await Ed25519Multikey.fromJwk({ jwk: publicJwk });
      return {
        kid: row.kid,
        publicJwk,
        publicKeyMultibase,
        createdAt: row.createdAt,
        retiredAt: row.retiredAt,
        isRetired: row.retiredAt !== null,
      };
    }),
  );
}

async function newKeyRow(issuerProfileId: string, secret: string) {
  const { privateKey } = generateKeyPairSync('ed25519');
  const { x, d } = privateKey.export({ format: 'jwk' });
  if (!x || !d) throw new Error('Node did not export an Ed25519 JWK');
  const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x });
  const privateJwk: Ed25519KeyJwk = { kty: 'OKP', crv: 'Ed25519', x, d };
  const publicJwk: OkpPublicJwk = { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA' };
  return {
    kid,
    purpose: 'issuer' as const,
    issuerProfileId,
    algorithm: 'Ed25519' as const,
    publicJwk,
    privateKeyEncrypted: encryptText(JSON.stringify(privateJwk), secret),
  };
}

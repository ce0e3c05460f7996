import {
  createPrivateKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Db, Executor } from '../db/database.js';
import { ensureIssuerKeyRow, issuerKeyRows } from './issuer-key-rows.js';
import { decryptText, encryptText } from '../db/encryption.js';

/**
 * The issuer keys for VC-JWT (OB 3.0 §8.2): P-256 keys, algorithm `ES256`, in `signing_keys`
 * with purpose `issuer` beside the Ed25519 Data Integrity keys, on the same rules (kid = RFC
 * 7638 thumbprint; newest unretired key signs; retired keys stay published). The JWT header
 * `kid` is the DID URL `<did>#<kid>`, which the DID document and `/.well-known/jwks.json` list.
 */

export type IssuerJwtKey = {
  readonly kid: string;
  /** `<did>#<kid>`: the JWT header `kid`. */
  readonly keyId: string;
  readonly privateKey: KeyObject;
};

export type EcPublicJwk = JWK & { kty: 'EC'; crv: 'P-256'; x: string; y: string; kid: string };

/**
 * The issuer profile's current ES256 key, created first when it has none (serialised on the
 * profile row, as ensureIssuerKey does). Throws NotFoundError for an unknown profile.
 */
export async function ensureIssuerJwtKey(options: {
  db: Db;
  secret: string;
  issuerProfileId: string;
  did: string;
}): Promise<IssuerJwtKey> {
  const { db, secret, issuerProfileId, did } = options;
  const row = await ensureIssuerKeyRow(db, issuerProfileId, 'ES256', () =>
    newRow(issuerProfileId, secret),
  );
  const privateJwk = JSON.parse(decryptText(row.privateKeyEncrypted, secret)) as JWK;
  return {
    kid: row.kid,
    keyId: `${did}#${row.kid}`,
    privateKey: createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' }),
  };
}

/** Every ES256 public key of the profile, oldest first, retired ones included. */
export async function listIssuerJwtKeys(options: {
  db: Executor;
  issuerProfileId: string;
}): Promise<{ kid: string; publicJwk: EcPublicJwk; isRetired: boolean }[]> {
  const rows = await issuerKeyRows(options.db, options.issuerProfileId, 'ES256');
  return rows.map((row) => ({
    kid: row.kid,
    publicJwk: row.publicJwk as EcPublicJwk,
    isRetired: row.retiredAt !== null,
  }));
}

async function newRow(issuerProfileId: string, secret: string) {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' });
  const { x, y, d } = jwk;
  if (!x || !y || !d) throw new Error('Node did not export a P-256 JWK');
  const kid = await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x, y });
  const publicJwk: EcPublicJwk = { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' };
  return {
    kid,
    purpose: 'issuer' as const,
    issuerProfileId,
    algorithm: 'ES256' as const,
    publicJwk,
    privateKeyEncrypted: encryptText(JSON.stringify({ kty: 'EC', crv: 'P-256', x, y, d }), secret),
  };
}

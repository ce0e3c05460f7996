import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { decryptText, encryptText } from '../db/encryption.js';
import { signingKeys } from '../db/schema.js';

export interface ToolKey {
  readonly kid: string;
  /** PKCS#8 PEM, what ltijs signs client assertions and deep linking responses with. */
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
  readonly publicJwk: Record<string, unknown>;
}

/**
 * The tool's current LTI signing key (RS256), created on first use. Safe to call from several
 * processes at once: the oldest live key wins, so every process signs with the same one.
 */
export async function ensureToolKey(db: Executor, secret: string): Promise<ToolKey> {
  const existing = await currentToolKeyRow(db);
  if (existing) return toToolKey(existing, secret);

  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  await db.insert(signingKeys).values({
    kid,
    purpose: 'lti',
    algorithm: 'RS256',
    publicJwk,
    privateKeyEncrypted: encryptText(
      privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      secret,
    ),
  });
  const created = await currentToolKeyRow(db);
  if (!created) throw new Error('The tool key just written cannot be read back');
  return toToolKey(created, secret);
}

/** Public JWKs of every tool key not retired, for /lti/keys. */
export async function listToolPublicJwks(db: Executor): Promise<Record<string, unknown>[]> {
  const rows = await db
    .select({ publicJwk: signingKeys.publicJwk })
    .from(signingKeys)
    .where(and(eq(signingKeys.purpose, 'lti'), isNull(signingKeys.retiredAt)))
    .orderBy(desc(signingKeys.createdAt));
  return rows.map((row) => row.publicJwk);
}

async function currentToolKeyRow(db: Executor) {
  const [row] = await db
    .select()
    .from(signingKeys)
    .where(and(eq(signingKeys.purpose, 'lti'), isNull(signingKeys.retiredAt)))
    .orderBy(signingKeys.createdAt, signingKeys.kid)
    .limit(1);
  return row;
}

function toToolKey(row: typeof signingKeys.$inferSelect, secret: string): ToolKey {
  const privateKeyPem = decryptText(row.privateKeyEncrypted, secret);
  return {
    kid: row.kid,
    privateKeyPem,
    publicKeyPem: publicKeyPemFromJwk(row.publicJwk),
    publicJwk: row.publicJwk,
  };
}

/** SPKI PEM of a public JWK (the form ltijs's key helpers expect). */
export function publicKeyPemFromJwk(jwk: Record<string, unknown>): string {
  const { kid: _kid, alg: _alg, use: _use, ...keyMaterial } = jwk;
  return createPublicKey({ key: keyMaterial as never, format: 'jwk' })
    .export({ format: 'pem', type: 'spki' })
    .toString();
}

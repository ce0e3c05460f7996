import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { and, desc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Db, Executor } from '../db/database.js';
import { decryptText, encryptText } from '../db/encryption.js';
import { signingKeys } from '../db/schema.js';

export interface ToolKey {
  readonly kid: string;
  /** PKCS#8 PEM: signs client assertions (platform-services.ts) and deep linking responses. */
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
  readonly publicJwk: Record<string, unknown>;
}

/**
 * How long a retired key stays published in /lti/keys: longer than anything it signed can be
 * in use (client assertions live 60 s, deep linking responses 5 minutes).
 */
export const RETIRED_KEY_PUBLISHED_SECONDS = 3600;
/** How long a process keeps using the key it last read before looking for a newer one. */
const CURRENT_KEY_CACHE_MS = 30_000;
/** Serialises rotations of the tool key (see rotate). */
const TOOL_KEY_ROTATION_LOCK = 4_242_103;

export interface ToolKeyring {
  /** The key that signs now: the newest live one. */
  current(): Promise<ToolKey>;
  /** Public JWKs of the live key and of keys retired too recently to drop, for /lti/keys. */
  publishedJwks(now?: Date): Promise<Record<string, unknown>[]>;
  /** Creates a new signing key and retires the live one; returns the new one. */
  rotate(now?: Date): Promise<ToolKey>;
}

/**
 * The tool's LTI signing keys (RS256). The first call creates a key if there is none; a partial
 * unique index keeps one live key however many processes start at once, and every process
 * picks up a rotation within CURRENT_KEY_CACHE_MS.
 */
export async function openToolKeyring(db: Db, secret: string): Promise<ToolKeyring> {
  let cached: { key: ToolKey; readAt: number } | null = null;

  const readCurrent = async (): Promise<ToolKey> => {
    const row = await liveKeyRow(db);
    if (row) return toToolKey(row, secret);
    await db.insert(signingKeys).values(newKeyRow(secret)).onConflictDoNothing();
    const created = await liveKeyRow(db);
    if (!created) throw new Error('The tool key just written cannot be read back');
    return toToolKey(created, secret);
  };

  const keyring: ToolKeyring = {
    async current() {
      if (!cached || Date.now() - cached.readAt > CURRENT_KEY_CACHE_MS) {
        cached = { key: await readCurrent(), readAt: Date.now() };
      }
      return cached.key;
    },
    async publishedJwks(now = new Date()) {
      const rows = await db
        .select({ publicJwk: signingKeys.publicJwk })
        .from(signingKeys)
        .where(
          and(
            eq(signingKeys.purpose, 'lti'),
            or(
              isNull(signingKeys.retiredAt),
              gt(
                signingKeys.retiredAt,
                new Date(now.getTime() - RETIRED_KEY_PUBLISHED_SECONDS * 1000),
              ),
            ),
          ),
        )
        .orderBy(desc(signingKeys.createdAt));
      return rows.map((row) => row.publicJwk);
    },
    async rotate(now = new Date()) {
      const next = newKeyRow(secret);
      await db.transaction(async (tx) => {
        // Rotations at the same moment (two administrators, two processes) run one after the
        // other, each retiring the key live when it runs: without this, both retired the same
        // key and the second new key broke the one-live-key index.
        await tx.execute(sql`select pg_advisory_xact_lock(${TOOL_KEY_ROTATION_LOCK})`);
        await tx
          .update(signingKeys)
          .set({ retiredAt: now })
          .where(and(eq(signingKeys.purpose, 'lti'), isNull(signingKeys.retiredAt)));
        await tx.insert(signingKeys).values(next);
      });
      const key = toToolKey(next, secret);
      cached = { key, readAt: Date.now() };
      return key;
    },
  };
  await keyring.current();
  return keyring;
}

/** SPKI PEM of a public JWK (the form ltijs's key helpers expect). */
export function publicKeyPemFromJwk(jwk: Record<string, unknown>): string {
  const { kid: _kid, alg: _alg, use: _use, ...keyMaterial } = jwk;
  return createPublicKey({ key: keyMaterial as never, format: 'jwk' })
    .export({ format: 'pem', type: 'spki' })
    .toString();
}

async function liveKeyRow(db: Executor) {
  const [row] = await db
    .select()
    .from(signingKeys)
    .where(and(eq(signingKeys.purpose, 'lti'), isNull(signingKeys.retiredAt)))
    .limit(1);
  return row;
}

function newKeyRow(secret: string): typeof signingKeys.$inferInsert {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  return {
    kid,
    purpose: 'lti',
    algorithm: 'RS256',
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
    privateKeyEncrypted: encryptText(
      privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      secret,
    ),
  };
}

function toToolKey(
  row: Pick<typeof signingKeys.$inferSelect, 'kid' | 'privateKeyEncrypted' | 'publicJwk'>,
  secret: string,
): ToolKey {
  return {
    kid: row.kid,
    privateKeyPem: decryptText(row.privateKeyEncrypted, secret),
    publicKeyPem: publicKeyPemFromJwk(row.publicJwk),
    publicJwk: row.publicJwk,
  };
}

import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { notifyChange, watchChanges } from '../db/change-notifications.js';
import type { Database, Executor, Unlisten } from '../db/database.js';
import { xapiCredentials } from '../db/schema.js';
import { XapiAuthError } from '../errors.js';

export type XapiCredential = typeof xapiCredentials.$inferSelect;

/** The longest name an administrator may give a credential. */
export const MAX_XAPI_CREDENTIAL_NAME_LENGTH = 100;

const SCRYPT_PARAMS = { N: 16_384, r: 8, p: 1 } as const;
const SCRYPT_KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Verified secrets remembered per database, so a busy client does not pay scrypt per request. */
const VERIFIED_CACHE_LIMIT = 1_000;

/** A well-formed hash of nothing anyone holds, verified against when the key is unknown. */
const UNKNOWN_KEY_HASH = [
  'scrypt',
  SCRYPT_PARAMS.N,
  SCRYPT_PARAMS.r,
  SCRYPT_PARAMS.p,
  Buffer.alloc(SALT_BYTES).toString('base64url'),
  Buffer.alloc(SCRYPT_KEY_BYTES).toString('base64url'),
].join('$');

/**
 * Creates xAPI Basic credentials (xAPI Communication 4.0, HTTP Basic Authentication), bound to
 * a platform when `platformId` is given. Returns the key and the secret; the secret is shown
 * only now: the database keeps a salted scrypt hash of it.
 *
 * Throws TypeError for an empty name; a database error when the platform does not exist.
 */
export async function createXapiCredential({
  db,
  name,
  platformId,
}: {
  db: Executor;
  name: string;
  platformId?: string | null;
}): Promise<{ key: string; secret: string }> {
  if (name.trim() === '') throw new TypeError('An xAPI credential needs a name');
  const key = randomBytes(12).toString('base64url');
  const secret = randomBytes(32).toString('base64url');
  await db.insert(xapiCredentials).values({
    key,
    name,
    secretHash: await hashSecret(secret),
    platformId: platformId ?? null,
  });
  return { key, secret };
}

/**
 * Revokes a credential: from now on authenticateBasic refuses it. Returns whether a credential
 * that was still active was revoked.
 */
export async function revokeXapiCredential({
  db,
  key,
  now = new Date(),
}: {
  db: Executor;
  key: string;
  now?: Date;
}): Promise<boolean> {
  const rows = await db
    .update(xapiCredentials)
    .set({ revokedAt: now })
    .where(and(eq(xapiCredentials.key, key), isNull(xapiCredentials.revokedAt)))
    .returning({ key: xapiCredentials.key });
  rowsByDatabase.get(db)?.delete(key);
  if (rows.length === 0) return false;
  await notifyChange(db, 'xapiCredentials');
  return true;
}

/** Drops the credential rows kept for `database` whenever any process revokes a credential. */
export function watchXapiCredentials(database: Database): Promise<Unlisten> {
  return watchChanges(database, 'xapiCredentials', () => rowsByDatabase.delete(database.db));
}

/**
 * Checks an `Authorization: Basic base64(key:secret)` header against the stored credentials and
 * returns the credential row. The row is remembered for ROW_CACHE_MS per database handle, so a
 * busy client costs no query per request: a revocation through `revokeXapiCredential` is refused
 * at once by this handle, and by other processes as soon as its notice reaches them
 * (watchXapiCredentials), at the latest after ROW_CACHE_MS. The scrypt verification of a secret
 * already verified against the same stored hash is remembered. Secrets are compared in constant
 * time, and an unknown key costs the same scrypt work as a known one.
 *
 * Throws XapiAuthError (401) when the header is missing or malformed, the key is unknown or
 * revoked, or the secret is wrong; the message never says which.
 */
export async function authenticateBasic(
  db: Executor,
  authorizationHeader: string | undefined,
): Promise<XapiCredential> {
  const presented = parseBasic(authorizationHeader);
  if (!presented) {
    throw new XapiAuthError('Send the xAPI key and secret with HTTP Basic authentication.', {
      reason: 'header-missing',
    });
  }
  const credential = await readCredential(db, presented.key);
  const isValid = credential
    ? await verifySecretCached(db, credential, presented.secret)
    : await verifySecret(presented.secret, UNKNOWN_KEY_HASH).then(() => false);
  const message = 'The xAPI key or secret is not valid.';
  if (!credential) throw new XapiAuthError(message, { reason: 'key-unknown', key: presented.key });
  if (!isValid || credential.revokedAt !== null) {
    throw new XapiAuthError(message, {
      reason: isValid ? 'revoked' : 'secret-wrong',
      key: credential.key,
      credentialName: credential.name,
    });
  }
  return credential;
}

/** How long a credential row read from the database is trusted without reading it again. */
const ROW_CACHE_MS = 5_000;
const rowsByDatabase = new WeakMap<
  object,
  Map<string, { row: XapiCredential; readAtMs: number }>
>();

async function readCredential(db: Executor, key: string): Promise<XapiCredential | undefined> {
  let rows = rowsByDatabase.get(db);
  if (!rows) {
    rows = new Map();
    rowsByDatabase.set(db, rows);
  }
  const cached = rows.get(key);
  if (cached && Date.now() - cached.readAtMs < ROW_CACHE_MS) return cached.row;
  const [row] = await db
    .select()
    .from(xapiCredentials)
    .where(eq(xapiCredentials.key, key))
    .limit(1);
  if (!row) return undefined;
  if (rows.size >= VERIFIED_CACHE_LIMIT) rows.clear();
  rows.set(key, { row, readAtMs: Date.now() });
  return row;
}

function parseBasic(header: string | undefined): { key: string; secret: string } | null {
  const match = /^Basic[ ]+([A-Za-z0-9+/=_-]+)[ ]*$/i.exec(header ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

interface VerifiedEntry {
  readonly secretHash: string;
  readonly secretDigest: Buffer;
}

/** One cache per database handle (a WeakMap, so two apps in one process never share one). */
const verifiedByDatabase = new WeakMap<object, Map<string, VerifiedEntry>>();

async function verifySecretCached(
  db: Executor,
  credential: XapiCredential,
  secret: string,
): Promise<boolean> {
  let cache = verifiedByDatabase.get(db);
  if (!cache) {
    cache = new Map();
    verifiedByDatabase.set(db, cache);
  }
  // A SHA-256 digest suffices in memory: secrets are 256 random bits, not guessable passwords.
  const digest = createHash('sha256').update(secret).digest();
  const entry = cache.get(credential.key);
  if (entry && entry.secretHash === credential.secretHash) {
    return timingSafeEqual(entry.secretDigest, digest);
  }
  const isValid = await verifySecret(secret, credential.secretHash);
  if (isValid) {
    cache.delete(credential.key);
    if (cache.size >= VERIFIED_CACHE_LIMIT) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(credential.key, { secretHash: credential.secretHash, secretDigest: digest });
  }
  return isValid;
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64url: the parameters travel with the hash. */
async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await deriveKey(secret, salt, SCRYPT_PARAMS);
  const { N, r, p } = SCRYPT_PARAMS;
  return ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

async function verifySecret(secret: string, secretHash: string): Promise<boolean> {
  const [scheme, N, r, p, salt, hash] = secretHash.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await deriveKey(secret, Buffer.from(salt, 'base64url'), {
    N: Number(N),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function deriveKey(secret: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, SCRYPT_KEY_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

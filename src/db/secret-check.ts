/**
 * Is this the secret the stored keys were sealed with? Asked before a backup, a restore or a
 * move writes anything: a copy whose keys no secret opens is worse than no copy.
 */
import { isNotNull } from 'drizzle-orm';
import { MicrocredError } from '../errors.js';
import type { Executor } from './database.js';
import { decryptText } from './encryption.js';
import { signingKeys } from './schema.js';

export class SecretMismatchError extends MicrocredError {
  override readonly code = 'SECRET_MISMATCH';
  override readonly status = 403;
  override readonly expose = true;
}

export class SecretMissingError extends MicrocredError {
  override readonly code = 'SECRET_MISSING';
  override readonly status = 400;
  override readonly expose = true;
}

/** Opens one sealed private key with `secret`; throws SecretMismatchError if it does not open. */
export async function assertSecretOpensStoredKeys(db: Executor, secret: string): Promise<void> {
  const [key] = await db
    .select({ sealed: signingKeys.privateKeyEncrypted })
    .from(signingKeys)
    .where(isNotNull(signingKeys.privateKeyEncrypted))
    .limit(1);
  if (!key) return;
  try {
    decryptText(key.sealed, secret);
  } catch {
    throw new SecretMismatchError(
      'The secret does not open the private keys stored in this database. Set MICROCRED_SECRET ' +
        '(or keep the secret file in MICROCRED_DATA_DIR) to the secret the tool runs with. Nothing was written.',
    );
  }
}

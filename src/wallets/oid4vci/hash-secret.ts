import { createHash } from 'node:crypto';

/**
 * The SHA-256 of a secret (pre-authorized code, access token), base64url: what the database
 * keeps instead of the secret, so a copy of the database redeems nothing. The secrets carry 256
 * random bits, so an unsalted fast hash is enough.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/**
 * The hash of a transaction code, salted with the pre-authorized code it goes with: six digits
 * alone would fall to a table of a million hashes.
 */
export function hashTxCode(preAuthorizedCode: string, txCode: string): string {
  return hashSecret(`${preAuthorizedCode}\n${txCode}`);
}

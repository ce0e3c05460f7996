import { createHash, randomBytes } from 'node:crypto';
import type { HashedIdentity } from './build-credential.js';

/**
 * The salted IdentityHash of an email address (OB 3.0 §B.1 IdentityHash): `sha256$` and the
 * hex SHA-256 of the UTF-8 address followed by the salt. The address is trimmed and
 * lower-cased first, so a verifier who knows it in any case finds the same hash. Without a
 * salt, 16 random bytes are used, so credentials cannot be linked through the hash.
 */
export function hashEmailIdentity(
  email: string,
  salt: string = randomBytes(16).toString('hex'),
): HashedIdentity {
  const digest = createHash('sha256')
    .update(`${email.trim().toLowerCase()}${salt}`, 'utf8')
    .digest('hex');
  return { identityHash: `sha256$${digest}`, salt };
}

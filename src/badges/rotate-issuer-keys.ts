import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { signingKeys } from '../db/schema.js';

/**
 * Retires the issuer profile's current keys, Ed25519 and ES256 alike: the next credential is
 * signed with new keys (created on first use), while the retired public keys stay in the DID
 * document and the JWKS, so every credential signed before keeps verifying. Returns the ids of
 * the keys it retired.
 */
export async function rotateIssuerKeys(
  db: Db,
  issuerProfileId: string,
  now: Date = new Date(),
): Promise<string[]> {
  const retired = await db
    .update(signingKeys)
    .set({ retiredAt: now })
    .where(
      and(
        eq(signingKeys.purpose, 'issuer'),
        eq(signingKeys.issuerProfileId, issuerProfileId),
        isNull(signingKeys.retiredAt),
      ),
    )
    .returning({ kid: signingKeys.kid });
  return retired.map((row) => row.kid);
}

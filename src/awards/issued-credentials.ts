import { eq } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { awards, credentialRecords } from '../db/schema.js';

export interface IssuedCredential {
  credential: Record<string, unknown>;
  jwt: string | null;
  revokedAt: Date | null;
}

/**
 * The credential issued under this id, with its JWT form and revocation when its record has
 * them; undefined when no award has this id. A credential is public once its award exists; a
 * record without one lost an award race.
 */
export async function findIssuedCredential(
  db: Executor,
  id: string,
): Promise<IssuedCredential | undefined> {
  const [record] = await db
    .select({
      credential: credentialRecords.credential,
      jwt: credentialRecords.jwt,
      revokedAt: credentialRecords.revokedAt,
    })
    .from(credentialRecords)
    .where(eq(credentialRecords.id, id));
  const [award] = await db
    .select({ credential: awards.credential })
    .from(awards)
    .where(eq(awards.id, id));
  if (!award) return undefined;
  return record ?? { credential: award.credential, jwt: null, revokedAt: null };
}

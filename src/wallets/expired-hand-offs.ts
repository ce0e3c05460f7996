import { and, isNull, lt } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { credentialOffers, walletExchanges } from '../db/schema.js';

/**
 * Deletes the wallet hand-offs that expired unused: LCW exchanges no wallet completed and
 * OpenID4VCI offers whose code nobody redeemed. Completed ones stay, as the record of which
 * wallet received a credential. Returns how many were deleted.
 */
export async function deleteExpiredHandOffs(db: Executor, now: Date = new Date()): Promise<number> {
  const [exchanges, offers] = await Promise.all([
    db
      .delete(walletExchanges)
      .where(and(lt(walletExchanges.expiresAt, now), isNull(walletExchanges.completedAt)))
      .returning({ id: walletExchanges.id }),
    db
      .delete(credentialOffers)
      .where(and(lt(credentialOffers.expiresAt, now), isNull(credentialOffers.codeUsedAt)))
      .returning({ id: credentialOffers.id }),
  ]);
  return exchanges.length + offers.length;
}

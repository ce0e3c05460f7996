import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { deepLinkingRequests } from '../../db/schema.js';

export type DeepLinkingRequest = typeof deepLinkingRequests.$inferSelect;

/** The user's deep linking request in this course, if it is neither answered nor expired. */
export async function findOpenDeepLinkingRequest(
  db: Executor,
  request: { id: string; userId: string; courseId: string },
): Promise<DeepLinkingRequest | undefined> {
  const [open] = await db
    .select()
    .from(deepLinkingRequests)
    .where(
      and(
        eq(deepLinkingRequests.id, request.id),
        eq(deepLinkingRequests.userId, request.userId),
        eq(deepLinkingRequests.courseId, request.courseId),
        isNull(deepLinkingRequests.answeredAt),
        gt(deepLinkingRequests.expiresAt, new Date()),
      ),
    );
  return open;
}

/** Marks the request answered; false when another answer came first. */
export async function markDeepLinkingRequestAnswered(db: Executor, id: string): Promise<boolean> {
  const answered = await db
    .update(deepLinkingRequests)
    .set({ answeredAt: new Date() })
    .where(and(eq(deepLinkingRequests.id, id), isNull(deepLinkingRequests.answeredAt)))
    .returning({ id: deepLinkingRequests.id });
  return answered.length > 0;
}

import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Executor, Tx } from '../../db/database.js';
import { deepLinkingRequests } from '../../db/schema.js';

export type DeepLinkingRequest = typeof deepLinkingRequests.$inferSelect;

/** The user's deep linking request in this course, if it is neither answered nor expired. */
export async function findOpenDeepLinkingRequest(
  db: Executor,
  request: RequestOfUser,
): Promise<DeepLinkingRequest | undefined> {
  const [open] = await db
    .select()
    .from(deepLinkingRequests)
    .where(and(unexpiredRequestOf(request), isNull(deepLinkingRequests.answeredAt)));
  return open;
}

/**
 * The user's deep linking request in this course, answered or not, unless expired; locked until
 * the transaction ends, so that two answers to it run one after the other.
 */
export async function lockDeepLinkingRequest(
  tx: Tx,
  request: RequestOfUser,
): Promise<DeepLinkingRequest | undefined> {
  const [locked] = await tx
    .select()
    .from(deepLinkingRequests)
    .where(unexpiredRequestOf(request))
    .for('update');
  return locked;
}

interface RequestOfUser {
  id: string;
  userId: string;
  courseId: string;
}

/** The request with this id, if it is the user's in this course and has not expired. */
function unexpiredRequestOf(request: RequestOfUser) {
  return and(
    eq(deepLinkingRequests.id, request.id),
    eq(deepLinkingRequests.userId, request.userId),
    eq(deepLinkingRequests.courseId, request.courseId),
    gt(deepLinkingRequests.expiresAt, new Date()),
  );
}

/** Records the signed answer to a request locked by lockDeepLinkingRequest. */
export async function recordDeepLinkingAnswer(
  tx: Tx,
  id: string,
  answer: { jwt: string; title: string },
): Promise<void> {
  await tx
    .update(deepLinkingRequests)
    .set({ answeredAt: new Date(), answerJwt: answer.jwt, answerTitle: answer.title })
    .where(eq(deepLinkingRequests.id, id));
}

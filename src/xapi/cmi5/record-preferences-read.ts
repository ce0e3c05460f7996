import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { cmi5Sessions } from '../../db/schema.js';

/**
 * Notes that the AU of a cmi5 session read the learner preferences (agent profile
 * `cmi5LearnerPreferences`, found or not): cmi5 section 11 has the AU read them before it sends
 * `initialized`, and the LMS refuses an `initialized` sent before (check-session-statements.ts).
 */
export async function recordPreferencesRead(
  db: Executor,
  sessionId: string,
  now = new Date(),
): Promise<void> {
  await db
    .update(cmi5Sessions)
    .set({ preferencesReadAt: now })
    .where(and(eq(cmi5Sessions.sessionId, sessionId), isNull(cmi5Sessions.preferencesReadAt)));
}

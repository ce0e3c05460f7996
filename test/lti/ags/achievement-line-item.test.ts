import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/config/logger.js';
import { resolveSecret } from '../../../src/config/secret.js';
import { achievements } from '../../../src/db/schema.js';
import { achievementLineItem } from '../../../src/lti/ags/achievement-line-item.js';
import type { Gradebook } from '../../../src/lti/ags/post-score.js';
import { createPlatformServices } from '../../../src/lti/platform-services.js';
import { openToolKeyring } from '../../../src/lti/tool-key.js';
import { createOutgoingRequests } from '../../../src/outgoing/outgoing-requests.js';
import { createBrowser } from '../../support/http-client.js';
import { AGS_SCOPES, LTI_ROLES, type TestLms } from '../../support/test-lms.js';
import type { TestTool } from '../../support/test-tool.js';
import { startToolWithLms } from '../../support/tool-with-lms.js';
import { createAchievement } from '../../web/teacher-course-world.js';

const COURSE = 'course-line-items';

describe('achievementLineItem: the gradebook column of an achievement', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;
  let outgoing: ReturnType<typeof createOutgoingRequests>;
  let deps: Parameters<typeof achievementLineItem>[0];
  let gradebook: Gradebook;
  let achievement: { id: string; courseId: string; name: string };

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
    const logger = createLogger('error', () => {});
    const { db } = tool.current().database;
    outgoing = createOutgoingRequests({
      allowPrivate: tool.settings.outgoingAllowPrivate,
      logger,
    });
    const keyring = await openToolKeyring(db, resolveSecret(tool.settings, logger));
    deps = { db, services: createPlatformServices({ db, keyring, outgoingFetch: outgoing.fetch }) };
    gradebook = {
      platformIssuer: lms.issuer,
      clientId: lms.clientId,
      lineItemsUrl: lms.lineItemsUrl(COURSE),
      scopes: Object.values(AGS_SCOPES),
    };
    const teacher = createBrowser();
    await lms.launch({
      browser: teacher,
      user: { id: 'teacher-line-items' },
      roles: [LTI_ROLES.instructor],
      context: { id: COURSE },
    });
    const id = await createAchievement(tool, teacher, {
      name: 'Raced',
      rule: { passed: 'https://courses.example.org/raced' },
    });
    const [row] = await db.select().from(achievements).where(eq(achievements.id, id));
    achievement = { id, courseId: row!.courseId, name: 'Raced' };
  }, 180_000);
  afterAll(async () => {
    await outgoing?.close();
    await close?.();
  });

  it('leaves one column when two grades create it at once', async () => {
    const [first, second] = await Promise.all([
      achievementLineItem(deps, gradebook, achievement),
      achievementLineItem(deps, gradebook, achievement),
    ]);
    expect(first.id).toBe(second.id);
    expect(lms.lineItems(COURSE).filter((item) => item.resourceId === achievement.id)).toEqual([
      expect.objectContaining({ id: first.id, label: 'Raced', scoreMaximum: 100 }),
    ]);
  });

  it('forgets a remembered column the LMS deleted, and makes a new one', async () => {
    const before = await achievementLineItem(deps, gradebook, achievement);
    const token = await deps.services.authorization(gradebook, [AGS_SCOPES.lineItem]);
    const deleted = await fetch(before.id, { method: 'DELETE', headers: { authorization: token } });
    expect(deleted.status).toBe(204);
    const after = await achievementLineItem(deps, gradebook, achievement);
    expect(after.id).not.toBe(before.id);
    expect(lms.lineItems(COURSE).map((item) => item.id)).toContain(after.id);
  });
});

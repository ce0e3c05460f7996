import { randomBytes, randomUUID } from 'node:crypto';
import { count, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXapiCredentialsCommand } from '../../src/cli/xapi-credentials.js';
import { openDatabase } from '../../src/db/database.js';
import { awards, statements, users } from '../../src/db/schema.js';
import { createAchievementAs } from '../support/course-world.js';
import { roundRobin, startRoutingProxy, type RoutingProxy } from '../support/routing-proxy.js';
import { createTestStorage, type TestStorage } from '../support/test-database.js';
import { launchAs, startTestLms, type TestLms } from '../support/test-lms.js';
import { startToolProcess, type ToolProcess } from '../support/tool-process.js';

const COURSE = { id: 'two-processes-101', title: 'Sustainability 101' };
const QUIZ = 'https://courses.example.org/sustainability/final-quiz';
const PASSED = 'http://adlnet.gov/expapi/verbs/passed';
const ANSWERED = 'http://adlnet.gov/expapi/verbs/answered';
const LEARNERS = Array.from({ length: 12 }, (_, index) => `learner-${index + 1}`);
const CLIENTS = 4;
/** How long statements keep coming after the kill. */
const LOAD_AFTER_KILL_MS = 3_000;

/** The process behind the proxy's first upstream, and the one behind its second. */
const FIRST = 0;
const SECOND = 1;

describe.skipIf(!process.env.DATABASE_URL)(
  'two tool processes on one PostgreSQL database behind a load balancer (PGlite serves one process only)',
  () => {
    let storage: TestStorage;
    let lms: TestLms;
    let proxy: RoutingProxy;
    const processes: ToolProcess[] = [];
    let platformId: string;
    let achievementId: string;
    let xapiAuthorization: string;
    const adminToken = randomBytes(24).toString('hex');
    const secret = randomBytes(32).toString('hex');
    const env = () => ({
      DATABASE_URL: storage.databaseUrl ?? '',
      MICROCRED_DATA_DIR: storage.dataDir,
      MICROCRED_SECRET: secret,
      MICROCRED_ADMIN_TOKEN: adminToken,
      MICROCRED_PUBLIC_URL: proxy.url,
      MICROCRED_OUTGOING_ALLOW_PRIVATE: '127.0.0.1',
    });

    const launch = (userId: string, role: 'teacher' | 'learner') =>
      launchAs(lms, COURSE, userId, role);

    beforeAll(async () => {
      [storage, lms, proxy] = await Promise.all([
        createTestStorage(),
        startTestLms(),
        startRoutingProxy([]),
      ]);
      // Started together on the fresh database: they migrate it one after the other.
      processes.push(...(await Promise.all([startToolProcess(env()), startToolProcess(env())])));
      proxy.upstreams = processes.map((tool) => tool.url);

      const registered = await fetch(`${proxy.url}/api/admin/platforms`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          ...lms.platformRegistration(),
          awardingBody: 'University of Example',
        }),
      });
      expect(registered.status).toBe(201);
      platformId = ((await registered.json()) as { platform: { id: string } }).platform.id;
      lms.setToolEndpoints({
        loginUrl: `${proxy.url}/lti/login`,
        launchUrl: `${proxy.url}/lti/launch`,
      });
      lms.setToolJwksUrl(`${proxy.url}/lti/keys`);

      const database = await openDatabase(storage);
      try {
        let printed = '';
        await createXapiCredentialsCommand({
          db: database.db,
          name: 'LMS logstore',
          platformId: lms.issuer,
          publicUrl: proxy.url,
          out: (line) => (printed = line),
        });
        const { key, secret: keySecret } = JSON.parse(printed) as { key: string; secret: string };
        xapiAuthorization = `Basic ${Buffer.from(`${key}:${keySecret}`).toString('base64')}`;
      } finally {
        await database.close();
      }

      const teacher = await launch('teacher-1', 'teacher');
      expect(teacher.result.response.status).toBe(200);
      achievementId = await createAchievementAs(teacher.browser, proxy.url, {
        name: 'Sustainability basics',
        description: 'Knows the basics of sustainable development.',
        criteria: 'Pass the final quiz.',
        rule: { passed: QUIZ },
      });
    }, 240_000);

    afterAll(async () => {
      await Promise.all(processes.map((tool) => tool.stop('SIGKILL')));
      await Promise.all([proxy?.close(), lms?.close()]);
      await storage?.drop();
    });

    it('lets a learner in whose login reaches process 1 and whose id_token reaches process 2', async () => {
      const reached: string[] = [];
      proxy.route = (request) => {
        const upstream = request.url?.startsWith('/lti/login') ? FIRST : SECOND;
        reached.push(`${request.method} ${request.url?.split('?')[0]} -> ${upstream + 1}`);
        return upstream;
      };

      const { result } = await launch('learner-split', 'learner');

      expect(reached.slice(0, 2)).toEqual(['POST /lti/login -> 1', 'POST /lti/launch -> 2']);
      expect(result.response.status, result.text.slice(0, 300)).toBe(200);
    });

    describe('when process 1 is killed with SIGKILL while statements arrive through both', () => {
      /** Statements answered 2xx, by id. */
      const acknowledged = new Set<string>();
      /** Learners whose passing statement was answered 2xx. */
      const qualifying = new Set<string>();
      let killedAt = 0;
      /** From the kill until every credential and grade was there, or null if never. */
      let settledAfterMs: number | null = null;

      beforeAll(async () => {
        proxy.route = roundRobin();
        for (const learner of LEARNERS) {
          const { result } = await launch(learner, 'learner');
          expect(result.response.status).toBe(200);
        }

        const passes = new Map(
          LEARNERS.map((learner) => [learner, xapiStatement(lms, learner, PASSED, QUIZ)]),
        );
        const passesToSend = [...LEARNERS];
        let isKilled = false;
        let stopAt = Infinity;
        await Promise.all(
          Array.from({ length: CLIENTS }, async (_, client) => {
            for (let round = 0; Date.now() < stopAt; round += 1) {
              const learner = round % 3 === 0 ? passesToSend.shift() : undefined;
              const statement = learner
                ? passes.get(learner)!
                : xapiStatement(
                    lms,
                    LEARNERS[(client + round) % LEARNERS.length]!,
                    ANSWERED,
                    `${QUIZ}/q${round % 10}`,
                  );
              const response = await fetch(`${proxy.url}/xapi/statements`, {
                method: 'POST',
                headers: {
                  authorization: xapiAuthorization,
                  'content-type': 'application/json',
                  'x-experience-api-version': '2.0.0',
                },
                body: JSON.stringify(statement),
              });
              await response.arrayBuffer();
              if (response.ok) {
                acknowledged.add(statement.id);
                if (learner) qualifying.add(learner);
              } else if (learner) {
                // Sent again, with the same id, until a process acknowledges it.
                passesToSend.push(learner);
              }
              // Killed right after it acknowledged a pass, so it most likely holds that
              // learner's award job.
              const isFromFirst = response.headers.get('x-upstream') === String(FIRST);
              const isLastPass = qualifying.size === LEARNERS.length;
              if (
                !isKilled &&
                ((learner && response.ok && isFromFirst && qualifying.size >= 4) || isLastPass)
              ) {
                isKilled = true;
                killedAt = Date.now();
                void processes[FIRST]!.stop('SIGKILL');
              }
              if (isKilled && passesToSend.length === 0 && qualifying.size === LEARNERS.length) {
                stopAt = Math.min(stopAt, killedAt + LOAD_AFTER_KILL_MS);
              }
            }
          }),
        );

        const database = await openDatabase(storage);
        try {
          for (let waitedMs = 0; waitedMs < 60_000; waitedMs += 200) {
            const [held] = await database.db
              .select({ learners: count() })
              .from(awards)
              .where(eq(awards.achievementId, achievementId));
            const graded = new Set(scoresOfAchievement().map((score) => score.userId));
            if (held?.learners === qualifying.size && graded.size === qualifying.size) {
              settledAfterMs = Date.now() - killedAt;
              break;
            }
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
        } finally {
          await database.close();
        }
      }, 180_000);

      /** The scores the LMS received in the achievement's gradebook columns. */
      const scoresOfAchievement = () => {
        const columns = lms
          .lineItems(COURSE.id)
          .filter((item) => item.resourceId === achievementId)
          .map((item) => item.id);
        return lms.scores
          .filter((score) => columns.includes(score.lineItemUrl))
          .map((score) => ({ lineItemUrl: score.lineItemUrl, userId: String(score.body.userId) }));
      };

      it('stores every acknowledged statement exactly once', async () => {
        const database = await openDatabase(storage);
        try {
          const stored = await database.db
            .select({ id: statements.id })
            .from(statements)
            .where(inArray(statements.id, [...acknowledged]));
          expect(acknowledged.size).toBeGreaterThan(LEARNERS.length);
          expect(stored.length).toBe(acknowledged.size);
        } finally {
          await database.close();
        }
      });

      it('gives every learner whose pass was acknowledged exactly one credential', async () => {
        const database = await openDatabase(storage);
        try {
          const held = await database.db
            .select({ sub: users.sub })
            .from(awards)
            .innerJoin(users, eq(users.id, awards.userId))
            .where(eq(awards.achievementId, achievementId));
          expect(held.map((award) => award.sub).sort()).toEqual([...qualifying].sort());
        } finally {
          await database.close();
        }
      });

      it('sends the LMS exactly one score per learner, in one column for the achievement', () => {
        const scores = scoresOfAchievement();
        expect(new Set(scores.map((score) => score.lineItemUrl)).size).toBe(1);
        expect(scores.map((score) => score.userId).sort()).toEqual([...qualifying].sort());
      });

      it('has every credential and grade there within 15 s of the kill', () => {
        expect(settledAfterMs).not.toBeNull();
        expect(settledAfterMs).toBeLessThanOrEqual(15_000);
      });
    });

    it('refuses, in a restarted process 1, a launch a second after its platform was deactivated through process 2', async () => {
      processes[FIRST] = await startToolProcess(env());
      proxy.upstreams[FIRST] = processes[FIRST].url;
      proxy.route = () => FIRST;
      // A launch first, so that process 1 keeps the registration it read.
      expect((await launch('learner-1', 'learner')).result.response.status).toBe(200);

      proxy.route = () => SECOND;
      const deactivated = await fetch(`${proxy.url}/api/admin/platforms/${platformId}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ isActive: false }),
      });
      expect(deactivated.status).toBe(200);
      // A second after the deactivation, whatever the machine's load makes a request take.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      proxy.route = () => FIRST;
      const { result } = await launch('learner-2', 'learner');

      expect(result.response.status).toBe(400);
      expect(result.text).toContain('LTI_PLATFORM_UNKNOWN');
    }, 120_000);
  },
);

/** A statement of `learner` as the LMS's logstore sends it. */
function xapiStatement(lms: TestLms, learner: string, verb: string, activity: string) {
  return {
    id: randomUUID(),
    actor: { objectType: 'Agent', account: { homePage: lms.issuer, name: learner } },
    verb: { id: verb },
    object: { objectType: 'Activity', id: activity },
    ...(verb === PASSED && { result: { score: { scaled: 0.9 }, success: true, completion: true } }),
  };
}

/**
 * Soak benchmark (issue 19 item 8): two tool processes on one PostgreSQL database behind a
 * round-robin proxy, fed 200 xAPI statements/s and 20 LTI launches/s for `--minutes` (30 by
 * default). Each minute it prints the resident memory of both processes, p50/p99 latency of
 * statements and launches (counted from when each was due, so a late start is not hidden) and
 * the errors. Learners launch into one course whose achievement asks for a pass of its quiz;
 * one statement in PASS_EVERY is the first pass of a learner, so credentials are issued
 * throughout. At the end it checks that every acknowledged statement is stored exactly once,
 * that every learner whose pass was acknowledged holds one credential, that no request failed,
 * and that neither process grew by more than 10 % after the warm-up (the first tenth of the run,
 * at least a minute); it exits 1 when one of these fails.
 *
 * Resident memory is read every RSS_SAMPLE_MS and rises and falls with garbage collection, by
 * 100 MB and more within a minute; one reading against another says little. Growth is measured
 * on the floor instead, what remains after collection: the lowest reading of the last
 * FLOOR_WINDOW minutes against the lowest of the first FLOOR_WINDOW minutes after the warm-up.
 * A leak raises the floor; a sawtooth does not.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/soak.ts --minutes 30
 *
 * The tools run as `npm start` runs them, the build in dist/ (bench/support/tool-process.ts); the
 * test LMS, the proxy and the clients run here. It creates a scratch database next to
 * DATABASE_URL's and drops it afterwards.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { and, count, eq, inArray, isNull } from 'drizzle-orm';
import { openDatabase } from '../src/db/database.js';
import { awards, statements } from '../src/db/schema.js';
import { registerPlatform } from '../src/lti/platform-registry.js';
import { createXapiCredential } from '../src/xapi/credentials.js';
import { createAchievementAs } from '../test/support/course-world.js';
import { createBrowser } from '../test/support/http-client.js';
import { startRoutingProxy } from '../test/support/routing-proxy.js';
import { createTestStorage } from '../test/support/test-database.js';
import { LTI_ROLES, startTestLms } from '../test/support/test-lms.js';
import { percentile } from './support/statistics.js';
import {
  buildTool,
  residentMemoryMb,
  startTool,
  stopTool,
  toolEnvironment,
} from './support/tool-process.js';

const { values: args } = parseArgs({ options: { minutes: { type: 'string', default: '30' } } });
const MINUTES = Number(args.minutes);
if (!Number.isInteger(MINUTES) || MINUTES < 1) {
  process.stderr.write('--minutes takes a whole number of minutes, at least 1\n');
  process.exit(2);
}
if (!process.env.DATABASE_URL) {
  process.stderr.write('Set DATABASE_URL to a PostgreSQL server: the benchmark runs on it.\n');
  process.exit(2);
}
const STATEMENTS_PER_SECOND = 200;
const LAUNCHES_PER_SECOND = 20;
const PASS_EVERY = 100;
const WARM_UP_MINUTES = Math.max(1, Math.round(MINUTES / 10));
const MAX_GROWTH = 0.1;
const RSS_SAMPLE_MS = 5_000;
const FLOOR_WINDOW = Math.max(1, Math.round(MINUTES / 6));
/** Learners launched before the clock starts, so the first statements have actors. */
const FIRST_LEARNERS = 20;
const COURSE = { id: 'soak-101', title: 'Soak course' };
const QUIZ = 'https://courses.example.org/soak/final-quiz';
const VERBS = {
  answered: 'http://adlnet.gov/expapi/verbs/answered',
  passed: 'http://adlnet.gov/expapi/verbs/passed',
};

const storage = await createTestStorage();
const [lms, proxy] = await Promise.all([startTestLms(), startRoutingProxy([])]);
const env = {
  DATABASE_URL: storage.databaseUrl ?? '',
  MICROCRED_DATA_DIR: storage.dataDir,
  MICROCRED_SECRET: randomBytes(32).toString('hex'),
  MICROCRED_PUBLIC_URL: proxy.url,
  MICROCRED_OUTGOING_ALLOW_PRIVATE: '127.0.0.1',
};
buildTool();
const toolEnvironments = [
  toolEnvironment(storage.databaseUrl),
  toolEnvironment(storage.databaseUrl),
];
const tools = await Promise.all(
  toolEnvironments.map((environment) =>
    startTool({ ...environment, env: { ...environment.env, ...env } }),
  ),
);
proxy.upstreams = toolEnvironments.map((environment) => environment.url);
const database = await openDatabase(storage);
let hasFailed = false;
try {
  const platform = await registerPlatform(database.db, lms.platformRegistration());
  const { key, secret } = await createXapiCredential({
    db: database.db,
    name: 'soak logstore',
    platformId: platform.id,
  });
  lms.setToolEndpoints({
    loginUrl: `${proxy.url}/lti/login`,
    launchUrl: `${proxy.url}/lti/launch`,
  });
  lms.setToolJwksUrl(`${proxy.url}/lti/keys`);
  const teacher = createBrowser();
  await lms.launch({
    browser: teacher,
    user: { id: 'teacher' },
    roles: [LTI_ROLES.instructor],
    context: COURSE,
  });
  const achievementId = await createAchievementAs(teacher, proxy.url, {
    name: 'Soak quiz',
    description: 'Passed the soak quiz.',
    criteria: 'Pass the quiz.',
    rule: { passed: QUIZ },
  });

  const launched: string[] = [];
  /** Resolves with the status the launch ended with, as `postStatement` does. */
  const launch = async (userId: string): Promise<string> => {
    const result = await lms.launch({
      browser: createBrowser(),
      user: { id: userId, name: userId },
      roles: [LTI_ROLES.learner],
      context: COURSE,
    });
    if (result.response.status === 200) launched.push(userId);
    return outcome(result.response.status, result.response.headers.get('x-upstream-error'));
  };
  for (let index = 0; index < FIRST_LEARNERS; index += 1) await launch(`learner-${index}`);

  // node:http with keep-alive: fetch (undici) costs several times more CPU per request, and
  // the clients share the machine's cores with the tools and PostgreSQL.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const authorization = `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
  /** Resolves with the answer's status and the proxy's reason for a 502, or "no answer". */
  const postStatement = (statement: { id: string }) =>
    new Promise<string>((resolve) => {
      const request = http.request(
        `${proxy.url}/xapi/statements`,
        {
          method: 'POST',
          agent,
          headers: {
            authorization,
            'content-type': 'application/json',
            'x-experience-api-version': '2.0.0',
          },
        },
        (response) => {
          response.resume();
          response.on('end', () =>
            resolve(outcome(response.statusCode, response.headers['x-upstream-error'])),
          );
        },
      );
      request.on('error', () => resolve('no answer'));
      request.end(JSON.stringify(statement));
    });

  const acknowledged: string[] = [];
  const passedBy = new Set<string>();
  let nextToPass = 0;
  const statementFor = (index: number) => {
    const isPass = index % PASS_EVERY === 0 && nextToPass < launched.length;
    const learner = isPass
      ? launched[nextToPass++]!
      : launched[Math.floor(Math.random() * launched.length)]!;
    return {
      learner: isPass ? learner : null,
      statement: {
        id: randomUUID(),
        actor: { objectType: 'Agent', account: { homePage: lms.issuer, name: learner } },
        verb: isPass
          ? { id: VERBS.passed, display: { 'en-US': 'passed' } }
          : { id: VERBS.answered, display: { 'en-US': 'answered' } },
        object: { objectType: 'Activity', id: isPass ? QUIZ : `${QUIZ}/question-${index % 20}` },
        result: isPass
          ? { score: { scaled: 0.9 }, success: true, completion: true }
          : { score: { scaled: (index % 11) / 10 }, response: 'b' },
        context: { registration: randomUUID(), platform: 'soak' },
      },
    };
  };

  let window = newWindow();
  /** Counts a failed request in this minute's window, by what failed and its status (0: none). */
  const countError = (kind: string) => {
    window.errors += 1;
    window.errorKinds.set(kind, (window.errorKinds.get(kind) ?? 0) + 1);
  };
  /** Per minute, per process: the resident memory readings, in MB. */
  const rssByMinute: number[][][] = [];
  let rssThisMinute: number[][] = tools.map(() => []);
  let lastRssSampleAt = 0;
  const sampleRss = () => {
    tools.forEach((tool, index) => rssThisMinute[index]!.push(residentMemoryMb(tool.pid).now));
  };
  const totals = { statements: 0, launches: 0, errors: 0 };
  const inFlight = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  const report = (minute: number) => {
    sampleRss();
    rssByMinute.push(rssThisMinute);
    const rss = rssThisMinute;
    rssThisMinute = tools.map(() => []);
    const { statementMs, launchMs, errors } = window;
    totals.statements += statementMs.length;
    totals.launches += launchMs.length;
    totals.errors += errors;
    console.log(
      [
        `minute ${String(minute).padStart(2)}`,
        `RSS ${rss.map((readings) => `${Math.min(...readings).toFixed(0)}–${Math.max(...readings).toFixed(0)}`).join(' / ')} MB`,
        `statements ${statementMs.length} p50 ${wholeMs(statementMs, 0.5)} p99 ${wholeMs(statementMs, 0.99)} ms`,
        `launches ${launchMs.length} p50 ${wholeMs(launchMs, 0.5)} p99 ${wholeMs(launchMs, 0.99)} ms`,
        `errors ${errors}${errors > 0 ? ` (${[...window.errorKinds].map(([kind, n]) => `${kind}: ${n}`).join(', ')})` : ''}`,
      ].join('  '),
    );
    window = newWindow();
  };

  console.log(
    `soak: 2 processes, ${MINUTES} min at ${STATEMENTS_PER_SECOND} statements/s and ${LAUNCHES_PER_SECOND} launches/s; warm-up ${WARM_UP_MINUTES} min`,
  );
  const startedAt = performance.now();
  const durationMs = MINUTES * 60_000;
  let statementsSent = 0;
  let launchesSent = 0;
  let minutesReported = 0;
  for (let elapsed = 0; elapsed < durationMs; elapsed = performance.now() - startedAt) {
    for (; statementsSent < (elapsed * STATEMENTS_PER_SECOND) / 1000; statementsSent += 1) {
      const dueAt = startedAt + (statementsSent * 1000) / STATEMENTS_PER_SECOND;
      const { learner, statement } = statementFor(statementsSent);
      track(
        postStatement(statement).then((status) => {
          if (status !== '200') {
            countError(`statement ${status}`);
            return;
          }
          window.statementMs.push(performance.now() - dueAt);
          acknowledged.push(statement.id);
          if (learner) passedBy.add(learner);
        }),
      );
    }
    for (; launchesSent < (elapsed * LAUNCHES_PER_SECOND) / 1000; launchesSent += 1) {
      const dueAt = startedAt + (launchesSent * 1000) / LAUNCHES_PER_SECOND;
      const userId = `learner-${FIRST_LEARNERS + launchesSent}`;
      track(
        (async () => {
          const status = await launch(userId).catch(() => 'no answer');
          if (status === '200') window.launchMs.push(performance.now() - dueAt);
          else countError(`launch ${status}`);
        })(),
      );
    }
    if (elapsed - lastRssSampleAt >= RSS_SAMPLE_MS) {
      lastRssSampleAt = elapsed;
      sampleRss();
    }
    if (elapsed >= (minutesReported + 1) * 60_000 && minutesReported + 1 < MINUTES) {
      minutesReported += 1;
      report(minutesReported);
    }
    await sleep(5);
  }
  await Promise.all(inFlight);
  report(MINUTES);

  let stored = 0;
  for (let from = 0; from < acknowledged.length; from += 10_000) {
    const [row] = await database.db
      .select({ stored: count() })
      .from(statements)
      .where(inArray(statements.id, acknowledged.slice(from, from + 10_000)));
    stored += row?.stored ?? 0;
  }
  let held = 0;
  for (let waitedMs = 0; waitedMs <= 60_000; waitedMs += 500) {
    const [row] = await database.db
      .select({ held: count() })
      .from(awards)
      .where(and(eq(awards.achievementId, achievementId), isNull(awards.revokedAt)));
    held = row?.held ?? 0;
    if (held >= passedBy.size) break;
    await sleep(500);
  }
  /** Each process's lowest reading over these minutes. */
  const floorOf = (minutes: number[][][]) =>
    tools.map((_tool, index) => Math.min(...minutes.flatMap((readings) => readings[index]!)));
  const afterWarmUp = rssByMinute.slice(WARM_UP_MINUTES, WARM_UP_MINUTES + FLOOR_WINDOW);
  const floorAfterWarmUp = floorOf(afterWarmUp.length > 0 ? afterWarmUp : rssByMinute);
  const floorAtEnd = floorOf(rssByMinute.slice(-FLOOR_WINDOW));
  const growth = floorAtEnd.map((mb, index) => mb / floorAfterWarmUp[index]! - 1);
  const peak = tools.map((_tool, index) =>
    Math.max(...rssByMinute.flatMap((readings) => readings[index]!)),
  );
  const checks = [
    [
      `statements acknowledged ${acknowledged.length}, stored ${stored}`,
      stored === acknowledged.length,
    ],
    [`credentials ${held} for ${passedBy.size} learners who passed`, held === passedBy.size],
    [
      `requests ${totals.statements + totals.launches + totals.errors}, errors ${totals.errors}`,
      totals.errors === 0,
    ],
    [
      `memory floor ${floorAfterWarmUp.map((mb) => mb.toFixed(0)).join(' / ')} MB after the warm-up, ${floorAtEnd.map((mb) => mb.toFixed(0)).join(' / ')} MB at the end: growth ${growth.map((share) => `${(share * 100).toFixed(1)} %`).join(' / ')} (at most ${MAX_GROWTH * 100} %); peak ${peak.map((mb) => mb.toFixed(0)).join(' / ')} MB`,
      growth.every((share) => share <= MAX_GROWTH),
    ],
  ] as const;
  for (const [line, isMet] of checks) console.log(`${isMet ? 'ok  ' : 'FAIL'} ${line}`);
  hasFailed = checks.some(([, isMet]) => !isMet);
  agent.destroy();
} finally {
  await database.close();
  await Promise.all(tools.map(stopTool));
  for (const environment of toolEnvironments) environment.remove();
  await Promise.all([proxy.close(), lms.close()]);
  await storage.drop();
}
process.exitCode = hasFailed ? 1 : 0;

function outcome(status: number | undefined, upstreamError: unknown): string {
  return [status ?? 'no status', upstreamError].filter(Boolean).join(' ');
}

function newWindow() {
  return {
    statementMs: [] as number[],
    launchMs: [] as number[],
    errors: 0,
    errorKinds: new Map<string, number>(),
  };
}

/** The `fraction` percentile of `values` in whole ms, or "-" when there are none. */
function wholeMs(values: readonly number[], fraction: number): string {
  return values.length === 0 ? '-' : percentile(values, fraction).toFixed(0);
}

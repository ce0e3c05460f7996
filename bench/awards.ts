/**
 * Award benchmark on PostgreSQL (issue 6).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/awards.ts \
 *     [--rate 200] [--seconds 30] [--learners 1000] [--deciding-every 10] [--cost-only]
 *
 * Part 1, latency: the whole tool over HTTP on a fresh database, 1,000 learners in one course,
 * 20 activities, 5 achievements (four course achievements and a capped stack of two of them).
 * Every learner has already passed all but one activity of achievements A and B. Statements
 * then arrive at a sustained rate through POST /xapi/statements, sent from a worker thread
 * (awards-sender.mjs) so the load generator does not share the tool's event loop: one in ten
 * (--deciding-every) decides an award (the missing pass), the rest are attempts on other
 * activities that decide nothing. Prints p50/p99 from the statement's acknowledgment (the 200 of the POST) to the moment the signed
 * credential is stored (the award commit).
 *
 * Part 2, evaluation cost: on fresh databases with 100 and with 10,000 learners, the mean time
 * per statement to store it with its outcome state update and run its evaluation job (no
 * signing), and their ratio.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { createApp } from '../src/app.js';
import { createAchievement } from '../src/awards/create-achievement.js';
import { enqueueEvaluations } from '../src/awards/enqueue-evaluations.js';
import { evaluateLearner } from '../src/awards/evaluate-learner.js';
import { createCredentialIssuer } from '../src/badges/issue-credential.js';
import { createLogger } from '../src/config/logger.js';
import { loadSettings } from '../src/config/settings.js';
import { openDatabase, type Db } from '../src/db/database.js';
import { achievements, achievementTags, courses, outbox } from '../src/db/schema.js';
import { registerPlatform } from '../src/lti/platform-registry.js';
import { createXapiCredential } from '../src/xapi/credentials.js';
import { createActorResolver } from '../src/xapi/resolve-actor.js';
import { storeStatements } from '../src/xapi/statement-store.js';
import { validateStatement } from '../src/xapi/validate/statement.js';
import { percentile } from './support/statistics.js';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '30' },
    learners: { type: 'string', default: '1000' },
    'deciding-every': { type: 'string', default: '10' },
    'cost-only': { type: 'boolean', default: false },
  },
});
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const LEARNERS = Number(args.learners);
const DECIDING_EVERY = Number(args['deciding-every']);
const SERVER_URL = process.env.DATABASE_URL;
if (!SERVER_URL) {
  console.error(
    'Set DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/postgres',
  );
  process.exit(2);
}

const PASSED = 'http://adlnet.gov/expapi/verbs/passed';
/** Seconds of statements at the rate, and learners awarded, that warm the tool up first. */
const WARM_UP_SECONDS = 3;
const WARM_UP_LEARNERS = 15;
const ATTEMPTED = 'http://adlnet.gov/expapi/verbs/attempted';
const ISSUER = 'https://lms.bench.example';
const activity = (n: number) => `https://bench.example/activities/a${n}`;
/** A: a1..a5 all passed; B: a6..a10; C: 4 of a11..a16; D: a17..a20 at 80 %; E: stack of A and B. */
const COURSE_RULES = [
  { name: 'A', ects: 5, rule: { allOf: [1, 2, 3, 4, 5].map((n) => ({ passed: activity(n) })) } },
  { name: 'B', ects: 5, rule: { allOf: [6, 7, 8, 9, 10].map((n) => ({ passed: activity(n) })) } },
  {
    name: 'C',
    ects: 5,
    rule: { atLeast: { n: 4, of: [11, 12, 13, 14, 15, 16].map((n) => ({ passed: activity(n) })) } },
  },
  {
    name: 'D',
    ects: 5,
    rule: {
      allOf: [17, 18, 19, 20].map((n) => ({
        scoreAtLeast: { activity: activity(n), scaled: 0.8 },
      })),
    },
  },
];

async function withAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `microcred_bench_${randomBytes(5).toString('hex')}`;
  await withAdmin((client) => client.query(`create database ${name}`));
  const url = new URL(SERVER_URL!);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    // Waits for the pool's connections to go rather than killing them (a killed idle
    // connection would surface as an unhandled pool error).
    drop: async () => {
      for (let attempt = 0; attempt < 50; attempt += 1) {
        const dropped = await withAdmin((client) =>
          client.query(`drop database if exists ${name}`).then(
            () => true,
            () => false,
          ),
        );
        if (dropped) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await withAdmin((client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** A platform, a course with the five achievements, and `learners` enrolled learners. */
async function seed(db: Db, learners: number) {
  const platform = await registerPlatform(db, {
    issuer: ISSUER,
    clientId: 'bench',
    deploymentId: '1',
    authUrl: `${ISSUER}/auth`,
    tokenUrl: `${ISSUER}/token`,
    jwksUrl: `${ISSUER}/jwks`,
    trustLevel: 'registered',
    awardingBody: 'Bench University',
  });
  const [course] = await db
    .insert(courses)
    .values({ platformId: platform.id, contextId: 'bench-course', title: 'Bench' })
    .returning();
  const ids: string[] = [];
  // Saved before there are learners, so the re-evaluations they queue have nobody to visit.
  const save = (fields: { name: string; ects: number; rule: unknown }) =>
    db.transaction((tx) =>
      createAchievement(tx, course!.id, {
        description: 'Bench',
        criteria: 'Bench',
        eqfLevel: 6,
        publish: true,
        ...fields,
      }),
    );
  for (const fields of COURSE_RULES) ids.push((await save(fields)).id);
  await db.insert(achievementTags).values([
    { achievementId: ids[0]!, tags: { pillar: 'environmental' } },
    { achievementId: ids[1]!, tags: { pillar: 'economic' } },
  ]);
  const stack = await save({
    name: 'E (stack of A and B)',
    ects: 10,
    rule: {
      stackingCap: {
        ects: 60,
        target: 'a degree year',
        rule: {
          distinctGroupsAtLeast: {
            n: 2,
            tag: 'pillar',
            count: 2,
            of: [{ earned: ids[0] }, { earned: ids[1] }],
          },
        },
      },
    },
  });
  await db.execute(sql`
    insert into users (platform_id, sub, name)
    select ${platform.id}, 'learner-' || g, 'Learner ' || g from generate_series(1, ${learners}) g`);
  await db.execute(sql`
    insert into enrolments (course_id, user_id, role, deployment_id)
    select ${course!.id}, id, 'learner', '1' from users where platform_id = ${platform.id}`);
  const credential = await createXapiCredential({ db, name: 'bench', platformId: platform.id });
  return { platform, stackId: stack.id, credential };
}

/**
 * Every learner passed a1..a4 and a6..a9 (one short of A and of B) and attempted the rest:
 * statements and outcome state written in bulk, as if stored earlier.
 */
async function seedProgress(db: Db, platformId: string) {
  await db.execute(sql`
    insert into statements (id, user_id, verb_id, activity_id, score_scaled, success, completion,
      source, credential_key, stored, statement)
    select gen_random_uuid(), u.id,
      case when a in (1,2,3,4,6,7,8,9) then ${PASSED} else ${ATTEMPTED} end,
      'https://bench.example/activities/a' || a, 0.5,
      case when a in (1,2,3,4,6,7,8,9) then true else null end, null,
      'platform', 'seed', now(), '{}'::jsonb
    from users u cross join generate_series(1, 20) a where u.platform_id = ${platformId}`);
  await db.execute(sql`
    insert into outcome_states (user_id, activity_id, registration, source, passed_by,
      completed_by, best_scaled, best_score_by)
    select user_id, activity_id, '', source,
      case when success then id end, case when success then id end, score_scaled, id
    from statements where credential_key = 'seed'`);
}

function statement(sub: string, activityNumber: number, passed: boolean, scaled: number) {
  return {
    id: randomUUID(),
    actor: { objectType: 'Agent', account: { homePage: ISSUER, name: sub } },
    verb: { id: passed ? PASSED : ATTEMPTED, display: { en: passed ? 'passed' : 'attempted' } },
    object: { objectType: 'Activity', id: activity(activityNumber) },
    result: { score: { scaled }, ...(passed ? { success: true, completion: true } : {}) },
  };
}

interface SenderPlan {
  readonly url: string;
  readonly authorization: string;
  /** Statements/s: statement i is sent at start + i * 1000 / rate. */
  readonly rate: number;
  readonly bodies: readonly unknown[];
}

interface SenderReport {
  /** Per statement, when it was acknowledged (ms since the epoch), or null if refused. */
  readonly acks: (number | null)[];
  /** Acknowledgment latency of each acknowledged statement, in ms. */
  readonly latencies: number[];
  readonly seconds: number;
}

/** Sends `plan` from a worker thread (awards-sender.mjs), off the tool's event loop. */
async function sendStatements(plan: SenderPlan): Promise<SenderReport> {
  const worker = new Worker(new URL('./awards-sender.mjs', import.meta.url), { workerData: plan });
  const [report] = (await once(worker, 'message')) as [SenderReport];
  await worker.terminate();
  return report;
}

/** The shared `percentile` (0.99: p99), but NaN when nothing was measured, so an empty list never prints as 0 ms. */
function measuredPercentile(values: readonly number[], fraction: number): number {
  return values.length === 0 ? NaN : percentile(values, fraction);
}

async function latencyPart() {
  const storage = await freshDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'microcred-bench-'));
  const awardedAt = new Map<string, number>();
  const logger = createLogger('info', (line) => {
    if (!line.includes('credential awarded')) return;
    const now = performance.timeOrigin + performance.now();
    const entry = JSON.parse(line) as { userId?: string; achievementId?: string };
    awardedAt.set(`${entry.userId}:${entry.achievementId}`, now);
  });
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const settings = loadSettings({
    PORT: String(port),
    MICROCRED_PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: storage.url,
    MICROCRED_DATA_DIR: dataDir,
    MICROCRED_LOG_LEVEL: 'info',
  });
  const tool = await createApp(settings, { logger, outboxPollIntervalMs: 100 });
  const server = await new Promise<Server>((resolve) => {
    const listening = tool.app.listen(port, '127.0.0.1', () => resolve(listening));
  });
  try {
    const db = tool.database.db;
    const { platform, credential, stackId } = await seed(db, LEARNERS);
    // The done jobs stay: their dedupe keys keep the tool's own rule index sync from queueing
    // the same re-evaluations again during the measurement.
    await tool.outbox.drain();
    await seedProgress(db, platform.id);
    // Settle the seeded tables as a database in use would be, so neither autovacuum nor a
    // checkpoint of the seeding lands in the measurement.
    await db.execute(sql`vacuum analyze`);
    await db.execute(sql`checkpoint`);
    const users = (await db.execute(
      sql`select id, sub from users where platform_id = ${platform.id} order by sub`,
    )) as unknown as { rows: { id: string; sub: string }[] } | { id: string; sub: string }[];
    const learners = Array.isArray(users) ? users : users.rows;
    const [achievementA, achievementB] = (
      await db.select({ id: achievements.id, name: achievements.name }).from(achievements)
    )
      .filter((a) => a.name === 'A' || a.name === 'B')
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((a) => a.id);
    const authorization = `Basic ${Buffer.from(`${credential.key}:${credential.secret}`).toString('base64')}`;

    const url = `http://127.0.0.1:${port}/xapi/statements`;
    // Warm up outside the measurement, for a few seconds at the rate: the JIT, the connection pool,
    // the signing keys and the per-achievement caches of every achievement (A, B and the stack).
    const warmLearners = learners.splice(-WARM_UP_LEARNERS);
    const warmUp = Array.from({ length: RATE * WARM_UP_SECONDS }, (_, i) => {
      const learner = warmLearners[i % WARM_UP_LEARNERS]!;
      if (i < WARM_UP_LEARNERS) return statement(learner.sub, 5, true, 0.9);
      if (i < 2 * WARM_UP_LEARNERS) return statement(learner.sub, 10, true, 0.9);
      return statement(learner.sub, 11 + (i % 10), false, 0.4);
    });
    await sendStatements({ url, authorization, rate: RATE, bodies: warmUp });
    await tool.outbox.drain();

    // The plan: which statements go out, and which award each deciding one should bring.
    const total = Math.round(RATE * SECONDS);
    const bodies: unknown[] = [];
    const decides = new Map<number, string[]>();
    const pendingA = [...learners];
    const pendingB: typeof learners = [];
    for (let i = 0; i < total; i += 1) {
      if (i % DECIDING_EVERY === 0 && (pendingA.length > 0 || pendingB.length > 0)) {
        // A deciding statement: the last pass of A, or later of B (which also decides the stack).
        const useB = pendingB.length > 0 && (i / DECIDING_EVERY) % 2 === 1;
        const learner = useB ? pendingB.shift()! : pendingA.shift()!;
        if (!useB) pendingB.push(learner);
        bodies.push(statement(learner.sub, useB ? 10 : 5, true, 0.9));
        decides.set(
          i,
          useB
            ? [`${learner.id}:${achievementB}`, `${learner.id}:${stackId}`]
            : [`${learner.id}:${achievementA}`],
        );
      } else {
        const learner = learners[Math.floor(Math.random() * learners.length)]!;
        bodies.push(statement(learner.sub, 11 + Math.floor(Math.random() * 10), false, 0.4));
      }
    }
    const report = await sendStatements({ url, authorization, rate: RATE, bodies });
    const sent = bodies.length;
    const sendSeconds = report.seconds;
    const failed = report.acks.filter((ack) => ack === null).length;
    const ackLatencies = report.latencies;
    const decidingAck = new Map<string, number>();
    for (const [index, keys] of decides) {
      const ack = report.acks[index];
      if (ack === null || ack === undefined) continue;
      for (const key of keys) decidingAck.set(key, ack);
    }
    await tool.outbox.drain();
    await new Promise((resolve) => setTimeout(resolve, 500));

    const latencies = { course: [] as number[], stack: [] as number[] };
    let missing = 0;
    for (const [key, ack] of decidingAck) {
      const at = awardedAt.get(key);
      if (at === undefined) {
        missing += 1;
        continue;
      }
      (key.endsWith(stackId) ? latencies.stack : latencies.course).push(at - ack);
    }
    for (const list of Object.values(latencies)) list.sort((a, b) => a - b);
    const all = [...latencies.course, ...latencies.stack].sort((a, b) => a - b);
    console.log(
      `\n# Part 1: latency, ${LEARNERS} learners, 20 activities, 5 achievements (1 stack)`,
    );
    console.log(
      `statements sent: ${sent} in ${sendSeconds.toFixed(1)} s = ${(sent / sendSeconds).toFixed(0)} statements/s (target ${RATE})`,
    );
    console.log(
      `awards measured: ${all.length} (course ${latencies.course.length}, stack ${latencies.stack.length}); deciding statements without award: ${missing}`,
    );
    console.log(
      `deciding statements: 1 in ${DECIDING_EVERY}; statements refused or failed: ${failed}`,
    );
    ackLatencies.sort((a, b) => a - b);
    const line = (name: string, list: number[]) =>
      console.log(
        `${name.padEnd(28)} p50 ${measuredPercentile(list, 0.5).toFixed(0).padStart(5)} ms   p99 ${measuredPercentile(list, 0.99).toFixed(0).padStart(5)} ms   max ${(list.at(-1) ?? NaN).toFixed(0).padStart(5)} ms`,
      );
    line('statement POST → ack', ackLatencies);
    line('ack → stored credential', all);
    line('  course achievements', latencies.course);
    line('  stack (two hops)', latencies.stack);
    return { p50: measuredPercentile(all, 0.5), p99: measuredPercentile(all, 0.99) };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await tool.close();
    await storage.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface CostBed {
  /** Runs `n` non-deciding statements; returns mean ms of evaluation and of the LRS store. */
  run(n: number): Promise<{ evaluation: number; lrsStore: number }>;
  close(): Promise<void>;
}

/**
 * A fresh database with `learners` learners who have each stored 20 statements, where
 * statements are stored through the LRS store with the awards callback and then evaluated by
 * the evaluation job, as the outbox would run it. Evaluation = the outcome state update and
 * job enqueue inside the storing transaction + the evaluation job (no credential is signed).
 */
async function costBed(learners: number): Promise<CostBed> {
  const storage = await freshDatabase();
  const database = await openDatabase({ databaseUrl: storage.url, dataDir: null });
  await database.migrate();
  const { db } = database;
  const { platform } = await seed(db, learners);
  await db.delete(outbox);
  await seedProgress(db, platform.id);
  await db.execute(sql`analyze`);
  const deps = {
    db,
    logger: createLogger('error', () => {}),
    issueCredential: createCredentialIssuer({
      db,
      secret: 'b'.repeat(40),
      publicUrl: 'https://bench.example',
    }),
  };
  const resolveActors = createActorResolver(platform.id);
  return {
    async run(n) {
      let evaluating = 0;
      let storing = 0;
      const timedEnqueue: typeof enqueueEvaluations = async (tx, stored) => {
        const started = performance.now();
        const queued = await enqueueEvaluations(tx, stored);
        evaluating += performance.now() - started;
        return queued;
      };
      for (let i = 0; i < n; i += 1) {
        const sub = `learner-${1 + Math.floor(Math.random() * learners)}`;
        const body = validateStatement(statement(sub, 11 + (i % 10), false, 0.4));
        const storeStarted = performance.now();
        const { stored } = await storeStatements({
          db,
          statements: [body],
          credential: { key: 'bench' },
          source: 'platform',
          publicUrl: 'https://bench.example',
          resolveActors,
          onStatementsStored: timedEnqueue,
        });
        storing += performance.now() - storeStarted;
        const first = stored[0]!;
        const jobStarted = performance.now();
        await evaluateLearner(deps, first.userId!, {
          activityIds: [first.activityId!],
          achievementIds: [],
        });
        evaluating += performance.now() - jobStarted;
      }
      return { evaluation: evaluating / n, lrsStore: storing / n };
    },
    async close() {
      await database.close();
      await storage.drop();
    },
  };
}

/** Alternates rounds on both beds (so machine noise hits both alike); medians of the rounds. */
async function evaluationCosts(rounds = 7, perRound = 100) {
  const beds = [await costBed(100), await costBed(10_000)] as const;
  try {
    for (const bed of beds) await bed.run(50); // warm-up
    const results: { evaluation: number; lrsStore: number }[][] = [[], []];
    for (let round = 0; round < rounds; round += 1) {
      for (const [index, bed] of beds.entries()) results[index]!.push(await bed.run(perRound));
    }
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    return results.map((list) => ({
      evaluation: median(list.map((r) => r.evaluation)),
      lrsStore: median(list.map((r) => r.lrsStore)),
    }));
  } finally {
    for (const bed of beds) await bed.close();
  }
}

const loadAverage = () =>
  `load average ${os
    .loadavg()
    .map((load) => load.toFixed(1))
    .join(' ')} on ${os.availableParallelism()} cores`;
console.log(`Node ${process.version}, PostgreSQL (DATABASE_URL); at start: ${loadAverage()}`);
const latency = args['cost-only'] ? { p50: NaN, p99: NaN } : await latencyPart();
console.log(`after part 1: ${loadAverage()}`);
console.log(
  '\n# Part 2: evaluation cost per statement (store + outcome state + evaluation job, no signing)',
);
const [small, large] = (await evaluationCosts()) as [
  { evaluation: number; lrsStore: number },
  { evaluation: number; lrsStore: number },
];
const ratio = large.evaluation / small.evaluation;
console.log(
  'evaluation = outcome state update in the storing transaction + the evaluation job; median of 7 alternating rounds of 100',
);
console.log(
  `100 learners:     evaluation ${small.evaluation.toFixed(2)} ms/statement (LRS store incl. it: ${small.lrsStore.toFixed(2)} ms)`,
);
console.log(
  `10,000 learners:  evaluation ${large.evaluation.toFixed(2)} ms/statement (LRS store incl. it: ${large.lrsStore.toFixed(2)} ms)`,
);
console.log(
  `ratio 10,000/100: evaluation ${ratio.toFixed(2)} (target ≤ 1.5); LRS store ${(large.lrsStore / small.lrsStore).toFixed(2)}`,
);
console.log(
  `\nsummary: p50 ${latency.p50.toFixed(0)} ms, p99 ${latency.p99.toFixed(0)} ms at ${RATE} statements/s (target p99 < 250 ms); evaluation cost ratio ${ratio.toFixed(2)}`,
);

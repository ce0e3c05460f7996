/**
 * Query benchmark of the LRS on PostgreSQL (issue 19 item 5): loads STATEMENTS statements
 * (default 1,000,000: 5,000 learners, 50 instructors, 200 activities in 40 modules of 10
 * courses, 10 verbs, 2,000 registrations, contexts with parent and grouping, a few
 * StatementRefs) and has READERS (default 20) concurrent HTTP clients read them through the
 * tool running as its own process, one query shape after another. Prints p50 and p99 per shape
 * and the ratio to the baseline measured in the same run: a statement fetched by its id; and,
 * apart from HTTP and the readers' contention, PostgreSQL's own execution time of the shape's
 * page query (EXPLAIN ANALYZE of the store's query, 30 samples, one at a time). Then follows `more` to the end of every page set of a filter and of the whole set (a writer
 * keeps storing statements meanwhile) and checks that no statement came twice or was missed.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/lrs-queries.ts
 *   STATEMENTS=200000 REQUESTS=100 ... (a smaller run)
 *
 * The loader writes rows with the store's own row format and INSERT (toRow and insertRows of
 * xapi/statement-rows.ts), bypassing HTTP and actor resolution (every actor stays unknown,
 * user_id null), so the rows are exactly what the LRS stores for such statements, only
 * written faster and with `stored` spread over a year. It creates a scratch database next to
 * DATABASE_URL's and drops it afterwards (KEEP_DATABASE=1 keeps it and prints its name).
 *
 * Settings: STATEMENTS, READERS, REQUESTS (per shape, default 400), SHAPE_SECONDS (the most
 * one shape may take, default 60), PAGE_ALL (0: skip paging through the whole set).
 */
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Db } from '../src/db/database.js';
import * as schema from '../src/db/schema.js';
import { queryStatements, type StatementQuery } from '../src/xapi/query-statements.js';
import type { Actor, LrsStatement } from '../src/xapi/statement.js';
import { insertRows, toRow } from '../src/xapi/statement-rows.js';
import { ownCpuSeconds, postgresCpuSeconds, processCpuSeconds } from './cpu-use.js';
import { createScratchDatabase } from './support/scratch-database.js';
import { percentile } from './support/statistics.js';
import {
  buildTool,
  createBenchKey,
  runCli,
  startTool,
  stopTool,
  toolEnvironment,
} from './support/tool-process.js';

const STATEMENTS = Number(process.env.STATEMENTS ?? '1000000');
const READERS = Number(process.env.READERS ?? '20');
const REQUESTS = Number(process.env.REQUESTS ?? '400');
const SHAPE_SECONDS = Number(process.env.SHAPE_SECONDS ?? '60');
const PAGE_ALL = process.env.PAGE_ALL !== '0';
const LEARNERS = 5000;
const INSTRUCTORS = 50;
const ACTIVITIES = 200;
const REGISTRATIONS = 2000;
const LOAD_BATCH = 2000;
const PORT = 3000 + Math.floor(Math.random() * 2000) + 1000;
const PUBLIC_URL = `http://127.0.0.1:${PORT}`;
const LMS = 'https://moodle.example.org';
const CONTENT = 'https://content.example.org';
const VERBS = [
  'answered',
  'attempted',
  'passed',
  'failed',
  'completed',
  'experienced',
  'progressed',
  'interacted',
  'launched',
  'terminated',
].map((name) => `http://adlnet.gov/expapi/verbs/${name}`);
const SPAN_MS = 365 * 24 * 3600 * 1000;
const START_MS = Date.now() - SPAN_MS - 3600 * 1000;

/** A small deterministic generator, so every run loads the same statements. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const learner = (index: number) => ({
  objectType: 'Agent' as const,
  name: `Learner ${index}`,
  account: { homePage: LMS, name: `user-${index}` },
});
const instructor = (index: number) => ({
  objectType: 'Agent' as const,
  name: `Teacher ${index}`,
  mbox: `mailto:teacher-${index}@university.example.org`,
});
const course = (activity: number) => `${CONTENT}/courses/c${Math.floor(activity / 20)}`;
const moduleOf = (activity: number) => `${course(activity)}/modules/m${Math.floor(activity / 5)}`;
const activityIri = (activity: number) => `${moduleOf(activity)}/activities/a${activity}`;
const registration = (index: number) =>
  `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;

/** Statement number `index` of the load, as a client would send it. */
function loadStatement(index: number, next: () => number, earlierIds: string[]) {
  const who = Math.floor(next() * LEARNERS);
  const activity = Math.floor(next() * ACTIVITIES);
  const verb = VERBS[Math.floor(next() * VERBS.length)]!;
  const raw = Math.floor(next() * 11);
  const isReference = index % 500 === 499 && earlierIds.length > 0;
  const object = isReference
    ? { objectType: 'StatementRef', id: earlierIds[Math.floor(next() * earlierIds.length)] }
    : {
        objectType: 'Activity',
        id: activityIri(activity),
        definition: {
          name: { 'en-US': `Activity ${activity}` },
          type: 'http://adlnet.gov/expapi/activities/assessment',
        },
      };
  return {
    id: randomUUID(),
    actor: learner(who),
    verb: { id: verb, display: { 'en-US': verb.split('/').at(-1) } },
    object,
    result: {
      score: { scaled: raw / 10, raw, min: 0, max: 10 },
      success: raw >= 6,
      completion: raw >= 3,
      duration: `PT${(index % 50) + 5}S`,
    },
    context: {
      registration: registration((who * 7 + Math.floor(activity / 20)) % REGISTRATIONS),
      ...(index % 10 === 0 ? { instructor: instructor(who % INSTRUCTORS) } : {}),
      contextActivities: {
        parent: [{ id: moduleOf(activity), objectType: 'Activity' }],
        grouping: [{ id: course(activity), objectType: 'Activity' }],
      },
      platform: 'Moodle 4.5',
      language: 'en-US',
    },
  };
}

/** Loads the statements in batches through the store's row format, two connections at once. */
async function load(db: Db, credentialKey: string): Promise<void> {
  const next = random(19);
  const earlierIds: string[] = [];
  const authority = {
    objectType: 'Agent' as const,
    account: { homePage: PUBLIC_URL, name: credentialKey },
  };
  let index = 0;
  const started = performance.now();
  const batch = () => {
    const rows = [];
    for (let count = 0; count < LOAD_BATCH && index < STATEMENTS; count += 1, index += 1) {
      const stored = new Date(START_MS + Math.floor((index * SPAN_MS) / STATEMENTS));
      const statement = {
        ...loadStatement(index, next, earlierIds),
        timestamp: stored.toISOString(),
        stored: stored.toISOString(),
        authority,
        version: '2.0.0',
      } as unknown as LrsStatement;
      if (index % 1000 === 0) earlierIds.push(statement.id);
      rows.push(
        toRow(statement, {
          userId: null,
          source: 'content',
          credentialKey,
          stored,
          pendingPlatformId: null,
        }),
      );
    }
    return rows;
  };
  const writer = async () => {
    for (let rows = batch(); rows.length > 0; rows = batch()) {
      await db.transaction((tx) => insertRows(tx, rows));
      if (index % 100_000 < LOAD_BATCH) {
        process.stderr.write(
          `  loaded ${index} statements (${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
        );
      }
    }
  };
  await Promise.all([writer(), writer()]);
}

interface Shape {
  name: string;
  /** The query string of one request of this shape. */
  query: (next: () => number) => string;
}

const agentParameter = (agent: object) => `agent=${encodeURIComponent(JSON.stringify(agent))}`;
const pick = (next: () => number, count: number) => Math.floor(next() * count);
const dayWindow = (next: () => number) => {
  const since = START_MS + next() * (SPAN_MS - 24 * 3600 * 1000);
  return `since=${new Date(since).toISOString()}&until=${new Date(since + 24 * 3600 * 1000).toISOString()}`;
};

const SHAPES: Shape[] = [
  { name: 'no filter', query: () => 'limit=20' },
  { name: 'agent', query: (next) => `${agentParameter(learner(pick(next, LEARNERS)))}&limit=20` },
  {
    name: 'agent + verb',
    query: (next) =>
      `${agentParameter(learner(pick(next, LEARNERS)))}&verb=${encodeURIComponent(VERBS[pick(next, 10)]!)}&limit=20`,
  },
  { name: 'verb', query: (next) => `verb=${encodeURIComponent(VERBS[pick(next, 10)]!)}&limit=20` },
  {
    name: 'verb + ascending',
    query: (next) => `verb=${encodeURIComponent(VERBS[pick(next, 10)]!)}&ascending=true&limit=20`,
  },
  {
    name: 'activity',
    query: (next) => `activity=${encodeURIComponent(activityIri(pick(next, ACTIVITIES)))}&limit=20`,
  },
  {
    name: 'activity (module) + related_activities',
    query: (next) =>
      `activity=${encodeURIComponent(moduleOf(pick(next, ACTIVITIES)))}&related_activities=true&limit=20`,
  },
  {
    name: 'activity (course) + related_activities',
    query: (next) =>
      `activity=${encodeURIComponent(course(pick(next, ACTIVITIES)))}&related_activities=true&limit=20`,
  },
  {
    name: 'registration',
    query: (next) => `registration=${registration(pick(next, REGISTRATIONS))}&limit=20`,
  },
  { name: 'since + until (one day)', query: (next) => `${dayWindow(next)}&limit=20` },
  {
    name: 'agent + since + until',
    query: (next) => `${agentParameter(learner(pick(next, LEARNERS)))}&${dayWindow(next)}&limit=20`,
  },
  {
    name: 'agent + related_agents',
    query: (next) =>
      `${agentParameter(learner(pick(next, LEARNERS)))}&related_agents=true&limit=20`,
  },
  {
    name: 'agent (instructor) + related_agents',
    query: (next) =>
      `${agentParameter(instructor(pick(next, INSTRUCTORS)))}&related_agents=true&limit=20`,
  },
  {
    name: 'agent + activity + registration',
    query: (next) => {
      const who = pick(next, LEARNERS);
      const activity = pick(next, ACTIVITIES);
      return `${agentParameter(learner(who))}&activity=${encodeURIComponent(activityIri(activity))}&registration=${registration((who * 7 + Math.floor(activity / 20)) % REGISTRATIONS)}&limit=20`;
    },
  },
  {
    name: 'format=ids (verb)',
    query: (next) => `verb=${encodeURIComponent(VERBS[pick(next, 10)]!)}&format=ids&limit=20`,
  },
  {
    name: 'format=canonical (agent)',
    query: (next) => `${agentParameter(learner(pick(next, LEARNERS)))}&format=canonical&limit=20`,
  },
];

interface Reader {
  get(pathAndQuery: string): Promise<{ statements: { id: string }[]; more: string }>;
}

function createReader(authorization: string, agent: http.Agent): Reader {
  const get = (pathAndQuery: string, isRetry = false): ReturnType<Reader['get']> =>
    new Promise<Awaited<ReturnType<Reader['get']>>>((resolve, reject) => {
      const request = http.request(
        `${PUBLIC_URL}${pathAndQuery}`,
        {
          agent,
          headers: { Authorization: authorization, 'X-Experience-API-Version': '2.0.0' },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const body = Buffer.concat(chunks).toString();
            if (response.statusCode !== 200) {
              reject(new Error(`GET ${pathAndQuery} answered ${response.statusCode}: ${body}`));
            } else {
              resolve(JSON.parse(body) as { statements: { id: string }[]; more: string });
            }
          });
        },
      );
      // A kept-alive socket the server closed as the request left: GET is safe to send again.
      request.on('error', (error: NodeJS.ErrnoException) =>
        error.code === 'ECONNRESET' && !isRetry
          ? get(pathAndQuery, true).then(resolve, reject)
          : reject(error),
      );
      request.end();
    });
  return { get: (pathAndQuery) => get(pathAndQuery) };
}

/** READERS loops, REQUESTS requests in all (or until SHAPE_SECONDS), each timed. */
async function measure(
  reader: Reader,
  query: (next: () => number) => string,
  seed: number,
  toolPid: number,
) {
  const latenciesMs: number[] = [];
  const cpuBefore = cpuSeconds(toolPid);
  let issued = 0;
  const deadline = performance.now() + SHAPE_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: READERS }, async (_unused, client) => {
      const next = random(seed * 100 + client);
      while (issued < REQUESTS && performance.now() < deadline) {
        issued += 1;
        const started = performance.now();
        await reader.get(`/xapi/statements?${query(next)}`);
        latenciesMs.push(performance.now() - started);
      }
    }),
  );
  return { latenciesMs, cpuMs: cpuMsPerRequest(cpuBefore, latenciesMs.length, toolPid) };
}

/** CPU of the tool, PostgreSQL and the readers (this process): seconds, or ms per request. */
interface CpuUse {
  tool: number;
  database: number;
  readers: number;
}

function cpuSeconds(toolPid: number): CpuUse {
  return {
    tool: processCpuSeconds(toolPid),
    database: postgresCpuSeconds(),
    readers: ownCpuSeconds(),
  };
}

/** CPU per request of each party since `before`: what the shared cores spend on one page. */
function cpuMsPerRequest(before: CpuUse, requests: number, toolPid: number): CpuUse {
  const now = cpuSeconds(toolPid);
  const per = (seconds: number) => (seconds * 1000) / Math.max(requests, 1);
  return {
    tool: per(now.tool - before.tool),
    database: per(now.database - before.database),
    readers: per(now.readers - before.readers),
  };
}

/** Follows `more` from the first page to the last; returns the ids and each page's latency. */
async function pageToEnd(reader: Reader, query: string, afterFirstPage = () => {}) {
  const ids: string[] = [];
  const latenciesMs: number[] = [];
  let next = `/xapi/statements?${query}`;
  while (next !== '') {
    const started = performance.now();
    const page = await reader.get(next);
    latenciesMs.push(performance.now() - started);
    if (ids.length === 0) afterFirstPage();
    ids.push(...page.statements.map((statement) => statement.id));
    next = page.more;
  }
  return { ids, latenciesMs };
}

function paged(label: string, ids: readonly string[], expected: number): string {
  const distinct = new Set(ids).size;
  const isStable = distinct === ids.length && ids.length === expected;
  return `${label}: ${ids.length} statements, ${ids.length - distinct} twice, ${expected - distinct} missed -> ${isStable ? 'stable' : 'NOT STABLE'}`;
}

/** The filters of a shape's query string, as the tool's read router hands them to the store. */
function toStatementQuery(queryString: string): StatementQuery {
  const parameters = new URLSearchParams(queryString);
  const text = (name: string) => parameters.get(name) ?? undefined;
  const date = (name: string) => (parameters.has(name) ? new Date(text(name)!) : undefined);
  return {
    agent: parameters.has('agent') ? (JSON.parse(text('agent')!) as Actor) : undefined,
    verb: text('verb'),
    activity: text('activity'),
    registration: text('registration'),
    relatedActivities: parameters.get('related_activities') === 'true',
    relatedAgents: parameters.get('related_agents') === 'true',
    since: date('since'),
    until: date('until'),
    limit: Number(parameters.get('limit') ?? '0'),
    ascending: parameters.get('ascending') === 'true',
  };
}

/**
 * PostgreSQL's own execution time of the page query the store runs for a shape (EXPLAIN
 * ANALYZE, one query at a time): what the database spends, apart from HTTP and waiting for the
 * cores the readers share.
 */
async function databaseTimes(pool: pg.Pool, query: (next: () => number) => string, seed: number) {
  const captured: { sql: string; params: unknown[] }[] = [];
  const db = drizzle(pool, {
    schema,
    logger: { logQuery: (sql, params) => captured.push({ sql, params }) },
  }) as unknown as Db;
  const next = random(seed);
  const executionMs: number[] = [];
  for (let sample = 0; sample < 30; sample += 1) {
    await queryStatements(db, toStatementQuery(query(next)));
    const page = captured.at(-1)!;
    const plan = await pool.query<{ 'QUERY PLAN': string }>(
      `explain (analyze) ${page.sql}`,
      page.params,
    );
    const last = plan.rows.at(-1)?.['QUERY PLAN'] ?? '';
    executionMs.push(Number(/Execution Time: ([\d.]+)/.exec(last)?.[1]));
  }
  return executionMs;
}

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    process.stderr.write('Set DATABASE_URL to a PostgreSQL server: the benchmark runs on it.\n');
    process.exit(2);
  }
  const database = await createScratchDatabase(serverUrl);
  const environment = toolEnvironment(database.url, PORT);
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  pool.on('error', () => {});
  let tool: ChildProcess | undefined;
  try {
    buildTool();
    await runCli(environment.env, ['migrate']);
    const { key, secret } = await createBenchKey(environment.env);
    const loadStarted = performance.now();
    await load(drizzle(pool, { schema }) as unknown as Db, key);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    // What autovacuum would do soon after such a load: planner statistics and a visibility map.
    await pool.query('vacuum analyze statements');
    const size = (
      await pool.query(`select pg_size_pretty(pg_total_relation_size('statements')) as size,
      pg_size_pretty(pg_relation_size('statements')) as heap`)
    ).rows[0] as { size: string; heap: string };

    tool = await startTool(environment);
    const toolPid = tool.pid!;
    const authorization = `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
    const reader = createReader(
      authorization,
      new http.Agent({ keepAlive: true, maxSockets: READERS + 1 }),
    );
    const sampleIds = (
      await pool.query<{ id: string }>(
        'select id::text from statements order by random() limit 1000',
      )
    ).rows.map((row) => row.id);

    const lines = [
      `LRS query benchmark: ${STATEMENTS} statements (${size.size} with indexes, ${size.heap} table), loaded in ${loadSeconds.toFixed(0)} s; ${READERS} readers, up to ${REQUESTS} requests or ${SHAPE_SECONDS} s per shape; PostgreSQL ${(await pool.query('show server_version')).rows[0]?.server_version as string}`,
    ];
    const print = (line: string) => {
      lines.push(line);
      process.stderr.write(`${line}\n`);
    };
    // Warm-up: connections, the credential cache, the JIT of the tool.
    await measure(reader, () => 'limit=20', 0, toolPid);
    const baseline = await measure(
      reader,
      (next) => `statementId=${sampleIds[pick(next, sampleIds.length)]}`,
      1,
      toolPid,
    );
    const baselineP50 = percentile(baseline.latenciesMs, 0.5);
    const row = (
      label: string,
      { latenciesMs: latencies, cpuMs }: { latenciesMs: readonly number[]; cpuMs?: CpuUse },
      databaseMs?: readonly number[],
    ) => {
      const p50 = percentile(latencies, 0.5);
      const p99 = percentile(latencies, 0.99);
      const database = databaseMs
        ? `   database p50 ${percentile(databaseMs, 0.5).toFixed(1)} ms, max ${Math.max(...databaseMs).toFixed(1)} ms`
        : '';
      const cpu = cpuMs
        ? `   CPU per request: tool ${cpuMs.tool.toFixed(2)} ms, PostgreSQL ${cpuMs.database.toFixed(2)} ms, readers ${cpuMs.readers.toFixed(2)} ms`
        : '';
      return `${label.padEnd(40)} p50 ${p50.toFixed(1).padStart(8)} ms   p99 ${p99.toFixed(1).padStart(8)} ms   ${(p50 / baselineP50).toFixed(1).padStart(6)}x baseline p50   (${latencies.length} requests)${p99 < 50 ? '' : '   p99 over 50 ms'}${database}${cpu}`;
    };
    print(row('baseline: one statement by statementId', baseline));
    for (const [index, shape] of SHAPES.entries()) {
      const latencies = await measure(reader, shape.query, index + 2, toolPid);
      print(row(shape.name, latencies, await databaseTimes(pool, shape.query, index + 2)));
    }

    // Every page of one activity's statements (about STATEMENTS / 200), one reader each.
    const activities = Array.from({ length: READERS }, (_unused, index) => index * 7);
    const pagingCpuBefore = cpuSeconds(toolPid);
    const activityPages = await Promise.all(
      activities.map((activity) =>
        pageToEnd(reader, `activity=${encodeURIComponent(activityIri(activity))}&limit=100`),
      ),
    );
    const activityLatencies = activityPages.flatMap((pages) => pages.latenciesMs);
    print(
      row('`more` pages, activity, limit 100', {
        latenciesMs: activityLatencies,
        cpuMs: cpuMsPerRequest(pagingCpuBefore, activityLatencies.length, toolPid),
      }),
    );
    const expectedByActivity = await Promise.all(
      activities.map(async (activity) =>
        Number(
          // xAPI Communication 2.1.3: a statement whose StatementRef object points to a
          // matching statement matches too.
          (
            await pool.query(
              `select count(*) from statements as s
                where not s.is_voided
                  and (s.activity_id = $1 or exists (select 1 from statements as target
                        where s.statement -> 'object' ->> 'objectType' = 'StatementRef'
                          and target.id::text = s.statement -> 'object' ->> 'id'
                          and target.activity_id = $1))`,
              [activityIri(activity)],
            )
          ).rows[0]?.count,
        ),
      ),
    );
    print(
      paged(
        `paging ${READERS} activities to the end`,
        activityPages.flatMap((pages) => pages.ids),
        expectedByActivity.reduce((sum, count) => sum + count, 0),
      ),
    );

    if (PAGE_ALL) {
      // The whole set, newest first, while a writer stores statements: the new ones must not
      // shift the pages (they come after the first page's consistent-through instant).
      const before = Number((await pool.query('select count(*) from statements')).rows[0]?.count);
      let isWriting = true;
      let written = 0;
      let startWriting = () => {};
      const writer = (async () => {
        await new Promise<void>((resolve) => (startWriting = resolve));
        while (isWriting) {
          await new Promise<void>((resolve, reject) => {
            const request = http.request(
              `${PUBLIC_URL}/xapi/statements`,
              {
                method: 'POST',
                headers: {
                  Authorization: authorization,
                  'X-Experience-API-Version': '2.0.0',
                  'Content-Type': 'application/json',
                },
              },
              (response) => {
                response.resume();
                response.on('end', () =>
                  response.statusCode === 200 ? resolve() : reject(new Error('POST failed')),
                );
              },
            );
            request.on('error', reject);
            request.end(JSON.stringify(loadStatement(written, random(written), [])));
          });
          written += 1;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      const all = await pageToEnd(reader, 'limit=100', () => startWriting());
      isWriting = false;
      await writer;
      print(row('`more` pages, whole set, limit 100', { latenciesMs: all.latenciesMs }));
      print(paged(`paging the whole set (${written} stored meanwhile)`, all.ids, before));
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await pool.end();
    if (tool) await stopTool(tool);
    await database.drop();
    environment.remove();
  }
}

await main();

/**
 * Ingest benchmark of the LRS on PostgreSQL (issue 4): 8 concurrent clients POST realistic
 * assessment statements (answered / passed / completed, with scores and context) to the tool
 * running as its own process, first in batches of 50, then one by one. In the same run it
 * measures multi-row INSERTs of the same JSON straight into PostgreSQL, the baseline the LRS
 * rate is compared with. Prints statements/s, p99 latency per request, the tool's peak RSS
 * and the ratios; then sends PACED_RATE (default 200) single statements/s for PACED_SECONDS
 * (default 30) and prints the tool's resident memory meanwhile and the CPU per statement.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/ingest.ts
 *
 * It creates a scratch database next to DATABASE_URL's and drops it afterwards.
 * BENCH_SECONDS (default 10) sets the length of each phase. LMS_BOUND=1 sends with a credential
 * bound to a registered LMS, as its `logstore_xapi` would: statements about learners the tool
 * does not know yet, kept waiting for them (xapi/pending-statements.ts). LMS_BOUND=known sends
 * them about learners who have launched already (the usual case once a course runs): their
 * statements update the learners' outcome state as they are stored.
 */
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { ownCpuSeconds, postgresCpuSeconds, processCpuSeconds } from './cpu-use.js';
import { assessmentStatement, learnerAccountName, LMS } from './support/assessment-statement.js';
import { createScratchDatabase } from './support/scratch-database.js';
import { createStatementPoster } from './support/statement-poster.js';
import { percentile } from './support/statistics.js';
import {
  buildTool,
  createBenchCredential,
  residentMemoryMb,
  runCli,
  startTool,
  stopTool,
  toolEnvironment,
} from './support/tool-process.js';

const CLIENTS = 8;
const BATCH_SIZE = 50;
const PHASE_SECONDS = Number(process.env.BENCH_SECONDS ?? '10');
/**
 * The steady rate at which the tool's memory and CPU per statement are read (PACED_RATE, default
 * 200/s: each statement its own transaction, as on a course that is not busy), and for how long
 * (PACED_SECONDS).
 */
const PACED_RATE = Number(process.env.PACED_RATE ?? '200');
const PACED_SECONDS = Number(process.env.PACED_SECONDS ?? '30');
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  process.stderr.write('Set DATABASE_URL to a PostgreSQL server: the benchmark runs on it.\n');
  process.exit(2);
}

interface PhaseResult {
  statements: number;
  seconds: number;
  latenciesMs: number[];
  /** CPU microseconds per statement: the tool, the clients (this process), PostgreSQL. */
  cpu: { tool: number; clients: number; postgres: number };
}

/** CLIENTS loops sending `size` statements per request until the phase ends. */
async function runPhase(
  size: number,
  send: (body: Record<string, unknown>[]) => Promise<void>,
  tool: ChildProcess,
): Promise<PhaseResult> {
  const cpuBefore = cpuSeconds(tool);
  const latenciesMs: number[] = [];
  let statements = 0;
  const started = performance.now();
  const deadline = started + PHASE_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_unused, client) => {
      let index = 0;
      while (performance.now() < deadline) {
        const body = Array.from({ length: size }, () => {
          index += 1;
          return assessmentStatement(client * 1000 + (index % 97), index);
        });
        const sent = performance.now();
        await send(body);
        latenciesMs.push(performance.now() - sent);
        statements += size;
      }
    }),
  );
  const cpuAfter = cpuSeconds(tool);
  const microsecondsEach = (key: keyof typeof cpuAfter) =>
    ((cpuAfter[key] - cpuBefore[key]) * 1e6) / statements;
  return {
    statements,
    seconds: (performance.now() - started) / 1000,
    latenciesMs,
    cpu: {
      tool: microsecondsEach('tool'),
      clients: microsecondsEach('clients'),
      postgres: microsecondsEach('postgres'),
    },
  };
}

/**
 * With LMS_BOUND=1, registers an LMS other than the one the statements name and gives its issuer,
 * for the credential to be bound to; with LMS_BOUND=known, registers the statements' own LMS and
 * makes every learner the statements name one of its users, as their first launch would.
 */
async function benchLms(env: NodeJS.ProcessEnv, pool: pg.Pool): Promise<string | undefined> {
  const mode = process.env.LMS_BOUND;
  if (mode !== '1' && mode !== 'known') return undefined;
  const issuer = mode === 'known' ? LMS : 'https://moodle.bench.example';
  await runCli(env, [
    'platform',
    'add',
    '--issuer',
    issuer,
    '--client-id',
    'bench',
    '--deployment-id',
    '1',
    '--auth-url',
    `${issuer}/auth`,
    '--token-url',
    `${issuer}/token`,
    '--jwks-url',
    `${issuer}/jwks`,
  ]);
  if (mode === 'known') {
    const subs = Array.from({ length: CLIENTS * 1000 }, (_unused, learner) =>
      learnerAccountName(learner),
    );
    await pool.query(
      `insert into users (platform_id, sub)
       select platforms.id, sub from platforms, unnest($1::text[]) as sub where platforms.issuer = $2`,
      [subs, issuer],
    );
  }
  return issuer;
}

/** CPU seconds used so far by the tool, by this process (the clients), by PostgreSQL. */
function cpuSeconds(tool: ChildProcess) {
  return {
    tool: processCpuSeconds(tool.pid ?? 0),
    clients: ownCpuSeconds(),
    postgres: postgresCpuSeconds(),
  };
}

/**
 * Single statements at a steady `rate` per second for PACED_SECONDS, as a busy course sends
 * them: the tool's resident memory (VmRSS) at the start and after each third, and latencies.
 */
async function runPaced(
  rate: number,
  send: (body: Record<string, unknown>[]) => Promise<void>,
  tool: ChildProcess,
): Promise<{ rssMb: number[]; latenciesMs: number[]; cpu: PhaseResult['cpu'] }> {
  const cpuBefore = cpuSeconds(tool);
  const rssMb = [residentMemoryMb(tool.pid).now];
  const latenciesMs: number[] = [];
  const started = performance.now();
  const sends: Promise<void>[] = [];
  for (let index = 0; index < rate * PACED_SECONDS; index += 1) {
    const due = started + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (index > 0 && index % ((rate * PACED_SECONDS) / 3) === 0)
      rssMb.push(residentMemoryMb(tool.pid).now);
    const sent = performance.now();
    sends.push(
      send([assessmentStatement(index % 500, index)]).then(() => {
        latenciesMs.push(performance.now() - sent);
      }),
    );
  }
  await Promise.all(sends);
  rssMb.push(residentMemoryMb(tool.pid).now);
  const cpuAfter = cpuSeconds(tool);
  const microsecondsEach = (key: keyof typeof cpuAfter) =>
    ((cpuAfter[key] - cpuBefore[key]) * 1e6) / latenciesMs.length;
  return {
    rssMb,
    latenciesMs,
    cpu: {
      tool: microsecondsEach('tool'),
      clients: microsecondsEach('clients'),
      postgres: microsecondsEach('postgres'),
    },
  };
}

async function main(): Promise<void> {
  const database = await createScratchDatabase(serverUrl as string);
  const environment = toolEnvironment(database.url);
  const pool = new pg.Pool({ connectionString: database.url, max: CLIENTS });
  pool.on('error', () => {});
  let tool: ChildProcess | undefined;
  try {
    buildTool();
    await runCli(environment.env, ['migrate']);
    const authorization = await createBenchCredential(
      environment.env,
      await benchLms(environment.env, pool),
    );
    tool = await startTool(environment);
    const { post, close } = createStatementPoster(environment.url, authorization, CLIENTS);
    await runPhase(BATCH_SIZE, post, tool);
    // The first phase above warms up the JIT, the connection pools and the secret cache.
    const batches = await runPhase(BATCH_SIZE, post, tool);
    const singles = await runPhase(1, post, tool);
    const rss = residentMemoryMb(tool.pid).peak;
    const paced = await runPaced(PACED_RATE, post, tool);
    close();

    await pool.query('create table bench_direct (id uuid primary key, statement jsonb not null)');
    const insert = async (body: Record<string, unknown>[]) => {
      const values = body.map((_statement, index) => `($${index * 2 + 1}, $${index * 2 + 2})`);
      await pool.query(
        `insert into bench_direct (id, statement) values ${values.join(', ')}`,
        body.flatMap((statement) => [statement.id, JSON.stringify(statement)]),
      );
    };
    const directBatches = await runPhase(BATCH_SIZE, insert, tool);
    const directSingles = await runPhase(1, insert, tool);

    const rate = (phase: PhaseResult) => phase.statements / phase.seconds;
    const line = (label: string, phase: PhaseResult) =>
      `${label.padEnd(34)} ${rate(phase).toFixed(0).padStart(7)} statements/s   p99 ${percentile(phase.latenciesMs, 0.99).toFixed(1).padStart(6)} ms   (${phase.statements} statements in ${phase.seconds.toFixed(1)} s)\n${''.padEnd(34)} CPU µs per statement: tool ${phase.cpu.tool.toFixed(0)}, clients ${phase.cpu.clients.toFixed(0)}, PostgreSQL ${phase.cpu.postgres.toFixed(0)}`;
    const report = [
      `ingest benchmark: ${CLIENTS} clients, ${PHASE_SECONDS} s per phase, PostgreSQL ${(await pool.query('show server_version')).rows[0]?.server_version as string}`,
      line(`LRS POST, batches of ${BATCH_SIZE}`, batches),
      line('LRS POST, single statements', singles),
      line(`direct INSERT, ${BATCH_SIZE} rows each`, directBatches),
      line('direct INSERT, 1 row each', directSingles),
      `tool peak RSS                      ${rss.toFixed(0)} MB`,
      `tool RSS at ${PACED_RATE} single statements/s  ${paced.rssMb.map((mb) => mb.toFixed(0)).join(' -> ')} MB (every ${PACED_SECONDS / 3} s), p99 ${percentile(paced.latenciesMs, 0.99).toFixed(1)} ms\n${''.padEnd(34)} CPU µs per statement: tool ${paced.cpu.tool.toFixed(0)}, clients ${paced.cpu.clients.toFixed(0)}, PostgreSQL ${paced.cpu.postgres.toFixed(0)}`,
      `ratio LRS / direct, batches       ${((rate(batches) / rate(directBatches)) * 100).toFixed(0)}%`,
      `ratio LRS / direct, singles       ${((rate(singles) / rate(directSingles)) * 100).toFixed(0)}%`,
      `targets: batches >= 5000/s and >= 30% of direct; singles >= 3000/s and >= 35% of direct; RSS at ${PACED_RATE}/s <= 300 MB`,
    ];
    process.stdout.write(`${report.join('\n')}\n`);
  } finally {
    if (tool) await stopTool(tool);
    await pool.end();
    await database.drop();
    environment.remove();
  }
}

await main();

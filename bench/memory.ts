/**
 * Memory benchmark (issue 19 item 7): the tool's resident memory (VmRSS), as `npm start` runs
 * it, right after start and while it stores single statements at RATE per second (default 200)
 * for MEMORY_SECONDS (default 60), read every 5 s; on PostgreSQL (DATABASE_URL) and on the
 * embedded PGlite default. The baseline, in the same run and at the same rate: a bare Node
 * HTTP server that parses each statement and INSERTs it with pg (support/bare-statement-server.mjs),
 * the least a Node process doing this job holds. Prints MB after start, steady (the median of
 * the second half's samples), most and peak (VmHWM), the ratio to the baseline, and the rate
 * actually sent: when the machine is busy and the sender falls behind, requests pile up and the
 * tool's young objects live long enough to be promoted, which raises its memory.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/memory.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { assessmentStatement } from './support/assessment-statement.js';
import { createScratchDatabase } from './support/scratch-database.js';
import { createStatementPoster } from './support/statement-poster.js';
import { percentile } from './support/statistics.js';
import {
  buildTool,
  createBenchCredential,
  projectRoot,
  residentMemoryMb,
  runCli,
  startFlags,
  startTool,
  stopTool,
  toolEnvironment,
  waitForHealth,
  type ToolEnvironment,
} from './support/tool-process.js';

const RATE = Number(process.env.RATE ?? '200');
const SECONDS = Number(process.env.MEMORY_SECONDS ?? '60');
const SAMPLE_EVERY_MS = 5000;
const SENDERS = 16;

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  process.stderr.write('Set DATABASE_URL to a PostgreSQL server: the benchmark runs on it.\n');
  process.exit(2);
}

interface Reading {
  startMb: number;
  samplesMb: number[];
  peakMb: number;
  sent: number;
  failed: number;
  p99Ms: number;
  /** Statements sent per second on average: below RATE, the load generator fell behind. */
  sentPerSecond: number;
}

/** Sends RATE single statements per second for SECONDS to `process`, reading its memory. */
async function underLoad(
  server: ChildProcess,
  environment: ToolEnvironment,
  authorization: string,
): Promise<Reading> {
  const startMb = residentMemoryMb(server.pid).now;
  const { post, close } = createStatementPoster(environment.url, authorization, SENDERS);
  const samplesMb: number[] = [];
  const sampler = setInterval(
    () => samplesMb.push(residentMemoryMb(server.pid).now),
    SAMPLE_EVERY_MS,
  );
  const latenciesMs: number[] = [];
  let failed = 0;
  const sends: Promise<void>[] = [];
  const started = performance.now();
  for (let index = 0; index < RATE * SECONDS; index += 1) {
    const wait = started + (index * 1000) / RATE - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const sent = performance.now();
    sends.push(
      post([assessmentStatement(index % 500, index)]).then(
        () => void latenciesMs.push(performance.now() - sent),
        () => void (failed += 1),
      ),
    );
  }
  const sentPerSecond = (RATE * SECONDS) / ((performance.now() - started) / 1000);
  await Promise.all(sends);
  clearInterval(sampler);
  close();
  samplesMb.push(residentMemoryMb(server.pid).now);
  return {
    startMb,
    samplesMb,
    peakMb: residentMemoryMb(server.pid).peak,
    sent: RATE * SECONDS,
    failed,
    p99Ms: percentile(latenciesMs, 0.99),
    sentPerSecond,
  };
}

/** The steady level: the median of the samples of the second half of the run (after warm-up). */
function steadyMb(reading: Reading): number {
  return percentile(reading.samplesMb.slice(Math.floor(reading.samplesMb.length / 2)), 0.5);
}

function line(label: string, reading: Reading, baseline?: Reading): string {
  const most = Math.max(...reading.samplesMb);
  const ratio = baseline
    ? `   ${(most / Math.max(...baseline.samplesMb)).toFixed(1)}x baseline`
    : '';
  return `${label.padEnd(30)} after start ${reading.startMb.toFixed(0).padStart(4)} MB   at ${RATE}/s: steady ${steadyMb(reading).toFixed(0).padStart(4)} MB, most ${most.toFixed(0).padStart(4)} MB, peak ${reading.peakMb.toFixed(0).padStart(4)} MB${ratio}   (sent ${reading.sentPerSecond.toFixed(0)}/s, p99 ${reading.p99Ms.toFixed(0)} ms, ${reading.failed} of ${reading.sent} failed)\n${''.padEnd(30)} every ${SAMPLE_EVERY_MS / 1000} s: ${reading.samplesMb.map((mb) => mb.toFixed(0)).join(' ')}`;
}

async function measureTool(databaseUrl: string | undefined): Promise<Reading> {
  const environment = toolEnvironment(databaseUrl);
  let tool: ChildProcess | undefined;
  try {
    await runCli(environment.env, ['migrate']);
    const authorization = await createBenchCredential(environment.env);
    tool = await startTool(environment);
    return await underLoad(tool, environment, authorization);
  } finally {
    if (tool) await stopTool(tool);
    environment.remove();
  }
}

async function measureBaseline(databaseUrl: string): Promise<Reading> {
  const environment = toolEnvironment(databaseUrl);
  const bare = spawn(
    process.execPath,
    [...startFlags(), 'bench/support/bare-statement-server.mjs'],
    { cwd: projectRoot, env: environment.env, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  try {
    await waitForHealth(environment.url, bare);
    return await underLoad(bare, environment, '');
  } finally {
    await stopTool(bare);
    environment.remove();
  }
}

async function main(): Promise<void> {
  buildTool();
  const database = await createScratchDatabase(serverUrl as string);
  try {
    const baseline = await measureBaseline(database.url);
    const postgres = await measureTool(database.url);
    const embedded = await measureTool(undefined);
    process.stdout.write(
      [
        `memory benchmark: resident memory (VmRSS) of the tool as npm start runs it, single statements at ${RATE}/s for ${SECONDS} s`,
        line('tool on PostgreSQL', postgres, baseline),
        line('tool on embedded PGlite', embedded, baseline),
        line('baseline: bare Node + pg', baseline),
        `target: the tool on PostgreSQL at ${RATE}/s <= 300 MB (steady is the median of the second half's samples, peak is VmHWM)`,
      ].join('\n') + '\n',
    );
  } finally {
    await database.drop();
  }
}

await main();

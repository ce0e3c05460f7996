/**
 * Start-time benchmark (issue 19 item 7): how long `npm start` takes, when nothing changed since
 * the last build, until GET /health answers 200; on the embedded PGlite default and, when
 * DATABASE_URL is set, on PostgreSQL. Each storage is started once before measuring (the first
 * start creates the database, the tool's keys and the build), then START_RUNS times (default 5).
 * In the same run, the parts of it:
 * - `node dist/src/main.js` alone (no npm, no build check): the tool's own start;
 * - the build check alone (`tsc --build`, nothing to rebuild);
 * - the baseline: a bare Node HTTP server answering /health, started the same way.
 * Prints the median and the worst wall time and the CPU time of the whole process tree (npm,
 * the build check, the tool) at the moment /health answered, and the ratios to the baseline.
 * The wall time depends on what else the cores are doing; the CPU time much less.
 *
 *   npx tsx bench/start-time.ts
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/start-time.ts
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { processCpuSeconds } from './cpu-use.js';
import { createScratchDatabase, type ScratchDatabase } from './support/scratch-database.js';
import { percentile } from './support/statistics.js';
import {
  buildTool,
  projectRoot,
  runCli,
  startFlags,
  toolEnvironment,
  type ToolEnvironment,
} from './support/tool-process.js';

const RUNS = Number(process.env.START_RUNS ?? '5');
const HEALTH_POLL_MS = 20;

interface Start {
  wallMs: number;
  cpuMs: number;
}

/** Starts `command` in a process group of its own, times it to /health, then ends the group. */
async function timeStart(
  command: string,
  args: readonly string[],
  environment: ToolEnvironment,
): Promise<Start> {
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: projectRoot,
    env: environment.env,
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  try {
    await waitForHealthQuickly(environment.url, child);
    const wallMs = performance.now() - started;
    return { wallMs, cpuMs: groupCpuSeconds(child.pid ?? 0) * 1000 };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (child.exitCode === null) process.kill(-(child.pid ?? 0), 'SIGTERM');
    await exited;
  }
}

async function waitForHealthQuickly(url: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${child.spawnfile} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS));
  }
}

/**
 * CPU seconds of every process in the group `groupId`, including what its ended children used
 * (npm waits for the build check, so the build check's CPU is in npm's).
 */
function groupCpuSeconds(groupId: number): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = (readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
      // Field 5 of /proc/PID/stat is the process group, counted after "comm) " as index 2.
      if (Number(fields[2]) === groupId) total += processCpuSeconds(entry, true);
    } catch {
      // ended meanwhile
    }
  }
  return total;
}

async function timeRuns(run: () => Promise<Start>): Promise<Start[]> {
  const starts: Start[] = [];
  for (let index = 0; index < RUNS; index += 1) starts.push(await run());
  return starts;
}

function summary(label: string, starts: readonly Start[], baseline?: readonly Start[]): string {
  const wall = starts.map((start) => start.wallMs);
  const cpu = starts.map((start) => start.cpuMs);
  const median = (values: readonly number[]) => percentile(values, 0.5);
  const ratio = baseline
    ? `   ${(median(wall) / median(baseline.map((start) => start.wallMs))).toFixed(1)}x baseline wall, ${(median(cpu) / median(baseline.map((start) => start.cpuMs))).toFixed(1)}x CPU`
    : '';
  return `${label.padEnd(44)} wall median ${median(wall).toFixed(0).padStart(5)} ms, worst ${Math.max(
    ...wall,
  )
    .toFixed(0)
    .padStart(5)} ms   CPU median ${median(cpu).toFixed(0).padStart(5)} ms${ratio}`;
}

/** The build check `npm start` runs first (prestart), with nothing to rebuild. */
function timeBuildCheck(): Start {
  const endedChildrenCpu = () =>
    processCpuSeconds(process.pid, true) - processCpuSeconds(process.pid);
  const cpuBefore = endedChildrenCpu();
  const started = performance.now();
  execFileSync('npm', ['run', '--silent', 'prestart'], { cwd: projectRoot });
  return { wallMs: performance.now() - started, cpuMs: (endedChildrenCpu() - cpuBefore) * 1000 };
}

async function measureStorage(label: string, databaseUrl: string | undefined): Promise<string[]> {
  const environment = toolEnvironment(databaseUrl);
  try {
    await runCli(environment.env, ['migrate']);
    const npmStart = () => timeStart('npm', ['start'], environment);
    const toolAlone = () =>
      timeStart(process.execPath, [...startFlags(), 'dist/src/main.js'], environment);
    const bareNode = () =>
      timeStart(
        process.execPath,
        ['-e', "require('node:http').createServer((q, r) => r.end('ok')).listen(process.env.PORT)"],
        environment,
      );
    // The first start of a data folder creates the tool's keys; it is not what is measured.
    await npmStart();
    const baseline = await timeRuns(bareNode);
    const npm = await timeRuns(npmStart);
    const alone = await timeRuns(toolAlone);
    return [
      summary(`${label}: npm start (build check, tool)`, npm, baseline),
      summary(`${label}: node dist/src/main.js alone`, alone, baseline),
      summary('baseline: bare node HTTP server', baseline),
    ];
  } finally {
    environment.remove();
  }
}

async function main(): Promise<void> {
  buildTool();
  const buildChecks = Array.from({ length: RUNS }, timeBuildCheck);
  const lines = [
    `start-time benchmark: ${RUNS} starts each, time until GET /health answers 200, nothing changed since the last build`,
    summary('build check alone (npm run prestart)', buildChecks),
    ...(await measureStorage('PGlite', undefined)),
  ];
  const serverUrl = process.env.DATABASE_URL;
  let database: ScratchDatabase | undefined;
  if (serverUrl) {
    database = await createScratchDatabase(serverUrl);
    try {
      lines.push(...(await measureStorage('PostgreSQL', database.url)));
    } finally {
      await database.drop();
    }
  }
  lines.push('target: npm start with nothing changed reaches /health in <= 5 s');
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();

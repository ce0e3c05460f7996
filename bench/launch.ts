/**
 * Launch benchmark (issue 3): full three-leg LTI 1.3 launches (login initiation, the platform's
 * authentication response, the id_token post) by 50 concurrent browsers against microcred on
 * PostgreSQL, and the same against a bare ltijs instance on the same database in the same run.
 * Each server is measured twice: with every browser launching again as soon as its launch ends
 * (the most launches per second), and with launches started at 200 per second in all (the
 * latency at the target rate). It also prints the CPU each launch costs the server, this
 * process and PostgreSQL, which share the machine's cores.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/launch.ts
 *
 * Each server runs in its own process; the test LMS and the browsers run here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { registerPlatform } from '../src/lti/platform-registry.js';
import { openDatabase } from '../src/db/database.js';
import { createBrowser } from '../test/support/http-client.js';
import { LTI_ROLES, startTestLms, type TestLms } from '../test/support/test-lms.js';
import { createTestStorage } from '../test/support/test-database.js';
import { ownCpuSeconds, postgresCpuSeconds, processCpuSeconds } from './cpu-use.js';

const BROWSERS = 50;
/** The launch rate the latency target is set for. */
const PACED_RATE = 200;
const WARM_UP_SECONDS = 3;
const MEASURE_SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const SECRET = 'bench-secret-bench-secret-bench-secret';

if (!process.env.DATABASE_URL) throw new Error('Set DATABASE_URL to a PostgreSQL server');
const storage = await createTestStorage();
const env = {
  ...process.env,
  DATABASE_URL: storage.databaseUrl,
  MICROCRED_SECRET: SECRET,
  MICROCRED_DATA_DIR: storage.dataDir,
};

const lms = await startTestLms();
await register(lms);
const results: Record<string, Figures> = {};
try {
  for (const [mode, port] of [
    ['ltijs', 3301],
    ['microcred', 3302],
  ] as const) {
    const server = await startServer(mode, port);
    try {
      lms.setToolEndpoints({
        loginUrl: `http://127.0.0.1:${port}/lti/login`,
        launchUrl: `http://127.0.0.1:${port}/lti/launch`,
      });
      await run(lms, server, { seconds: WARM_UP_SECONDS });
      results[mode] = await run(lms, server, { seconds: MEASURE_SECONDS });
      results[`${mode} at ${PACED_RATE}/s`] = await run(lms, server, {
        seconds: MEASURE_SECONDS,
        pacedRate: PACED_RATE,
      });
      // microcred answers the third leg with a redirect to the course page; the page is a fourth
      // request bare ltijs does not have, measured apart.
      if (mode === 'microcred') {
        results.landing = await run(lms, server, { seconds: MEASURE_SECONDS, landing: true });
      }
    } finally {
      server.kill();
      await once(server, 'exit');
    }
  }
} finally {
  await lms.close();
  await storage.drop();
}

const ours = results.microcred as Figures;
const bare = results.ltijs as Figures;
console.log(
  `launches by ${BROWSERS} concurrent browsers, ${MEASURE_SECONDS} s each, PostgreSQL; "at ${PACED_RATE}/s": launches started at that rate, latency from when each was due`,
);
for (const [name, figures] of [
  ['bare ltijs', bare],
  [`bare ltijs at ${PACED_RATE}/s`, results[`ltijs at ${PACED_RATE}/s`] as Figures],
  ['microcred', ours],
  [`microcred at ${PACED_RATE}/s`, results[`microcred at ${PACED_RATE}/s`] as Figures],
  ['microcred + course page', results.landing as Figures],
] as const) {
  const { server, harness, postgres } = figures.cpu;
  console.log(
    `${name.padEnd(24)} ${figures.rate.toFixed(1).padStart(7)} launches/s  p50 ${figures.p50.toFixed(1)} ms  p99 ${figures.p99.toFixed(1)} ms  failures ${figures.failures}`,
  );
  console.log(
    `${''.padEnd(24)} CPU ms per launch: server ${server.toFixed(2)}, test LMS and browsers ${harness.toFixed(2)}, PostgreSQL ${postgres.toFixed(2)}`,
  );
}
console.log(`ratio microcred / bare ltijs: ${(ours.rate / bare.rate).toFixed(2)}`);

interface Figures {
  rate: number;
  p50: number;
  p99: number;
  failures: number;
  /** CPU milliseconds per launch: the server, the test LMS with the browsers, PostgreSQL. */
  cpu: { server: number; harness: number; postgres: number };
}

async function register(platform: TestLms) {
  const database = await openDatabase({ databaseUrl: storage.databaseUrl, dataDir: null });
  await database.migrate();
  await registerPlatform(database.db, platform.platformRegistration());
  await database.close();
}

/**
 * Launches for `seconds` by BROWSERS browsers; a launch ends with the tool's answer to the
 * id_token post, or with `landing` after following its redirect to the page it leads to.
 */
async function run(
  platform: TestLms,
  server: ChildProcess,
  {
    seconds,
    landing = false,
    pacedRate,
  }: { seconds: number; landing?: boolean; pacedRate?: number },
): Promise<Figures> {
  const cpuBefore = cpuSeconds(server);
  const latencies: number[] = [];
  let failures = 0;
  const startedAt = performance.now();
  const endAt = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: BROWSERS }, async (_, index) => {
      for (let round = 0; Date.now() < endAt; round += 1) {
        let started = performance.now();
        if (pacedRate) {
          // Launch k of the run is due at k / pacedRate; a browser takes every BROWSERS-th one.
          // Latency counts from when the launch was due, so a late start is not hidden.
          started = startedAt + ((round * BROWSERS + index) * 1000) / pacedRate;
          const wait = started - performance.now();
          if (wait > 0) await setTimeout(wait);
          if (Date.now() >= endAt) break;
        }
        const browser = createBrowser();
        const begun = await platform.beginLaunch({
          browser,
          user: { id: `learner-${index}-${latencies.length}` },
          roles: [LTI_ROLES.learner],
        });
        const answer = begun.authPage
          ? await browser.submitForm(begun.authPage.html, begun.authPage.url, {
              followRedirects: landing,
            })
          : null;
        await answer?.response.arrayBuffer();
        const status = answer?.response.status;
        if (status === 200 || (!landing && status === 303)) {
          latencies.push(performance.now() - started);
        } else {
          failures += 1;
        }
      }
    }),
  );
  const cpuAfter = cpuSeconds(server);
  const perLaunchMs = (before: number, after: number) =>
    ((after - before) * 1000) / latencies.length;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    rate: latencies.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    failures,
    cpu: {
      server: perLaunchMs(cpuBefore.server, cpuAfter.server),
      harness: perLaunchMs(cpuBefore.harness, cpuAfter.harness),
      postgres: perLaunchMs(cpuBefore.postgres, cpuAfter.postgres),
    },
  };
}

/** CPU seconds used so far by the server, by this process (the test LMS and browsers), by PostgreSQL. */
function cpuSeconds(server: ChildProcess) {
  return {
    server: processCpuSeconds(server.pid ?? 0),
    harness: ownCpuSeconds(),
    postgres: postgresCpuSeconds(),
  };
}
async function startServer(mode: string, port: number): Promise<ChildProcess> {
  // BENCH_PROFILE=microcred (or ltijs) writes a CPU profile of that server to bench/profiles/.
  const profile =
    process.env.BENCH_PROFILE === mode ? ['--cpu-prof', '--cpu-prof-dir=bench/profiles'] : [];
  const child = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', 'bench/launch-server.ts', mode, String(port)],
    {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) if (line.startsWith('ready')) break;
  return child;
}

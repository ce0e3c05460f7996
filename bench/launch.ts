/**
 * Launch benchmark (issue 3): full three-leg LTI 1.3 launches (login initiation, the platform's
 * authentication response, the id_token post) by 50 concurrent browsers against microcred on
 * PostgreSQL, and the same against a bare ltijs instance on the same database in the same run.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/launch.ts
 *
 * Each server runs in its own process; the test LMS and the browsers run here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { registerPlatform } from '../src/lti/platform-registry.js';
import { openDatabase } from '../src/db/database.js';
import { createBrowser } from '../test/support/http-client.js';
import { LTI_ROLES, startTestLms, type TestLms } from '../test/support/test-lms.js';
import { createTestStorage } from '../test/support/test-database.js';

const BROWSERS = 50;
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
      await run(lms, WARM_UP_SECONDS);
      results[mode] = await run(lms, MEASURE_SECONDS);
      // microcred answers the third leg with a redirect to the course page; the page is a fourth
      // request bare ltijs does not have, measured apart.
      if (mode === 'microcred') results.landing = await run(lms, MEASURE_SECONDS, true);
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
console.log(`launches by ${BROWSERS} concurrent browsers, ${MEASURE_SECONDS} s each, PostgreSQL`);
for (const [name, figures] of [
  ['bare ltijs', bare],
  ['microcred', ours],
  ['microcred + course page', results.landing as Figures],
] as const) {
  console.log(
    `${name.padEnd(24)} ${figures.rate.toFixed(1).padStart(7)} launches/s  p50 ${figures.p50.toFixed(1)} ms  p99 ${figures.p99.toFixed(1)} ms  failures ${figures.failures}`,
  );
}
console.log(`ratio microcred / bare ltijs: ${(ours.rate / bare.rate).toFixed(2)}`);

interface Figures {
  rate: number;
  p50: number;
  p99: number;
  failures: number;
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
async function run(platform: TestLms, seconds: number, landing = false): Promise<Figures> {
  const latencies: number[] = [];
  let failures = 0;
  const endAt = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: BROWSERS }, async (_, index) => {
      while (Date.now() < endAt) {
        const started = performance.now();
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
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { rate: latencies.length / seconds, p50: at(0.5), p99: at(0.99), failures };
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

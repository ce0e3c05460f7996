import { execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestStorage, type TestStorage } from '../support/test-database.js';
import {
  balancedToolEnvironment,
  startToolProcess,
  type ToolProcess,
} from '../support/tool-process.js';

// Each worker is a Node process compiling TypeScript as it loads: on a loaded CI machine that
// alone can take tens of seconds.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 240_000 });

const run = promisify(execFile);
const onPostgres = Boolean(process.env.DATABASE_URL);

/** The workers a primary started (not the other programs it may run), by pid. */
function workersOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid), '-f', 'src/main.ts'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** GET on a connection of its own, so that the primary hands each request to the next worker. */
async function getAlone(url: string, signal?: AbortSignal): Promise<Response> {
  return fetch(url, { headers: { Connection: 'close' }, signal });
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  for (const startedAt = Date.now(); !condition();) {
    if (Date.now() - startedAt > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('microcred serve --workers', () => {
  it('refuses more than one worker on the embedded database, saying what is needed', async () => {
    const refused = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--workers', '2'],
      { env: { ...process.env, DATABASE_URL: '' } },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--workers above 1 needs DATABASE_URL'),
    });
  });

  describe.skipIf(!onPostgres)('on PostgreSQL (several processes need a database server)', () => {
    let storage: TestStorage;
    let tool: ToolProcess;
    /** How many times a worker started listening. */
    const listenings = () => tool.stdout().match(/"message":"listening"/g)?.length ?? 0;

    beforeAll(async () => {
      storage = await createTestStorage();
      tool = await startToolProcess({
        ...balancedToolEnvironment(storage),
        MICROCRED_WORKERS: '2',
        MICROCRED_LOG_LEVEL: 'info',
      });
      await waitFor(() => listenings() === 2, 90_000);
    });
    afterAll(async () => {
      await tool?.stop();
      await storage?.drop();
    });

    it('answers GET /metrics, through whichever worker, with the requests every worker answered', async () => {
      for (let request = 0; request < 10; request += 1) {
        expect((await getAlone(`${tool.url}/health`)).status).toBe(200);
      }
      const metrics = await (await getAlone(`${tool.url}/metrics`)).text();
      expect(metrics).toContain(
        'microcred_http_request_duration_seconds_count{method="GET",route="/health",status="200"} 10',
      );
      // Read from the database by each worker, and stated once.
      expect(metrics).toContain('microcred_credentials{status="valid"} 0');
      expect(metrics.match(/^microcred_build_info\{/gm)).toHaveLength(1);
    });

    it('replaces a worker that dies, and the port answers meanwhile', async () => {
      const [killed, survivor] = workersOf(tool.pid);
      process.kill(killed!, 'SIGKILL');
      // A connection handed to the worker as it died is lost (as with any process that dies);
      // the next ones go to the survivor.
      let answered = 0;
      for (let attempt = 0; attempt < 10 && answered === 0; attempt += 1) {
        answered = await getAlone(`${tool.url}/health`, AbortSignal.timeout(2_000)).then(
          (response) => (response.ok ? 1 : 0),
          () => 0,
        );
      }
      expect(answered).toBe(1);
      await waitFor(() => listenings() === 3, 90_000);
      const workers = workersOf(tool.pid);
      expect(workers).toHaveLength(2);
      expect(workers).toContain(survivor);
      expect(workers).not.toContain(killed);
    });

    it('ends with exit code 1 when the workers cannot listen (the port taken)', async () => {
      const taken = createServer().listen(0);
      await once(taken, 'listening');
      const primary = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        env: {
          ...process.env,
          ...balancedToolEnvironment(storage),
          MICROCRED_WORKERS: '2',
          MICROCRED_LOG_LEVEL: 'error',
          PORT: String((taken.address() as AddressInfo).port),
        },
        stdio: 'ignore',
      });
      try {
        const [code] = (await once(primary, 'exit')) as [number | null];
        expect(code).toBe(1);
      } finally {
        primary.kill('SIGKILL');
        taken.close();
      }
    });

    it('stops every worker and then itself on SIGTERM, with exit code 0', async () => {
      const workers = workersOf(tool.pid);
      expect(await tool.stop('SIGTERM')).toBe(0);
      expect(workers.filter(isRunning)).toEqual([]);
    });
  });
});

import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestStorage, type TestStorage } from '../support/test-database.js';
import { startToolProcess, type ToolProcess } from '../support/tool-process.js';

// Each worker is a Node process compiling TypeScript as it loads: on a loaded CI machine that
// alone can take tens of seconds.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 240_000 });

const run = promisify(execFile);
const onPostgres = Boolean(process.env.DATABASE_URL);

/** The processes a process started (pgrep -P), by pid. */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
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
async function getAlone(url: string): Promise<Response> {
  return fetch(url, { headers: { Connection: 'close' } });
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

    beforeAll(async () => {
      storage = await createTestStorage();
      tool = await startToolProcess({
        DATABASE_URL: storage.databaseUrl ?? '',
        MICROCRED_DATA_DIR: storage.dataDir,
        MICROCRED_SECRET: randomBytes(32).toString('hex'),
        MICROCRED_WORKERS: '2',
        // The balancer's address; the test talks to the primary itself, as the balancer does.
        MICROCRED_PUBLIC_URL: 'https://microcred.example.org',
      });
      await waitFor(() => childrenOf(tool.pid).length === 2, 60_000);
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
      const [killed, survivor] = childrenOf(tool.pid);
      process.kill(killed!, 'SIGKILL');
      expect((await getAlone(`${tool.url}/health`)).status).toBe(200);
      await waitFor(() => {
        const workers = childrenOf(tool.pid);
        return workers.length === 2 && !workers.includes(killed!);
      }, 90_000);
      expect(childrenOf(tool.pid)).toContain(survivor);
    });

    it('stops every worker and then itself on SIGTERM', async () => {
      const workers = childrenOf(tool.pid);
      await tool.stop('SIGTERM');
      expect(workers.filter(isRunning)).toEqual([]);
    });
  });
});

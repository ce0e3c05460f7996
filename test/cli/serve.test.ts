import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestStorage, type TestStorage } from '../support/test-database.js';
import {
  balancedToolEnvironment,
  startToolProcess,
  type ToolProcess,
} from '../support/tool-process.js';

// The tool starts as a Node process of its own, compiling TypeScript as it loads: on a loaded CI
// machine that alone can take tens of seconds.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 240_000 });

/** Node's own idle-connection timeout, which a load balancer's connections must outlive. */
const NODE_DEFAULT_IDLE_MS = 5_000;

describe('microcred serve behind a load balancer', () => {
  let storage: TestStorage;
  let tool: ToolProcess;

  beforeAll(async () => {
    storage = await createTestStorage();
    tool = await startToolProcess(balancedToolEnvironment(storage));
  });
  afterAll(async () => {
    await tool?.stop();
    await storage?.drop();
  });

  it('keeps an idle connection open longer than Node does by default, so a balancer reusing it loses no request', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    /** The local port of the connection a request went out on. */
    const requestHealth = () =>
      new Promise<number>((resolve, reject) => {
        const request = http.get(`${tool.url}/health`, { agent }, (response) => {
          response.resume();
          response.on('end', () => {
            if (response.statusCode === 200) resolve(request.socket!.localPort!);
            else reject(new Error(`/health answered ${response.statusCode}`));
          });
        });
        request.on('error', reject);
      });
    try {
      const first = await requestHealth();
      await sleep(NODE_DEFAULT_IDLE_MS + 1_500);
      expect(await requestHealth()).toBe(first);
    } finally {
      agent.destroy();
    }
  });
});

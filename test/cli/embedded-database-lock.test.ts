import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('a microcred command beside the running server, on the embedded database', () => {
  let dataDir: string;
  const env = () => ({
    ...process.env,
    DATABASE_URL: '',
    MICROCRED_DATA_DIR: dataDir,
    MICROCRED_PUBLIC_URL: 'https://tool.example',
    MICROCRED_LOG_LEVEL: 'info',
    PORT: '0',
  });
  const microcred = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: env() });

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'embedded-lock-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('is refused with a message saying why and what to do, and succeeds once the server has stopped', async () => {
    const server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => server.once('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('listening')) resolve();
      };
      server.stdout.on('data', onData);
      server.stderr.on('data', onData);
      server.once('exit', () => reject(new Error(`the server exited early:\n${log}`)));
    });

    const refused = await microcred('xapi', 'credentials', 'create', '--name', 'moodle').then(
      () => null,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused?.stderr).toMatch(/in use by another process \(pid \d+/);
    expect(refused?.stderr).toMatch(/admin API|PostgreSQL/);

    server.kill('SIGTERM');
    await exited;

    const created = await microcred('xapi', 'credentials', 'create', '--name', 'moodle');
    expect(JSON.parse(created.stdout)).toMatchObject({ key: expect.any(String) });
  }, 120_000);
});

import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { COMMAND_NAMES } from '../../src/cli/commands.js';

// Each step starts the CLI (or the server) as a Node process of its own, compiling TypeScript as it
// loads: on a loaded CI machine that alone can take tens of seconds.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 240_000 });

const run = promisify(execFile);

/** Starts `npm start`'s entry on the data folder and resolves once it listens. */
async function startServer(env: NodeJS.ProcessEnv) {
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env,
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
  return {
    async stop() {
      server.kill('SIGTERM');
      await exited;
    },
  };
}

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
    const server = await startServer(env());

    const refused = await microcred('xapi', 'credentials', 'create', '--name', 'moodle').then(
      () => null,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused?.stderr).toMatch(/in use by another process \(pid \d+/);
    expect(refused?.stderr).toMatch(/admin API|PostgreSQL/);

    await server.stop();

    const created = await microcred('xapi', 'credentials', 'create', '--name', 'moodle');
    expect(JSON.parse(created.stdout)).toMatchObject({ key: expect.any(String) });
  }, 240_000);
});

describe('every microcred command beside the running server, on the embedded database', () => {
  let dataDir: string;
  let backupFile: string;
  const env = () => ({
    ...process.env,
    DATABASE_URL: '',
    MICROCRED_DATA_DIR: dataDir,
    MICROCRED_PUBLIC_URL: 'https://tool.example',
    MICROCRED_SECRET: 'lock-test-secret-'.padEnd(40, 's'),
    PORT: '0',
  });
  /** Sample arguments per command: a new command must be added here, or the test fails. */
  const sampleArgs = (): Record<string, string[]> => ({
    migrate: [],
    'platform add': ['--issuer', 'https://moodle.example', '--client-id', 'abc'],
    'platform list': [],
    'platform invite': ['--awarding-body', 'University of Example'],
    'platform xapi-actors': ['https://moodle.example', '--account-name', 'username'],
    'course list': [],
    'achievement create': ['--course', 'c', '--name', 'n'],
    'keys rotate': [],
    'xapi credentials create': ['--name', 'moodle'],
    'xapi external add': ['--endpoint', 'https://lrs.example/xapi/'],
    'xapi external list': [],
    'xapi external remove': ['some-id'],
    backup: [path.join(dataDir, 'second.backup')],
    restore: [backupFile],
    'move-to-postgresql': ['--to', 'postgres://nobody@127.0.0.1:1/none'],
  });

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'embedded-lock-every-'));
    backupFile = path.join(dataDir, 'first.backup');
    await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'backup', backupFile], {
      env: env(),
    });
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('refuses each of them (reading or writing) with EMBEDDED_DATABASE_IN_USE, printing nothing', async () => {
    expect(Object.keys(sampleArgs()).sort()).toEqual([...COMMAND_NAMES].sort());
    const server = await startServer(env());
    try {
      const argvs = Object.entries(sampleArgs()).map(([name, args]) => [
        ...name.split(' '),
        ...args,
      ]);
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', 'test/support/run-each-command.ts', JSON.stringify(argvs)],
        { env: env() },
      );
      const results = JSON.parse(stdout) as {
        argv: string[];
        code: string | null;
        printed: string[];
      }[];
      expect(results).toEqual(
        argvs.map((argv) => ({ argv, code: 'EMBEDDED_DATABASE_IN_USE', printed: [] })),
      );
    } finally {
      await server.stop();
    }
  }, 240_000);
});

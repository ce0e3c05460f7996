import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Starts `npm run demo` in a process group of its own, as a terminal would. */
function startDemoInTerminal(tmpDir: string) {
  const child = spawn('npm', ['run', '--silent', 'demo'], {
    detached: true,
    env: { ...process.env, TMPDIR: tmpDir, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const running = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.join('').includes('microcred demo is running')) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', () => reject(new Error(`the demo exited early:\n${output.join('')}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { pid: child.pid!, running, exited };
}

/**
 * Waits until no process of the group is left: npm may exit on the second SIGINT while the
 * demo, its child, is still removing its folder, as after Ctrl+C in a terminal.
 */
async function groupGone(pid: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      process.kill(-pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) throw new Error(`process group ${pid} still runs after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The demo's data folders in `tmpDir` (tsx keeps a cache folder of its own there too). */
async function demoFolders(tmpDir: string): Promise<string[]> {
  return (await readdir(tmpDir)).filter((name) => name.startsWith('microcred-demo-'));
}

async function folderAppears(tmpDir: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await demoFolders(tmpDir)).length === 0) {
    if (Date.now() > deadline) throw new Error('the demo created no folder within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('npm run demo stopped with Ctrl+C', () => {
  let tmpDir: string;

  beforeAll(async () => {
    tmpDir = await mkdtemp(path.join(os.tmpdir(), 'demo-exit-'));
  });
  afterAll(() => rm(tmpDir, { recursive: true, force: true }));

  it(
    'leaves no temporary folder behind, also when SIGINT reaches the process group twice',
    { timeout: 180_000 },
    async () => {
      const demo = startDemoInTerminal(tmpDir);
      await demo.running;
      expect(await demoFolders(tmpDir)).toHaveLength(1);

      process.kill(-demo.pid, 'SIGINT');
      process.kill(-demo.pid, 'SIGINT');
      await demo.exited;
      await groupGone(demo.pid);

      expect(await demoFolders(tmpDir)).toEqual([]);
    },
  );

  it(
    'leaves no temporary folder behind when stopped while it is still starting',
    { timeout: 180_000 },
    async () => {
      const demo = startDemoInTerminal(tmpDir);
      demo.running.catch(() => undefined);
      await folderAppears(tmpDir);

      process.kill(-demo.pid, 'SIGINT');
      await demo.exited;
      await groupGone(demo.pid);

      expect(await demoFolders(tmpDir)).toEqual([]);
    },
  );
});

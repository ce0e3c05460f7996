/**
 * TLS for tests that must run over https (wallets refuse http): a self-signed certificate for
 * 127.0.0.1 and localhost (the tool's two loopback names: itself and its content host) made by
 * Debian's openssl at test time, and the test process told to trust it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Agent, setGlobalDispatcher } from 'undici';

export interface TestTls {
  readonly key: Buffer;
  readonly cert: Buffer;
}

export async function createTestTls(): Promise<TestTls> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'microcred-tls-'));
  try {
    const keyPath = path.join(folder, 'key.pem');
    const certPath = path.join(folder, 'cert.pem');
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ]);
    return { key: await readFile(keyPath), cert: await readFile(certPath) };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** Makes `fetch` in this test process trust `tls`'s certificate (and only it). */
export function trustInThisProcess(tls: TestTls): void {
  setGlobalDispatcher(new Agent({ connect: { ca: tls.cert } }));
}

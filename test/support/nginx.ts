/**
 * Debian's nginx in front of tool processes, for the tests of the documented configuration
 * (docs/examples/nginx/microcred.conf): started in the foreground on a scratch folder, with an
 * access log naming the process that answered each request.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const NGINX_PATH = '/usr/sbin/nginx';

/**
 * nginx tests run where nginx is installed, and always in CI (which installs it, so a missing
 * nginx fails there instead of passing unseen). Elsewhere they are skipped, and the global setup
 * says so once.
 */
export const nginxTestsRun = existsSync(NGINX_PATH) || process.env.CI === 'true';

export const NGINX_TESTS_SKIPPED_LINE =
  'nginx tests skipped: nginx is not installed (sudo apt-get install nginx).';

export interface RunningNginx {
  /** The requests nginx passed on so far: method, path, status and the upstream(s) tried. */
  requests(): Promise<{ method: string; path: string; status: number; upstreams: string[] }[]>;
  close(): Promise<void>;
}

/**
 * Starts nginx with `site` (the text of a file for conf.d/) and resolves once `readyUrl`
 * answers through it.
 */
export async function startNginx(site: string, readyUrl: string): Promise<RunningNginx> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'microcred-nginx-'));
  const file = (name: string) => path.join(folder, name);
  await writeFile(file('microcred.conf'), site);
  await writeFile(
    file('nginx.conf'),
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}daemon off;
pid ${file('nginx.pid')};
error_log ${file('error.log')} warn;
events { worker_connections 256; }
http {
  client_body_temp_path ${file('client-body')};
  proxy_temp_path ${file('proxy')};
  fastcgi_temp_path ${file('fastcgi')};
  uwsgi_temp_path ${file('uwsgi')};
  scgi_temp_path ${file('scgi')};
  log_format upstreams '$request_method $uri $status $upstream_addr';
  access_log ${file('access.log')} upstreams;
  include ${file('microcred.conf')};
}
`,
  );
  const child = spawn(
    NGINX_PATH,
    ['-p', folder, '-e', file('error.log'), '-c', file('nginx.conf')],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const errorLog = () => readFile(file('error.log'), 'utf8').catch(() => '');
  for (const startedAt = Date.now(); ;) {
    if (child.exitCode !== null) {
      throw new Error(`nginx exited with ${child.exitCode}: ${stderr}${await errorLog()}`);
    }
    if (Date.now() - startedAt > 20_000) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not answer ${readyUrl} within 20 s: ${await errorLog()}`);
    }
    const isReady = await fetch(readyUrl).then(
      (response) => response.ok,
      () => false,
    );
    if (isReady) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    async requests() {
      const log = await readFile(file('access.log'), 'utf8');
      return log
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => {
          const [method = '', requestPath = '', status = '', ...upstreams] = line.split(' ');
          return {
            method,
            path: requestPath,
            status: Number(status),
            upstreams: upstreams.join(' ').split(', '),
          };
        });
    },
    async close() {
      if (child.exitCode === null) child.kill('SIGQUIT');
      await exited;
      await rm(folder, { recursive: true, force: true });
    },
  };
}

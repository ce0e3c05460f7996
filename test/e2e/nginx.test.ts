import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXapiCredentialsCommand } from '../../src/cli/xapi-credentials.js';
import { openDatabase } from '../../src/db/database.js';
import { statements } from '../../src/db/schema.js';
import { h5pOf } from '../support/h5p-packages.js';
import { nginxTestsRun, startNginx, type RunningNginx } from '../support/nginx.js';
import { createTestStorage, type TestStorage } from '../support/test-database.js';
import { launchAs, startTestLms, type TestLms } from '../support/test-lms.js';
import { createTestTls, trustInThisProcess } from '../support/test-tls.js';
import { freePort } from '../support/test-tool.js';
import { startToolProcess, type ToolProcess } from '../support/tool-process.js';

const EXAMPLE = 'docs/examples/nginx/microcred.conf';
const COURSE = { id: 'nginx-101', title: 'Soil science' };
const CLIENTS = 4;

/** `text` with `part` replaced once; throws when the example no longer holds `part`. */
function replaceOnce(text: string, part: string | RegExp, by: string): string {
  if (!(typeof part === 'string' ? text.includes(part) : part.test(text))) {
    throw new Error(`${EXAMPLE} no longer holds ${String(part)}`);
  }
  return text.replace(part, by);
}

describe.skipIf(!process.env.DATABASE_URL || !nginxTestsRun)(
  'two tool processes behind nginx with the configuration of docs/examples/nginx (PostgreSQL: PGlite serves one process only)',
  () => {
    let storage: TestStorage;
    let lms: TestLms;
    let nginx: RunningNginx;
    let certificates: string;
    let publicUrl: string;
    let contentUrl: string;
    const processes: ToolProcess[] = [];
    const adminToken = randomBytes(24).toString('hex');

    const launch = (userId: string, role: 'teacher' | 'learner') =>
      launchAs(lms, COURSE, userId, role);
    const upstreamOf = (tool: ToolProcess) => new URL(tool.url).host;

    beforeAll(async () => {
      const tls = await createTestTls();
      trustInThisProcess(tls);
      certificates = await mkdtemp(path.join(os.tmpdir(), 'microcred-nginx-tls-'));
      await writeFile(path.join(certificates, 'cert.pem'), tls.cert);
      await writeFile(path.join(certificates, 'key.pem'), tls.key);
      const [httpsPort, httpPort] = [await freePort(), await freePort()];
      publicUrl = `https://127.0.0.1:${httpsPort}`;
      contentUrl = `https://localhost:${httpsPort}`;
      [storage, lms] = await Promise.all([createTestStorage(), startTestLms()]);
      const env = {
        DATABASE_URL: storage.databaseUrl ?? '',
        MICROCRED_DATA_DIR: storage.dataDir,
        MICROCRED_SECRET: randomBytes(32).toString('hex'),
        MICROCRED_ADMIN_TOKEN: adminToken,
        MICROCRED_PUBLIC_URL: publicUrl,
        MICROCRED_CONTENT_URL: contentUrl,
        MICROCRED_OUTGOING_ALLOW_PRIVATE: '127.0.0.1',
        NODE_EXTRA_CA_CERTS: path.join(certificates, 'cert.pem'),
      };
      processes.push(...(await Promise.all([startToolProcess(env), startToolProcess(env)])));

      let site = await readFile(EXAMPLE, 'utf8');
      site = replaceOnce(site, 'server 127.0.0.1:3001', `server ${upstreamOf(processes[0]!)}`);
      site = replaceOnce(site, 'server 127.0.0.1:3002', `server ${upstreamOf(processes[1]!)}`);
      site = replaceOnce(site, 'listen 80;', `listen 127.0.0.1:${httpPort};`);
      site = replaceOnce(site, 'listen 443 ssl;', `listen 127.0.0.1:${httpsPort} ssl;`);
      site = replaceOnce(
        site,
        /ssl_certificate \S+;/,
        `ssl_certificate ${path.join(certificates, 'cert.pem')};`,
      );
      site = replaceOnce(
        site,
        /ssl_certificate_key \S+;/,
        `ssl_certificate_key ${path.join(certificates, 'key.pem')};`,
      );
      nginx = await startNginx(site, `${publicUrl}/health/ready`);

      const registered = await fetch(`${publicUrl}/api/admin/platforms`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          ...lms.platformRegistration(),
          awardingBody: 'University of Example',
        }),
      });
      expect(registered.status).toBe(201);
      lms.setToolEndpoints({
        loginUrl: `${publicUrl}/lti/login`,
        launchUrl: `${publicUrl}/lti/launch`,
      });
      lms.setToolJwksUrl(`${publicUrl}/lti/keys`);
    }, 240_000);

    afterAll(async () => {
      await Promise.all(processes.map((tool) => tool.stop('SIGKILL')));
      await Promise.all([nginx?.close(), lms?.close()]);
      await storage?.drop();
      if (certificates) await rm(certificates, { recursive: true, force: true });
    });

    it('launches learners whose login and id_token reach different processes', async () => {
      for (const learner of ['learner-1', 'learner-2', 'learner-3', 'learner-4']) {
        const { result } = await launch(learner, 'learner');
        expect(result.response.status, result.text.slice(0, 300)).toBe(200);
      }
      const requests = await nginx.requests();
      const logins = requests.filter((request) => request.path === '/lti/login');
      const launches = requests.filter((request) => request.path === '/lti/launch');
      expect(launches).toHaveLength(logins.length);
      const isSplit = logins.some(
        (login, index) => login.upstreams[0] !== launches[index]?.upstreams[0],
      );
      expect(isSplit).toBe(true);
    });

    it("takes a teacher's 3 MB H5P package and plays it on the content host, apart from the tool", async () => {
      const { browser: teacher, result } = await launch('teacher-1', 'teacher');
      expect(result.response.status).toBe(200);
      const large = await h5pOf('true-false', {
        'content/images/field.jpg': randomBytes(3 * 1024 * 1024),
      });
      expect(large.length).toBeGreaterThan(3 * 1024 * 1024);

      const { response } = await teacher.request(`${publicUrl}/api/h5p/packages`, {
        method: 'POST',
        headers: { 'content-type': 'application/zip' },
        body: large,
      });
      expect(response.status).toBe(201);
      const { package: imported } = (await response.json()) as { package: { playerUrl: string } };
      expect(imported.playerUrl.startsWith(`${contentUrl}/content/h5p/`)).toBe(true);
      expect((await fetch(imported.playerUrl)).status).toBe(200);
      // The tool's pages and LRS are not served on the content host, nor its content on the tool's.
      expect((await fetch(`${contentUrl}/xapi/about`)).status).toBe(404);
      expect((await fetch(imported.playerUrl.replace(contentUrl, publicUrl))).status).toBe(404);
    });

    it('answers through nginx when every response names 150 registered LMSs in its frame-ancestors policy', async () => {
      const origins = Array.from(
        { length: 150 },
        (_, index) => `https://moodle-${index + 1}.campus-hosting.example.org`,
      );
      for (let first = 0; first < origins.length; first += 10) {
        await Promise.all(
          origins.slice(first, first + 10).map(async (issuer, index) => {
            const registered = await fetch(`${publicUrl}/api/admin/platforms`, {
              method: 'POST',
              headers: {
                authorization: `Bearer ${adminToken}`,
                'content-type': 'application/json',
              },
              body: JSON.stringify({
                issuer,
                clientId: `microcred-${first + index}`,
                deploymentId: '1',
                authUrl: `${issuer}/mod/lti/auth.php`,
                tokenUrl: `${issuer}/mod/lti/token.php`,
                jwksUrl: `${issuer}/mod/lti/certs.php`,
                awardingBody: 'Campus Hosting',
              }),
            });
            expect(registered.status, await registered.text()).toBe(201);
          }),
        );
      }
      // Both processes, whichever answers (each learns of the registrations within a second).
      const policies: string[] = [];
      for (let attempt = 0; attempt < 50 && policies.length < 4; attempt += 1) {
        const response = await fetch(`${publicUrl}/health/live`);
        expect(response.status).toBe(200);
        const policy = response.headers.get('content-security-policy') ?? '';
        if (policy.includes(origins.at(-1)!)) policies.push(policy);
        else await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(policies).toHaveLength(4);
      // More than nginx takes in response headers unless told (one 4 KB memory page).
      expect(policies[0]!.length).toBeGreaterThan(4096);
    });

    it('keeps the metrics of each process off the public side', async () => {
      expect((await fetch(`${publicUrl}/metrics`)).status).toBe(404);
      expect((await fetch(`${processes[0]!.url}/metrics`)).status).toBe(200);
    });

    describe('when one process is killed with SIGKILL while statements arrive', () => {
      const acknowledged = new Set<string>();
      let killedAt = 0;

      beforeAll(async () => {
        const database = await openDatabase(storage);
        let authorization = '';
        try {
          await createXapiCredentialsCommand({
            db: database.db,
            name: 'LMS logstore',
            platformId: lms.issuer,
            publicUrl,
            out: (line) => {
              const { key, secret } = JSON.parse(line) as { key: string; secret: string };
              authorization = `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
            },
          });
        } finally {
          await database.close();
        }
        const post = (statement: object) =>
          fetch(`${publicUrl}/xapi/statements`, {
            method: 'POST',
            headers: {
              authorization,
              'content-type': 'application/json',
              'x-experience-api-version': '2.0.0',
            },
            body: JSON.stringify(statement),
          }).then(
            async (response) => (await response.arrayBuffer(), response.ok),
            () => false,
          );
        let stopAt = Infinity;
        await Promise.all(
          Array.from({ length: CLIENTS }, async (_, client) => {
            for (let round = 0; Date.now() < stopAt; round += 1) {
              const statement = {
                id: randomUUID(),
                actor: { account: { homePage: lms.issuer, name: `learner-${client + 1}` } },
                verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
                object: { id: `https://courses.example.org/soil/q${round % 10}` },
              };
              // A statement whose answer was lost is sent again with the same id.
              for (let attempt = 0; attempt < 10; attempt += 1) {
                if (await post(statement)) {
                  acknowledged.add(statement.id);
                  break;
                }
              }
              if (killedAt === 0 && acknowledged.size >= 40) {
                killedAt = Date.now();
                stopAt = killedAt + 3_000;
                void processes[0]!.stop('SIGKILL');
              }
            }
          }),
        );
      }, 120_000);

      it('stores every acknowledged statement exactly once', async () => {
        const database = await openDatabase(storage);
        try {
          const stored = await database.db
            .select({ id: statements.id })
            .from(statements)
            .where(inArray(statements.id, [...acknowledged]));
          expect(acknowledged.size).toBeGreaterThan(40);
          expect(stored).toHaveLength(acknowledged.size);
        } finally {
          await database.close();
        }
      });

      it('passes every later request to the process that lives', async () => {
        const { result } = await launch('learner-after-the-kill', 'learner');
        expect(result.response.status).toBe(200);
        const dead = upstreamOf(processes[0]!);
        const answeredAfter = (await nginx.requests()).slice(-20);
        expect(answeredAfter.every((request) => request.status < 500)).toBe(true);
        expect(answeredAfter.every((request) => request.upstreams.at(-1) !== dead)).toBe(true);
      });
    });
  },
);

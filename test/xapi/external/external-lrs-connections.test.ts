import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  xapiExternalAdd,
  xapiExternalList,
  xapiExternalRemove,
} from '../../../src/cli/xapi-external.js';
import { decryptText } from '../../../src/db/encryption.js';
import { courses, externalLrsConnections } from '../../../src/db/schema.js';
import { buildPlatform } from '../xapi-factories.js';
import { startToolWithLearner, TOOL_SECRET, type ToolWithLearner } from './external-lrs-world.js';

const SECRET = 'external-lrs-basic-secret-do-not-show';

describe('external LRS connections (xapi/external/external-lrs-connections.ts)', () => {
  let world: ToolWithLearner;

  beforeAll(async () => {
    world = await startToolWithLearner();
  });
  afterAll(async () => {
    await world?.close();
  });

  function connection(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      platformId: world.platform.id,
      endpoint: 'https://lrs.example.org/xapi',
      key: 'tool-key',
      secret: SECRET,
      direction: 'both',
      ...overrides,
    };
  }

  async function expectRefusal(response: Response, status: number, code: string) {
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    return body.error.message;
  }

  describe('the admin JSON API, /api/admin/external-lrs', () => {
    it('adds a connection and shows its endpoint and key, never its secret', async () => {
      const response = await world.admin('POST', '/api/admin/external-lrs', connection());
      expect(response.status).toBe(201);
      const text = await response.text();
      expect(text).not.toContain(SECRET);
      expect(JSON.parse(text)).toMatchObject({
        externalLrs: {
          platformId: world.platform.id,
          courseId: null,
          endpoint: 'https://lrs.example.org/xapi/',
          key: 'tool-key',
          direction: 'both',
          xapiVersion: '2.0.0',
          isActive: true,
          pull: { since: null, isFollowingMore: false, lastPulledAt: null, lastError: null },
          lastForwardError: null,
        },
      });

      const listed = await world.admin('GET', '/api/admin/external-lrs');
      expect(listed.status).toBe(200);
      const listedText = await listed.text();
      expect(listedText).not.toContain(SECRET);
      expect(JSON.parse(listedText)).toMatchObject({
        externalLrs: expect.arrayContaining([expect.objectContaining({ key: 'tool-key' })]),
      });
    });

    it('stores the secret only encrypted with the tool secret', async () => {
      const response = await world.admin('POST', '/api/admin/external-lrs', connection());
      const { id } = ((await response.json()) as { externalLrs: { id: string } }).externalLrs;
      const [row] = await world.db
        .select()
        .from(externalLrsConnections)
        .where(eq(externalLrsConnections.id, id));
      expect(row?.basicSecretEncrypted).not.toContain(SECRET);
      expect(decryptText(row?.basicSecretEncrypted ?? '', TOOL_SECRET)).toBe(SECRET);
    });

    it('narrows a connection to a course of its platform, with xAPI 1.0.3 and a start instant', async () => {
      const [course] = await world.db
        .insert(courses)
        .values({ platformId: world.platform.id, contextId: `course-${randomUUID()}` })
        .returning({ id: courses.id });
      const response = await world.admin(
        'POST',
        '/api/admin/external-lrs',
        connection({
          courseId: course?.id,
          xapiVersion: '1.0.3',
          direction: 'pull',
          since: '2026-01-01T00:00:00Z',
        }),
      );
      expect(response.status).toBe(201);
      expect(await response.json()).toMatchObject({
        externalLrs: {
          courseId: course?.id,
          xapiVersion: '1.0.3',
          pull: { since: '2026-01-01T00:00:00Z' },
          lastForwardError: null,
        },
      });
    });

    it('pauses and resumes a connection', async () => {
      const created = await world.admin('POST', '/api/admin/external-lrs', connection());
      const { id } = ((await created.json()) as { externalLrs: { id: string } }).externalLrs;
      const paused = await world.admin('PATCH', `/api/admin/external-lrs/${id}`, {
        isActive: false,
      });
      expect(paused.status).toBe(200);
      expect(await paused.json()).toMatchObject({ externalLrs: { id, isActive: false } });
      const resumed = await world.admin('PATCH', `/api/admin/external-lrs/${id}`, {
        isActive: true,
      });
      expect(await resumed.json()).toMatchObject({ externalLrs: { id, isActive: true } });
    });

    it('removes a connection', async () => {
      const created = await world.admin('POST', '/api/admin/external-lrs', connection());
      const { id } = ((await created.json()) as { externalLrs: { id: string } }).externalLrs;
      expect((await world.admin('DELETE', `/api/admin/external-lrs/${id}`)).status).toBe(204);
      const listed = (await (await world.admin('GET', '/api/admin/external-lrs')).json()) as {
        externalLrs: { id: string }[];
      };
      expect(listed.externalLrs.map((item) => item.id)).not.toContain(id);
    });

    describe('refusals', () => {
      it.each([
        ['not a URL', 'lrs.example.org/xapi', 'must be an http(s) URL'],
        ['another scheme', 'ftp://lrs.example.org/xapi', 'not ftp'],
        ['credentials in the URL', 'https://key:secret@lrs.example.org/xapi', 'credentials'],
        ['a query', 'https://lrs.example.org/xapi?tenant=1', 'query'],
      ])('answers 400 to an endpoint that is %s', async (_case, endpoint, problem) => {
        const response = await world.admin(
          'POST',
          '/api/admin/external-lrs',
          connection({ endpoint }),
        );
        const message = await expectRefusal(response, 400, 'BAD_REQUEST');
        expect(message).toMatch(/^endpoint /);
        expect(message).toContain(problem);
      });

      it.each([
        ['an unknown direction', { direction: 'sideways' }, /^direction /],
        ['an unsupported xAPI version', { xapiVersion: '1.0.2' }, /^xapiVersion /],
        ['a key with a colon', { key: 'a:b' }, /^key /],
        ['no secret', { secret: '' }, /^secret /],
        ['a since that is no timestamp', { since: 'yesterday' }, /^since /],
        ['an unknown property', { password: SECRET }, /password/],
        ['an unknown platform', { platformId: randomUUID() }, /^platformId .* no registered/],
      ])('answers 400 to %s', async (_case, overrides, message) => {
        const response = await world.admin(
          'POST',
          '/api/admin/external-lrs',
          connection(overrides),
        );
        expect(await expectRefusal(response, 400, 'BAD_REQUEST')).toMatch(message);
      });

      it('answers 400 to a course of another platform', async () => {
        const other = await buildPlatform(world.db);
        const [course] = await world.db
          .insert(courses)
          .values({ platformId: other.id, contextId: 'elsewhere' })
          .returning({ id: courses.id });
        const response = await world.admin(
          'POST',
          '/api/admin/external-lrs',
          connection({ courseId: course?.id }),
        );
        expect(await expectRefusal(response, 400, 'BAD_REQUEST')).toMatch(/^courseId /);
      });

      it('answers 401 without the admin token', async () => {
        const response = await fetch(`${world.tool.url}/api/admin/external-lrs`);
        await expectRefusal(response, 401, 'UNAUTHORIZED');
      });

      it('answers 400 to a change other than isActive, and 404 to an unknown connection', async () => {
        const created = await world.admin('POST', '/api/admin/external-lrs', connection());
        const { id } = ((await created.json()) as { externalLrs: { id: string } }).externalLrs;
        await expectRefusal(
          await world.admin('PATCH', `/api/admin/external-lrs/${id}`, { endpoint: 'x' }),
          400,
          'BAD_REQUEST',
        );
        await expectRefusal(
          await world.admin('PATCH', `/api/admin/external-lrs/${randomUUID()}`, {
            isActive: false,
          }),
          404,
          'NOT_FOUND',
        );
        await expectRefusal(
          await world.admin('DELETE', '/api/admin/external-lrs/not-an-id'),
          404,
          'NOT_FOUND',
        );
      });
    });
  });

  describe('microcred xapi external add|list|remove', () => {
    async function run(
      command: typeof xapiExternalAdd | typeof xapiExternalRemove,
      args: string[],
      secret = SECRET,
    ): Promise<string> {
      const lines: string[] = [];
      await command(
        { db: world.db, secret: TOOL_SECRET, out: (line) => lines.push(line) },
        args,
        async () => secret,
      );
      return lines.join('\n');
    }

    const addArgs = () => [
      '--platform',
      world.platform.id,
      '--endpoint',
      'https://cli-lrs.example.org/xapi/',
      '--key',
      'cli-key',
      '--direction',
      'forward',
    ];

    it('adds a connection with the secret from standard input, and prints no secret', async () => {
      const printed = await run(xapiExternalAdd, [...addArgs(), '--inactive']);
      expect(printed).not.toContain(SECRET);
      expect(JSON.parse(printed)).toMatchObject({
        endpoint: 'https://cli-lrs.example.org/xapi/',
        key: 'cli-key',
        direction: 'forward',
        isActive: false,
        pull: null,
      });
    });

    it('lists the connections without their secrets', async () => {
      await run(xapiExternalAdd, addArgs());
      const lines: string[] = [];
      await xapiExternalList({ db: world.db, out: (line) => lines.push(line) });
      expect(lines.join('\n')).not.toContain(SECRET);
      expect(JSON.parse(lines.join('\n'))).toEqual(
        expect.arrayContaining([expect.objectContaining({ key: 'cli-key' })]),
      );
    });

    it('removes a connection by id', async () => {
      const { id } = JSON.parse(await run(xapiExternalAdd, addArgs())) as { id: string };
      expect(JSON.parse(await run(xapiExternalRemove, ['--id', id]))).toEqual({ removed: id });
      await expect(run(xapiExternalRemove, ['--id', id])).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });

    it('refuses an endpoint that is not an http(s) URL', async () => {
      const args = addArgs();
      args[3] = 'file:///etc/passwd';
      await expect(run(xapiExternalAdd, args)).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringMatching(/^endpoint must be an http\(s\) URL/),
      });
    });

    it('refuses to add a connection without a secret on standard input', async () => {
      await expect(run(xapiExternalAdd, addArgs(), '')).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringContaining('standard input'),
      });
    });

    it('refuses to add a connection without a direction', async () => {
      await expect(run(xapiExternalAdd, addArgs().slice(0, 6))).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringContaining('--direction is required'),
      });
    });
  });
});

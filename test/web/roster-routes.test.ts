import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { courses, rosterMembers } from '../../src/db/schema.js';
import { createBrowser, type Browser } from '../support/http-client.js';
import {
  LTI_CLAIMS,
  LTI_ROLES,
  MEDIA_TYPES,
  type TestLms,
  type TestMember,
} from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';

interface RosterAnswer {
  fetchedAt: string;
  members: {
    userId: string;
    name: string | null;
    email: string | null;
    status: string;
    role: string;
    roles: string[];
  }[];
}

const PAGE_SIZE = 3;

/** Seven learners: with the teacher who launches, eight members, three pages of three. */
function learners(prefix: string): TestMember[] {
  return Array.from({ length: 7 }, (_, index) => ({
    user: {
      id: `${prefix}-learner-${index + 1}`,
      name: `Learner ${index + 1}`,
      email: `learner${index + 1}@${prefix}.test`,
    },
    roles: [LTI_ROLES.learner],
  }));
}

describe('GET /api/roster: the course roster for teachers (LTI NRPS 2.0)', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
    lms.setMembershipPageSize(PAGE_SIZE);
  });
  afterAll(() => close?.());

  /** A course of seven learners on the LMS, and its teacher's browser after a launch. */
  async function courseWithTeacher(contextId: string, claims?: Record<string, unknown>) {
    lms.addMembers(contextId, learners(contextId));
    const teacher = createBrowser();
    const launch = await lms.launch({
      browser: teacher,
      user: { id: `${contextId}-teacher`, name: 'Grace Hopper' },
      roles: [LTI_ROLES.instructor],
      context: { id: contextId },
      ...(claims && { claims }),
    });
    expect(launch.finalUrl).toBe(`${tool.url}/course`);
    return teacher;
  }

  async function getRoster(browser: Browser, query = '') {
    const { response } = await browser.request(`${tool.url}/api/roster${query}`);
    return { status: response.status, body: (await response.json()) as RosterAnswer };
  }

  function requestsFor(contextId: string): string[] {
    return lms.membershipRequests.filter((url) => url.includes(`/contexts/${contextId}/`));
  }

  it('lists every member of a roster of 3 pages, in the platform order', async () => {
    const teacher = await courseWithTeacher('paged');

    const { status, body } = await getRoster(teacher);

    expect(status).toBe(200);
    expect(body.members.map((member) => member.userId)).toEqual([
      ...learners('paged').map((member) => member.user.id),
      'paged-teacher',
    ]);
    expect(body.members[0]).toEqual({
      userId: 'paged-learner-1',
      name: 'Learner 1',
      email: 'learner1@paged.test',
      status: 'Active',
      role: 'learner',
      roles: [LTI_ROLES.learner],
    });
    expect(body.members[7]).toMatchObject({ name: 'Grace Hopper', role: 'teacher' });
    const pages = requestsFor('paged').map((url) => new URL(url).searchParams.get('page'));
    expect(pages).toEqual([null, '2', '3']);
  });

  it('serves the cached roster again without asking the platform', async () => {
    const teacher = await courseWithTeacher('cached');
    const first = await getRoster(teacher);
    lms.removeMembers('cached', ['cached-learner-1']);

    const second = await getRoster(teacher);

    expect(second.body).toEqual(first.body);
    expect(requestsFor('cached')).toHaveLength(3);
  });

  it('fetches the roster again once the cached one is older than 15 minutes', async () => {
    const teacher = await courseWithTeacher('stale');
    await getRoster(teacher);
    lms.removeMembers('stale', ['stale-learner-1']);
    const db = tool.current().database.db;
    const [course] = await db.select().from(courses).where(eq(courses.contextId, 'stale'));
    await db
      .update(rosterMembers)
      .set({ fetchedAt: new Date(Date.now() - 16 * 60 * 1000) })
      .where(eq(rosterMembers.courseId, course?.id ?? ''));

    const { body } = await getRoster(teacher);

    expect(body.members.map((member) => member.userId)).not.toContain('stale-learner-1');
    expect(body.members).toHaveLength(7);
    expect(requestsFor('stale')).toHaveLength(6);
  });

  it('replaces the cached roster with the platform one on ?refresh=1', async () => {
    const teacher = await courseWithTeacher('refreshed');
    const first = await getRoster(teacher);
    lms.removeMembers('refreshed', ['refreshed-learner-2']);
    lms.addMembers('refreshed', [
      {
        user: { id: 'refreshed-learner-1', name: 'Learner One, renamed' },
        roles: [LTI_ROLES.learner],
        status: 'Inactive',
      },
      {
        user: { id: 'refreshed-newcomer', name: 'Newcomer' },
        roles: [LTI_ROLES.teachingAssistant],
      },
    ]);

    const { status, body } = await getRoster(teacher, '?refresh=1');

    expect(status).toBe(200);
    expect(Date.parse(body.fetchedAt)).toBeGreaterThanOrEqual(Date.parse(first.body.fetchedAt));
    expect(body.members.map((member) => member.userId)).toEqual([
      'refreshed-learner-1',
      ...learners('refreshed')
        .slice(2)
        .map((member) => member.user.id),
      'refreshed-teacher',
      'refreshed-newcomer',
    ]);
    expect(body.members[0]).toMatchObject({ name: 'Learner One, renamed', status: 'Inactive' });
    expect(body.members.at(-1)).toMatchObject({ name: 'Newcomer', role: 'teacher' });
    const cached = await getRoster(teacher);
    expect(cached.body).toEqual(body);
    const db = tool.current().database.db;
    const rows = await db
      .select({ userSub: rosterMembers.userSub })
      .from(rosterMembers)
      .innerJoin(courses, eq(courses.id, rosterMembers.courseId))
      .where(eq(courses.contextId, 'refreshed'));
    expect(rows).toHaveLength(8);
  });

  it('keeps the membership service of the course when a later launch carries no NRPS claim', async () => {
    const teacher = await courseWithTeacher('kept');
    await lms.launch({
      browser: teacher,
      user: { id: 'kept-teacher', name: 'Grace Hopper' },
      roles: [LTI_ROLES.instructor],
      context: { id: 'kept' },
      claims: { [LTI_CLAIMS.namesRoleService]: undefined },
    });

    const { status, body } = await getRoster(teacher);

    expect(status).toBe(200);
    expect(body.members).toHaveLength(8);
  });

  describe('refusals', () => {
    /** Asks for the roster as a teacher of `contextId` whose launch names `membershipsUrl` for NRPS. */
    async function rosterServedBy(contextId: string, membershipsUrl: string) {
      const teacher = await courseWithTeacher(contextId, {
        [LTI_CLAIMS.namesRoleService]: {
          context_memberships_url: membershipsUrl,
          service_versions: ['2.0'],
        },
      });
      const { response } = await teacher.request(`${tool.url}/api/roster`);
      return response;
    }

    it('refuses a learner with 403 FORBIDDEN', async () => {
      const learner = createBrowser();
      await lms.launch({
        browser: learner,
        user: { id: 'curious-learner' },
        roles: [LTI_ROLES.learner],
        context: { id: 'learner-course' },
      });

      const { response } = await learner.request(`${tool.url}/api/roster`);

      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
      expect(requestsFor('learner-course')).toHaveLength(0);
    });

    it('refuses a request without a launch session with 401 SESSION_REQUIRED', async () => {
      const response = await fetch(`${tool.url}/api/roster`);

      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'SESSION_REQUIRED' } });
    });

    it('answers 409 NRPS_NOT_GRANTED for a course launched without the NRPS claim', async () => {
      const teacher = await courseWithTeacher('no-nrps', {
        [LTI_CLAIMS.namesRoleService]: undefined,
      });

      const { response } = await teacher.request(`${tool.url}/api/roster`);

      expect(response.status).toBe(409);
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('NRPS_NOT_GRANTED');
      expect(error.message).toContain('did not grant microcred access to the course roster');
      expect(requestsFor('no-nrps')).toHaveLength(0);
    });

    it('answers 502 NRPS_PLATFORM_ERROR when the platform refuses the roster request', async () => {
      const response = await rosterServedBy('gone', `${lms.issuer}/contexts/gone/no-such-service`);

      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({
        error: { code: 'NRPS_PLATFORM_ERROR', message: expect.stringContaining('HTTP 404') },
      });
    });

    it('never sends the access token to a next page on another site', async () => {
      const foreignNext = `${lms.issuer}/contexts/elsewhere/memberships?page=2`;
      const membershipService = await serve((_req, res) => {
        res.setHeader('content-type', MEDIA_TYPES.membershipContainer);
        res.setHeader('link', `<${foreignNext}>; rel="next"`);
        res.end(JSON.stringify({ members: [{ user_id: 'someone', roles: [LTI_ROLES.learner] }] }));
      });
      try {
        const response = await rosterServedBy('foreign', `${membershipService.url}/memberships`);

        expect(response.status).toBe(502);
        expect(await response.json()).toMatchObject({ error: { code: 'NRPS_PLATFORM_ERROR' } });
        expect(membershipService.requests).toHaveLength(1);
        expect(requestsFor('elsewhere')).toHaveLength(0);
      } finally {
        await membershipService.close();
      }
    });

    it('stops with 502 NRPS_PLATFORM_ERROR when next links lead back to a page already read', async () => {
      const membershipService = await serve((req, res) => {
        res.setHeader('content-type', MEDIA_TYPES.membershipContainer);
        res.setHeader('link', '</memberships?page=1>; rel="next"');
        res.end(JSON.stringify({ members: [{ user_id: req.url, roles: [LTI_ROLES.learner] }] }));
      });
      try {
        const response = await rosterServedBy('looping', `${membershipService.url}/memberships`);

        expect(response.status).toBe(502);
        expect(await response.json()).toMatchObject({ error: { code: 'NRPS_PLATFORM_ERROR' } });
        expect(membershipService.requests).toEqual(['/memberships', '/memberships?page=1']);
      } finally {
        await membershipService.close();
      }
    });

    it('answers 502 NRPS_PLATFORM_ERROR for a member without a user_id, and keeps no roster', async () => {
      const membershipService = await serve((_req, res) => {
        res.setHeader('content-type', MEDIA_TYPES.membershipContainer);
        res.end(JSON.stringify({ members: [{ name: 'Nobody', roles: [LTI_ROLES.learner] }] }));
      });
      try {
        const response = await rosterServedBy('malformed', `${membershipService.url}/memberships`);

        expect(response.status).toBe(502);
        expect(await response.json()).toMatchObject({
          error: { code: 'NRPS_PLATFORM_ERROR', message: expect.stringContaining('user_id') },
        });
        const db = tool.current().database.db;
        const rows = await db
          .select()
          .from(rosterMembers)
          .innerJoin(courses, eq(courses.id, rosterMembers.courseId))
          .where(eq(courses.contextId, 'malformed'));
        expect(rows).toHaveLength(0);
      } finally {
        await membershipService.close();
      }
    });

    it('answers 502 NRPS_PLATFORM_ERROR, the same as for an LMS that does not answer, for a membership service at an address that is not allowed', async () => {
      // 127.0.0.2 is loopback, but the test tool may fetch from 127.0.0.1 only.
      const membershipService = await serve((_req, res) => {
        res.setHeader('content-type', MEDIA_TYPES.membershipContainer);
        res.end(JSON.stringify({ members: [{ user_id: 'someone', roles: [LTI_ROLES.learner] }] }));
      }, '127.0.0.2');
      const closedPort = (await serve(() => {})).closeNow();
      try {
        const refused = await rosterServedBy('not-allowed', `${membershipService.url}/memberships`);
        const unanswered = await rosterServedBy(
          'not-answering',
          `http://127.0.0.1:${await closedPort}/memberships`,
        );

        expect(refused.status).toBe(502);
        type Answer = { error: { code: string; message: string } };
        const { error } = (await refused.json()) as Answer;
        const { error: unansweredError } = (await unanswered.json()) as Answer;
        expect([unansweredError.code, unansweredError.message]).toEqual([
          error.code,
          error.message,
        ]);
        expect(error.code).toBe('NRPS_PLATFORM_ERROR');
        expect(error.message).not.toContain('127.0.0.2');
        expect(membershipService.requests).toEqual([]);
      } finally {
        await membershipService.close();
      }
    });

    it('refuses a refresh value other than 1 or 0 with 400 BAD_REQUEST', async () => {
      const teacher = await courseWithTeacher('bad-refresh');

      const { response } = await teacher.request(`${tool.url}/api/roster?refresh=yes-please`);

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    });
  });
});

/** A bare HTTP server on `host` (127.0.0.1) that records the URLs it was asked for. */
async function serve(
  handler: Parameters<typeof createServer>[1] & {},
  host = '127.0.0.1',
): Promise<{
  url: string;
  requests: string[];
  close(): Promise<void>;
  /** Closes the server and resolves with the port it listened on, where nothing listens now. */
  closeNow(): Promise<number>;
}> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    url: `http://${host}:${port}`,
    requests,
    close,
    closeNow: () => close().then(() => port),
  };
}

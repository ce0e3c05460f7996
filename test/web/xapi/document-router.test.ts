import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LrsWithCredential,
  startLrsWithCredential,
  xapiRequest,
} from '../../xapi/lrs-test-server.js';

const ACTIVITY = 'https://content.example.org/quiz-1';
const AGENT = JSON.stringify({ mbox: 'mailto:ann@example.org' });
const REGISTRATION = '6f1c8a2e-8d0c-4a55-9d3b-2a1f0e7c9b11';

describe('document resources (xAPI Communication 2.2 to 2.7, concurrency 3.1)', () => {
  let lrs: LrsWithCredential;
  let counter = 0;

  beforeAll(async () => {
    lrs = await startLrsWithCredential();
  });
  afterAll(() => lrs.close());

  function request(path: string, options: Parameters<typeof xapiRequest>[3] = {}) {
    return xapiRequest(lrs.baseUrl, lrs.authorization, path, options);
  }

  /** A state path for a fresh stateId (unless given), in its own registration when asked. */
  function statePath(parameters: Record<string, string> = {}) {
    counter += 1;
    return `/activities/state?${new URLSearchParams({
      activityId: ACTIVITY,
      agent: AGENT,
      stateId: `state-${counter}`,
      ...parameters,
    }).toString()}`;
  }

  function profilePath() {
    counter += 1;
    return `/activities/profile?${new URLSearchParams({
      activityId: ACTIVITY,
      profileId: `profile-${counter}`,
    }).toString()}`;
  }

  it('returns a stored document with its content type, a quoted SHA-1 ETag and Last-Modified', async () => {
    const path = statePath();
    expect((await request(path, { method: 'PUT', body: { page: 1 } })).status).toBe(204);
    const response = await request(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]{40}"$/);
    expect(response.headers.get('last-modified')).not.toBeNull();
    expect(await response.json()).toEqual({ page: 1 });
  });

  it('merges JSON objects one level deep on POST', async () => {
    const path = statePath();
    await request(path, { method: 'POST', body: { a: 1, nested: { x: 1 } } });
    await request(path, { method: 'POST', body: { b: 2, nested: { y: 2 } } });
    expect(await (await request(path)).json()).toEqual({ a: 1, b: 2, nested: { y: 2 } });
  });

  it('refuses with 400 a POST merge when the stored document is not JSON', async () => {
    const path = statePath();
    await request(path, {
      method: 'PUT',
      body: 'plain words',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect((await request(path, { method: 'POST', body: { a: 1 } })).status).toBe(400);
  });

  it('keeps documents of different registrations apart', async () => {
    const path = statePath({ registration: REGISTRATION, stateId: 'shared-id' });
    await request(path, { method: 'PUT', body: { in: 'registration' } });
    const without = statePath({ stateId: 'shared-id' });
    expect((await request(without)).status).toBe(404);
  });

  it('lists state ids, only those updated after since when given', async () => {
    const agent = JSON.stringify({ mbox: `mailto:list-${Date.now()}@example.org` });
    const first = statePath({ agent });
    await request(first, { method: 'PUT', body: { n: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const since = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await request(statePath({ agent, stateId: 'later' }), { method: 'PUT', body: { n: 2 } });
    const list = `/activities/state?${new URLSearchParams({ activityId: ACTIVITY, agent }).toString()}`;
    const all = (await (await request(list)).json()) as string[];
    expect(all).toHaveLength(2);
    expect(await (await request(`${list}&since=${encodeURIComponent(since)}`)).json()).toEqual([
      'later',
    ]);
  });

  it('deletes every state document of an agent and activity when no stateId is given', async () => {
    const agent = JSON.stringify({ mbox: `mailto:delete-${Date.now()}@example.org` });
    await request(statePath({ agent }), { method: 'PUT', body: { n: 1 } });
    await request(statePath({ agent, registration: REGISTRATION }), {
      method: 'PUT',
      body: { n: 2 },
    });
    const all = `/activities/state?${new URLSearchParams({ activityId: ACTIVITY, agent }).toString()}`;
    expect((await request(all, { method: 'DELETE' })).status).toBe(204);
    expect(await (await request(all)).json()).toEqual([]);
    expect(await (await request(`${all}&registration=${REGISTRATION}`)).json()).toEqual([]);
  });

  describe('concurrency (xAPI Communication 3.1)', () => {
    it('replaces a document whose ETag matches If-Match', async () => {
      const path = profilePath();
      await request(path, { method: 'PUT', body: { v: 1 }, headers: { 'If-None-Match': '*' } });
      const etag = (await request(path)).headers.get('etag') ?? '';
      const response = await request(path, {
        method: 'PUT',
        body: { v: 2 },
        headers: { 'If-Match': etag },
      });
      expect(response.status).toBe(204);
      expect(await (await request(path)).json()).toEqual({ v: 2 });
    });

    it('refuses with 412 a PUT whose If-Match names another ETag, and keeps the document', async () => {
      const path = profilePath();
      await request(path, { method: 'PUT', body: { v: 1 }, headers: { 'If-None-Match': '*' } });
      const response = await request(path, {
        method: 'PUT',
        body: { v: 2 },
        headers: { 'If-Match': '"0000000000000000000000000000000000000000"' },
      });
      expect(response.status).toBe(412);
      expect(await (await request(path)).json()).toEqual({ v: 1 });
    });

    it('refuses with 412 If-None-Match: * when the document exists', async () => {
      const path = profilePath();
      await request(path, { method: 'PUT', body: { v: 1 }, headers: { 'If-None-Match': '*' } });
      const response = await request(path, {
        method: 'PUT',
        body: { v: 2 },
        headers: { 'If-None-Match': '*' },
      });
      expect(response.status).toBe(412);
    });

    it('refuses with 409 a PUT without either header over an existing document', async () => {
      const path = statePath();
      await request(path, { method: 'PUT', body: { v: 1 } });
      const response = await request(path, { method: 'PUT', body: { v: 2 } });
      expect(response.status).toBe(409);
      expect(await (await request(path)).json()).toEqual({ v: 1 });
    });

    it('merges every one of POSTs sent at the same moment to a document not stored yet', async () => {
      const path = statePath();
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          request(path, { method: 'POST', body: { [`page${index}`]: index } }),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(204));
      expect(Object.keys((await (await request(path)).json()) as object).sort()).toEqual(
        Array.from({ length: 8 }, (_, index) => `page${index}`),
      );
    });

    it('creates a document once when PUTs with If-None-Match: * arrive at the same moment', async () => {
      const path = statePath();
      const answers = await Promise.all(
        [1, 2, 3, 4].map((page) =>
          request(path, { method: 'PUT', body: { page }, headers: { 'If-None-Match': '*' } }),
        ),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([204, 412, 412, 412]);
    });

    it('refuses with 412 a DELETE whose If-Match names another ETag', async () => {
      const path = profilePath();
      await request(path, { method: 'PUT', body: { v: 1 }, headers: { 'If-None-Match': '*' } });
      const response = await request(path, {
        method: 'DELETE',
        headers: { 'If-Match': '"nope"' },
      });
      expect(response.status).toBe(412);
      expect((await request(path)).status).toBe(200);
    });
  });

  describe('refusals', () => {
    it('answers 400 to a state request without activityId', async () => {
      const path = `/activities/state?${new URLSearchParams({ agent: AGENT, stateId: 'x' }).toString()}`;
      expect((await request(path)).status).toBe(400);
    });

    it('answers 400 to an agent that is not JSON', async () => {
      const path = `/activities/state?${new URLSearchParams({ activityId: ACTIVITY, agent: 'ann', stateId: 'x' }).toString()}`;
      expect((await request(path)).status).toBe(400);
    });

    it('answers 400 to an invalid JSON document sent as application/json', async () => {
      const response = await request(statePath(), {
        method: 'POST',
        body: '{"a": ',
        headers: { 'Content-Type': 'application/json' },
      });
      expect(response.status).toBe(400);
    });
  });

  describe('Agents and Activities Resources (xAPI Communication 2.4, 2.5)', () => {
    it('returns a Person with arrays of the agent’s name and identifier', async () => {
      const agent = encodeURIComponent(
        JSON.stringify({ name: 'Ann', mbox: 'mailto:ann@example.org' }),
      );
      const response = await request(`/agents?agent=${agent}`);
      expect(await response.json()).toEqual({
        objectType: 'Person',
        name: ['Ann'],
        mbox: ['mailto:ann@example.org'],
      });
    });

    it('returns an Activity with the definitions statements gave it, combined', async () => {
      const id = `https://content.example.org/defined-${Date.now()}`;
      const statement = (definition: Record<string, unknown>) => ({
        actor: { mbox: 'mailto:ann@example.org' },
        verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
        object: { id, definition },
      });
      await request('/statements', {
        method: 'POST',
        body: [statement({ name: { en: 'Quiz' } }), statement({ name: { fr: 'Quiz FR' } })],
      });
      const response = await request(`/activities?activityId=${encodeURIComponent(id)}`);
      expect(await response.json()).toEqual({
        objectType: 'Activity',
        id,
        definition: { name: { en: 'Quiz', fr: 'Quiz FR' } },
      });
    });
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LrsWithCredential,
  startLrsWithCredential,
  xapiRequest,
} from '../../xapi/lrs-test-server.js';

describe('Alternate Request Syntax (xAPI 1.0.3 Communication 1.3), HEAD, CORS, Consistent-Through', () => {
  let lrs: LrsWithCredential;

  beforeAll(async () => {
    lrs = await startLrsWithCredential();
  });
  afterAll(() => lrs.close());

  const statement = () => ({
    actor: { mbox: 'mailto:ann@example.org' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
    object: { id: 'https://content.example.org/quiz' },
  });

  function postForm(method: string, form: Record<string, string>) {
    return fetch(`${lrs.baseUrl}/statements?method=${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  it('stores a statement PUT through a 1.0.3 form, headers and content in its fields', async () => {
    const statementId = randomUUID();
    const response = await postForm('PUT', {
      statementId,
      content: JSON.stringify(statement()),
      Authorization: lrs.authorization,
      'X-Experience-API-Version': '1.0.3',
    });
    expect(response.status).toBe(204);
    const read = await xapiRequest(
      lrs.baseUrl,
      lrs.authorization,
      `/statements?statementId=${statementId}`,
    );
    expect(read.status).toBe(200);
  });

  it('refuses with 400 the syntax in a 2.0 request, which removed it', async () => {
    const response = await postForm('PUT', {
      statementId: randomUUID(),
      content: JSON.stringify(statement()),
      Authorization: lrs.authorization,
      'X-Experience-API-Version': '2.0.0',
    });
    expect(response.status).toBe(400);
  });

  it('answers HEAD on the Statement Resource like GET, without a body', async () => {
    const response = await xapiRequest(lrs.baseUrl, lrs.authorization, '/statements', {
      method: 'HEAD',
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('sets X-Experience-API-Consistent-Through on statement responses, refusals included', async () => {
    const ok = await xapiRequest(lrs.baseUrl, lrs.authorization, '/statements');
    const refused = await xapiRequest(lrs.baseUrl, lrs.authorization, '/statements?limit=x');
    for (const response of [ok, refused]) {
      const through = response.headers.get('x-experience-api-consistent-through') ?? '';
      expect(Number.isNaN(Date.parse(through))).toBe(false);
    }
    expect(refused.status).toBe(400);
  });

  it('answers a CORS preflight from launched content without allowing credentials', async () => {
    const response = await fetch(`${lrs.baseUrl}/statements`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://content.example.org',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, x-experience-api-version',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toContain('Authorization');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

import { createHash, randomUUID } from 'node:crypto';
import { CompactSign, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMultipart, parseMultipart } from '../../src/xapi/multipart-mixed.js';
import { type LrsWithCredential, startLrsWithCredential, xapiRequest } from './lrs-test-server.js';

const SIGNATURE = 'http://adlnet.gov/expapi/attachments/signature';

describe('attachments and signed statements (xAPI Data 2.4.11, 2.6; Communication 1.5.2)', () => {
  let lrs: LrsWithCredential;

  beforeAll(async () => {
    lrs = await startLrsWithCredential();
  });
  afterAll(() => lrs.close());

  const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');

  function statement(attachments: Record<string, unknown>[] = []): Record<string, unknown> {
    return {
      id: randomUUID(),
      actor: { mbox: 'mailto:ann@example.org' },
      verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
      object: { id: 'https://content.example.org/essay' },
      ...(attachments.length > 0 ? { attachments } : {}),
    };
  }

  function attachmentFor(
    content: Buffer,
    contentType = 'text/plain',
    usageType = 'https://example.org/essay',
  ) {
    return {
      usageType,
      display: { en: 'Essay' },
      contentType,
      length: content.length,
      sha2: sha256(content),
    };
  }

  function postMultipart(
    json: unknown,
    parts: { content: Buffer; contentType: string; hash?: string }[],
  ) {
    const { body, contentType } = buildMultipart([
      { headers: { 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify(json)) },
      ...parts.map((part) => ({
        headers: {
          'Content-Type': part.contentType,
          'Content-Transfer-Encoding': 'binary',
          'X-Experience-API-Hash': part.hash ?? sha256(part.content),
        },
        body: part.content,
      })),
    ]);
    return xapiRequest(lrs.baseUrl, lrs.authorization, '/statements', {
      method: 'POST',
      body,
      headers: { 'Content-Type': contentType },
    });
  }

  /** Posts `sent` with a signature attachment: `payload` as a JWS signed with `alg` and `key`. */
  async function postSigned({
    sent,
    payload = sent,
    alg,
    key,
  }: {
    sent: Record<string, unknown>;
    payload?: Record<string, unknown>;
    alg: string;
    key: Parameters<CompactSign['sign']>[0];
  }) {
    const jws = await new CompactSign(Buffer.from(JSON.stringify(payload)))
      .setProtectedHeader({ alg })
      .sign(key);
    const content = Buffer.from(jws);
    const signed = {
      ...sent,
      attachments: [attachmentFor(content, 'application/octet-stream', SIGNATURE)],
    };
    return postMultipart(signed, [{ content, contentType: 'application/octet-stream' }]);
  }

  it('stores an attachment sent as multipart/mixed and returns it with attachments=true', async () => {
    const content = Buffer.from('My essay on sustainability.');
    const sent = statement([attachmentFor(content)]);
    expect((await postMultipart(sent, [{ content, contentType: 'text/plain' }])).status).toBe(200);
    const response = await xapiRequest(
      lrs.baseUrl,
      lrs.authorization,
      `/statements?statementId=${sent.id as string}&attachments=true`,
    );
    const contentType = response.headers.get('content-type') ?? '';
    expect(contentType).toMatch(/^multipart\/mixed/);
    const [json, attachment] = parseMultipart(
      Buffer.from(await response.arrayBuffer()),
      contentType,
    );
    expect(JSON.parse(json?.body.toString() ?? '{}')).toMatchObject({ id: sent.id });
    expect(attachment?.headers['x-experience-api-hash']).toBe(sha256(content));
    expect(attachment?.body.toString()).toBe(content.toString());
  });

  it('accepts an attachment with a fileUrl and no content', async () => {
    const content = Buffer.from('elsewhere');
    const sent = statement([
      { ...attachmentFor(content), fileUrl: 'https://files.example.org/essay.txt' },
    ]);
    const response = await xapiRequest(lrs.baseUrl, lrs.authorization, '/statements', {
      method: 'POST',
      body: sent,
    });
    expect(response.status).toBe(200);
  });

  it('accepts a statement signed with RS256 whose payload is the statement', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const response = await postSigned({ sent: statement(), alg: 'RS256', key: privateKey });
    expect(response.status).toBe(200);
  });

  describe('refusals', () => {
    it('answers 400 when a part does not have the SHA-256 its header states', async () => {
      const content = Buffer.from('real');
      const sent = statement([attachmentFor(content)]);
      const response = await postMultipart(sent, [
        { content: Buffer.from('forged'), contentType: 'text/plain', hash: sha256(content) },
      ]);
      expect(response.status).toBe(400);
    });

    it('answers 400 when an attachment has neither content nor fileUrl', async () => {
      const sent = statement([attachmentFor(Buffer.from('missing'))]);
      expect((await postMultipart(sent, [])).status).toBe(400);
    });

    it('answers 400 to a signature whose payload differs from the statement', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const sent = statement();
      const other = { ...sent, verb: { id: 'http://adlnet.gov/expapi/verbs/passed' } };
      const response = await postSigned({ sent, payload: other, alg: 'RS256', key: privateKey });
      expect(response.status).toBe(400);
    });

    it('answers 400 to a signature with an algorithm other than RS256, RS384 or RS512', async () => {
      const response = await postSigned({
        sent: statement(),
        alg: 'HS256',
        key: new Uint8Array(32),
      });
      expect(response.status).toBe(400);
    });
  });
});

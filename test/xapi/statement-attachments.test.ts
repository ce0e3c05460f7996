import { createHash, randomUUID } from 'node:crypto';
import { CompactSign, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { createXapiCredential } from '../../src/xapi/credentials.js';
import { buildMultipart, parseMultipart } from '../../src/xapi/multipart-mixed.js';
import { createTestDatabase } from '../support/test-database.js';
import { basicAuthorization, startLrs, xapiRequest } from './lrs-test-server.js';

const SIGNATURE = 'http://adlnet.gov/expapi/attachments/signature';

describe('attachments and signed statements (xAPI Data 2.4.11, 2.6; Communication 1.5.2)', () => {
  let database: Database;
  let lrs: Awaited<ReturnType<typeof startLrs>>;
  let authorization: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const { key, secret } = await createXapiCredential({ db: database.db, name: 'content' });
    authorization = basicAuthorization(key, secret);
    lrs = await startLrs(database.db);
  });
  afterAll(async () => {
    await lrs.close();
    await database.close();
  });

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
    return xapiRequest(lrs.baseUrl, authorization, '/statements', {
      method: 'POST',
      body,
      headers: { 'Content-Type': contentType },
    });
  }

  it('stores an attachment sent as multipart/mixed and returns it with attachments=true', async () => {
    const content = Buffer.from('My essay on sustainability.');
    const sent = statement([attachmentFor(content)]);
    expect((await postMultipart(sent, [{ content, contentType: 'text/plain' }])).status).toBe(200);
    const response = await xapiRequest(
      lrs.baseUrl,
      authorization,
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
    const response = await xapiRequest(lrs.baseUrl, authorization, '/statements', {
      method: 'POST',
      body: sent,
    });
    expect(response.status).toBe(200);
  });

  it('accepts a statement signed with RS256 whose payload is the statement', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const unsigned = statement();
    const jws = await new CompactSign(Buffer.from(JSON.stringify(unsigned)))
      .setProtectedHeader({ alg: 'RS256' })
      .sign(privateKey);
    const content = Buffer.from(jws);
    const signed = {
      ...unsigned,
      attachments: [attachmentFor(content, 'application/octet-stream', SIGNATURE)],
    };
    const response = await postMultipart(signed, [
      { content, contentType: 'application/octet-stream' },
    ]);
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
      const unsigned = statement();
      const other = { ...unsigned, verb: { id: 'http://adlnet.gov/expapi/verbs/passed' } };
      const jws = await new CompactSign(Buffer.from(JSON.stringify(other)))
        .setProtectedHeader({ alg: 'RS256' })
        .sign(privateKey);
      const content = Buffer.from(jws);
      const signed = {
        ...unsigned,
        attachments: [attachmentFor(content, 'application/octet-stream', SIGNATURE)],
      };
      const response = await postMultipart(signed, [
        { content, contentType: 'application/octet-stream' },
      ]);
      expect(response.status).toBe(400);
    });

    it('answers 400 to a signature with an algorithm other than RS256, RS384 or RS512', async () => {
      const unsigned = statement();
      const jws = await new CompactSign(Buffer.from(JSON.stringify(unsigned)))
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new Uint8Array(32));
      const content = Buffer.from(jws);
      const signed = {
        ...unsigned,
        attachments: [attachmentFor(content, 'application/octet-stream', SIGNATURE)],
      };
      const response = await postMultipart(signed, [
        { content, contentType: 'application/octet-stream' },
      ]);
      expect(response.status).toBe(400);
    });
  });
});

/**
 * Issue #22, "Observable failures": a refused xAPI request (unknown key, wrong secret, revoked
 * credential, malformed statement) is logged with the credential's name, never its secret, and
 * counted on the credential with its reason; a request that stores statements is its last
 * success.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/config/logger.js';
import {
  listUnknownKeyRefusals,
  listXapiCredentialUsage,
  recordUnknownKeyRefusal,
} from '../../../src/xapi/credential-usage.js';
import { createXapiCredential, revokeXapiCredential } from '../../../src/xapi/credentials.js';
import { postStatements } from '../../support/platform-xapi.js';
import { startTestTool, type TestTool } from '../../support/test-tool.js';
import { basicAuthorization } from '../../xapi/lrs-test-server.js';
import { buildPlatform } from '../../xapi/xapi-factories.js';

interface LogLine {
  level: string;
  category: string;
  message: string;
  [field: string]: unknown;
}

const statement = () => ({
  id: randomUUID(),
  actor: { mbox: 'mailto:ann@example.org' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
  object: { id: 'https://moodle.example.org/mod/quiz/view.php?id=15' },
});

describe('refused xAPI requests are logged and counted per credential', () => {
  let tool: TestTool;
  const lines: string[] = [];
  let moodle: { key: string; secret: string };

  beforeAll(async () => {
    tool = await startTestTool({
      logger: createLogger('info', (line) => lines.push(line)),
    });
    const { db } = tool.current().database;
    const platform = await buildPlatform(db, { issuer: 'https://moodle.example.org' });
    moodle = await createXapiCredential({
      db,
      name: 'Moodle logstore',
      platformId: platform.id,
    });
  });
  afterAll(async () => {
    await tool?.close();
  });

  const usageOf = async (key: string) => {
    const usage = await listXapiCredentialUsage(tool.current().database.db);
    const found = usage.find((credential) => credential.key === key);
    if (!found) throw new Error(`no credential ${key}`);
    return found;
  };
  /** The log lines written while `action` ran, parsed. */
  const logged = async (action: () => Promise<unknown>) => {
    const start = lines.length;
    await action();
    return lines.slice(start).map((line) => JSON.parse(line) as LogLine);
  };

  it('logs a wrong secret at warn with the credential name, never the secret, and counts it', async () => {
    const wrongSecret = `wrong-${randomUUID()}`;
    let status = 0;
    const written = await logged(async () => {
      const response = await postStatements(
        tool,
        basicAuthorization(moodle.key, wrongSecret),
        statement(),
      );
      status = response.status;
    });
    expect(status).toBe(401);
    expect(written).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        category: 'xapi',
        code: 'XAPI_CREDENTIALS_INVALID',
        refusal: 'secret-wrong',
        credentialKey: moodle.key,
        credentialName: 'Moodle logstore',
      }),
    );
    const text = written.map((line) => JSON.stringify(line)).join('\n');
    expect(text).not.toContain(wrongSecret);
    expect(text).not.toContain(moodle.secret);
    const usage = await usageOf(moodle.key);
    expect(usage.refusedCount).toBe(1);
    expect(usage.lastFailure).toMatchObject({
      code: 'XAPI_CREDENTIALS_INVALID',
      reason: 'The secret is wrong.',
    });
    expect(usage.lastSuccessAt).toBeNull();
  });

  it('logs an unknown key at warn with the key it was sent, and counts it under that key', async () => {
    const before = await listXapiCredentialUsage(tool.current().database.db);
    const written = await logged(() =>
      postStatements(tool, basicAuthorization('no-such-key', 'whatever-secret'), statement()),
    );
    expect(written).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        refusal: 'key-unknown',
        credentialKey: 'no-such-key',
      }),
    );
    expect(JSON.stringify(written)).not.toContain('whatever-secret');
    const after = await listXapiCredentialUsage(tool.current().database.db);
    expect(after.map((usage) => usage.refusedCount)).toEqual(
      before.map((usage) => usage.refusedCount),
    );
    await postStatements(tool, basicAuthorization('no-such-key', 'again'), statement());
    const unknown = await listUnknownKeyRefusals(tool.current().database.db);
    expect(unknown).toEqual([
      { key: 'no-such-key', refusedCount: 2, lastRefusedAt: expect.any(Date) as Date },
    ]);
  });

  it('keeps only the most recent unknown keys', async () => {
    const { db } = tool.current().database;
    for (let index = 0; index < 25; index += 1) {
      await recordUnknownKeyRefusal({
        db,
        key: `typo-${index}`,
        now: new Date(Date.UTC(2030, 0, 1, 0, index)),
      });
    }
    const kept = await listUnknownKeyRefusals(db);
    expect(kept).toHaveLength(20);
    expect(kept[0]?.key).toBe('typo-24');
    expect(kept.map((refusal) => refusal.key)).not.toContain('typo-4');
  });

  it('logs a malformed statement at info with its reason and keeps it as the last failure', async () => {
    let status = 0;
    const written = await logged(async () => {
      const response = await postStatements(tool, basicAuthorization(moodle.key, moodle.secret), {
        ...statement(),
        verb: { id: 'not an IRI' },
      });
      status = response.status;
    });
    expect(status).toBe(400);
    const line = written.find((entry) => entry.message === 'xAPI statements refused');
    expect(line).toMatchObject({
      level: 'info',
      code: 'XAPI_STATEMENT_INVALID',
      credentialName: 'Moodle logstore',
    });
    expect(String(line?.reason)).toMatch(/verb/);
    const usage = await usageOf(moodle.key);
    expect(usage.refusedCount).toBe(2);
    expect(usage.lastFailure?.code).toBe('XAPI_STATEMENT_INVALID');
    expect(usage.lastFailure?.reason).toMatch(/verb/);
  });

  it('records the last success when statements are stored, keeping the last failure', async () => {
    const response = await postStatements(
      tool,
      basicAuthorization(moodle.key, moodle.secret),
      statement(),
    );
    expect(response.status).toBe(200);
    const usage = await usageOf(moodle.key);
    expect(usage.lastSuccessAt).toBeInstanceOf(Date);
    expect(usage.lastFailure?.code).toBe('XAPI_STATEMENT_INVALID');
    expect(usage.refusedCount).toBe(2);
  });

  it('says a revoked credential was refused because it is revoked', async () => {
    const { db } = tool.current().database;
    const revoked = await createXapiCredential({ db, name: 'Old Moodle' });
    await revokeXapiCredential({ db, key: revoked.key });
    const written = await logged(() =>
      postStatements(tool, basicAuthorization(revoked.key, revoked.secret), statement()),
    );
    expect(written).toContainEqual(
      expect.objectContaining({ refusal: 'revoked', credentialName: 'Old Moodle' }),
    );
    const usage = await usageOf(revoked.key);
    expect(usage.refusedCount).toBe(1);
    expect(usage.lastFailure?.reason).toBe('The credential is revoked.');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXapiCredentialsCommand } from '../../src/cli/xapi-credentials.js';
import type { Database } from '../../src/db/database.js';
import { authenticateBasic } from '../../src/xapi/credentials.js';
import { createTestDatabase } from '../support/test-database.js';
import { buildPlatform } from './xapi-factories.js';

/** Tested here, beside the xAPI tests, because test/cli belongs to the CLI's owners. */
describe('createXapiCredentialsCommand (microcred xapi credentials create)', () => {
  let database: Database;
  let platform: { id: string; issuer: string };

  beforeAll(async () => {
    database = await createTestDatabase();
    platform = await buildPlatform(database.db, { issuer: 'https://moodle.example.org/' });
    await buildPlatform(database.db, { issuer: 'https://shared.example.org', clientId: 'a' });
    await buildPlatform(database.db, { issuer: 'https://shared.example.org', clientId: 'b' });
  });
  afterAll(async () => {
    await database.close();
  });

  async function run(
    platformId?: string,
  ): Promise<{ key: string; secret: string; endpoint: string }> {
    const lines: string[] = [];
    await createXapiCredentialsCommand({
      db: database.db,
      name: 'Moodle logstore',
      platformId,
      publicUrl: 'https://tool.example.org/',
      out: (line) => lines.push(line),
    });
    expect(lines).toHaveLength(1);
    return JSON.parse(lines[0] as string) as { key: string; secret: string; endpoint: string };
  }

  it('prints one JSON line with a key and secret that authenticate, and the endpoint', async () => {
    const { key, secret, endpoint } = await run();
    expect(endpoint).toBe('https://tool.example.org/xapi/');
    const header = `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
    expect((await authenticateBasic(database.db, header)).platformId).toBeNull();
  });

  it.each([
    ['its id', () => platform.id],
    ['its issuer', () => 'https://moodle.example.org/'],
    ['its issuer without the trailing slash', () => 'https://moodle.example.org'],
  ])('binds the credential to the platform named by %s', async (_name, reference) => {
    const { key, secret } = await run(reference());
    const header = `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
    expect((await authenticateBasic(database.db, header)).platformId).toBe(platform.id);
  });

  it('refuses a platform it does not know', async () => {
    await expect(run('https://unknown.example.org')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses an issuer shared by several platforms, asking for the id', async () => {
    await expect(run('https://shared.example.org')).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('pass one id'),
    });
  });
});

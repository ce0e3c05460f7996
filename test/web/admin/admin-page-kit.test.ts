import type { Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/database.js';
import { registryInScope } from '../../../src/web/admin/admin-page-kit.js';
import { WHOLE_TOOL, type AdminScope } from '../../../src/web/admin/admin-session.js';
import { createTestDatabase } from '../../support/test-database.js';
import { buildPlatform } from '../../xapi/xapi-factories.js';

/** The response of a request by a signed-in administrator of `scope`, as requireAdmin leaves it. */
const requestOf = (scope: AdminScope) => ({ locals: { adminScope: scope } }) as unknown as Response;

describe('registryInScope: what of the registry an administrator reaches', () => {
  let database: Database;
  let ours: { id: string; issuerProfileId: string };
  let theirs: { id: string; issuerProfileId: string };

  beforeAll(async () => {
    database = await createTestDatabase();
    const profileOf = async (platformId: string) =>
      (await registryInScope(database.db, requestOf(WHOLE_TOOL)).platforms()).find(
        (platform) => platform.id === platformId,
      )!.issuerProfileId;
    const first = await buildPlatform(database.db);
    const second = await buildPlatform(database.db);
    ours = { id: first.id, issuerProfileId: await profileOf(first.id) };
    theirs = { id: second.id, issuerProfileId: await profileOf(second.id) };
  });
  afterAll(() => database?.close());

  it('gives the administrator of the whole tool every platform and awarding body', async () => {
    const registry = registryInScope(database.db, requestOf(WHOLE_TOOL));
    expect((await registry.platforms()).map((platform) => platform.id)).toEqual([
      ours.id,
      theirs.id,
    ]);
    expect((await registry.awardingBodies()).map((body) => body.id).sort()).toEqual(
      [ours.issuerProfileId, theirs.issuerProfileId].sort(),
    );
  });

  it("gives an awarding body's administrator only that body and its platforms", async () => {
    const registry = registryInScope(
      database.db,
      requestOf({ kind: 'awardingBody', issuerProfileId: ours.issuerProfileId }),
    );
    expect((await registry.platforms()).map((platform) => platform.id)).toEqual([ours.id]);
    expect((await registry.awardingBodies()).map((body) => body.id)).toEqual([
      ours.issuerProfileId,
    ]);
  });

  it('reads each once per request, however often a route asks', async () => {
    const res = requestOf(WHOLE_TOOL);
    const first = registryInScope(database.db, res);
    const again = registryInScope(database.db, res);
    expect(again.platforms()).toBe(first.platforms());
    expect(again.awardingBodies()).toBe(first.awardingBodies());
    expect(registryInScope(database.db, requestOf(WHOLE_TOOL)).platforms()).not.toBe(
      first.platforms(),
    );
  });
});

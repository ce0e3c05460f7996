import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { createHash } from 'node:crypto';
import { mboxSha1sum } from '../../src/lti/lms-users.js';
import { setPlatformXapiActors } from '../../src/lti/platform-registry.js';
import { createActorResolver, identityKey, normaliseUrl } from '../../src/xapi/resolve-actor.js';
import { createTestDatabase } from '../support/test-database.js';
import { buildPlatform, buildUser } from './xapi-factories.js';

describe('createActorResolver', () => {
  let database: Database;
  let platform: { id: string; issuer: string };
  let otherPlatform: { id: string; issuer: string };
  let annId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    platform = await buildPlatform(database.db, { issuer: 'https://moodle.example.org/' });
    otherPlatform = await buildPlatform(database.db, { issuer: 'https://canvas.example.org' });
    annId = await buildUser(database.db, {
      platformId: platform.id,
      sub: 'ann-sub',
      email: 'Ann@Example.org',
    });
    await buildUser(database.db, {
      platformId: platform.id,
      sub: 'twin-1',
      email: 'twin@example.org',
    });
    await buildUser(database.db, {
      platformId: platform.id,
      sub: 'twin-2',
      email: 'twin@example.org',
    });
    await buildUser(database.db, {
      platformId: otherPlatform.id,
      sub: 'carl',
      email: 'carl@example.org',
    });
  });
  afterAll(async () => {
    await database.close();
  });

  const resolve = async (
    actor: Parameters<ReturnType<typeof createActorResolver>>[1][number],
    platformId?: string | null,
  ) => {
    const resolver = createActorResolver(platformId === undefined ? platform.id : platformId);
    const [userId] = await resolver(database.db, [actor]);
    return userId;
  };

  it.each([
    ['the issuer exactly', 'https://moodle.example.org/'],
    ['the issuer without its trailing slash', 'https://moodle.example.org'],
    ['the issuer with an upper-case host', 'https://MOODLE.example.org'],
  ])('resolves an account whose homePage is %s and name the LTI sub', async (_name, homePage) => {
    expect(await resolve({ account: { homePage, name: 'ann-sub' } })).toBe(annId);
  });

  it('resolves an mbox to the user with that email, ignoring case', async () => {
    expect(await resolve({ mbox: 'mailto:ann@EXAMPLE.org' })).toBe(annId);
  });

  it.each([
    [
      'an account on another home page',
      { account: { homePage: 'https://other.example.org', name: 'ann-sub' } },
    ],
    [
      'an account with an unknown name',
      { account: { homePage: 'https://moodle.example.org', name: 'nobody' } },
    ],
    ['an mbox no user has', { mbox: 'mailto:nobody@example.org' }],
    ['an mbox two users share', { mbox: 'mailto:twin@example.org' }],
    ['an mbox of a user on another platform', { mbox: 'mailto:carl@example.org' }],
    ['an openid', { openid: 'https://openid.example.org/ann' }],
    ['an mbox_sha1sum', { mbox_sha1sum: 'ebd31e95054c018b10727ccffd2ef2ec3a016ee9' }],
    ['a group', { objectType: 'Group' as const, mbox: 'mailto:ann@example.org' }],
  ])('resolves %s to nobody', async (_name, actor) => {
    expect(await resolve(actor)).toBeNull();
  });

  it('resolves account names and emails holding quotes, backslashes, commas and braces', async () => {
    const oddId = await buildUser(database.db, {
      platformId: platform.id,
      sub: 'o"dd\\sub,{1}',
      email: 'o"dd,{x}@example.org',
    });
    const homePage = 'https://moodle.example.org';

    expect(await resolve({ account: { homePage, name: 'o"dd\\sub,{1}' } })).toBe(oddId);
    expect(await resolve({ mbox: 'mailto:o"dd,{x}@example.org' })).toBe(oddId);
  });

  it('resolves many actors at once, each to its own user or to nobody, in order', async () => {
    const resolver = createActorResolver(platform.id);
    const ann = { account: { homePage: 'https://moodle.example.org', name: 'ann-sub' } };
    const stranger = { account: { homePage: 'https://moodle.example.org', name: 'nobody' } };

    const userIds = await resolver(database.db, [
      stranger,
      ann,
      { mbox: 'mailto:twin@example.org' },
      { mbox: 'mailto:ann@example.org' },
      ann,
    ]);

    expect(userIds).toEqual([null, annId, null, annId, annId]);
  });

  it('resolves an mbox_sha1sum to the user whose email it hashes, in any case', async () => {
    const hash = mboxSha1sum('dora@example.org');
    const doraId = await buildUser(database.db, {
      platformId: platform.id,
      email: 'dora@example.org',
      mboxSha1sum: hash,
    });
    expect(hash).toBe(createHash('sha1').update('mailto:dora@example.org').digest('hex'));
    expect(await resolve({ mbox_sha1sum: hash.toUpperCase() })).toBe(doraId);
  });

  it('resolves account names as LMS usernames when the platform says its emitter sends them', async () => {
    const moodle = await buildPlatform(database.db, { issuer: 'https://school.example.org' });
    const studentId = await buildUser(database.db, {
      platformId: moodle.id,
      sub: '5',
      username: 'student1',
    });
    const otherId = await buildUser(database.db, {
      platformId: moodle.id,
      sub: '6',
      username: '5',
    });
    await setPlatformXapiActors(database.db, moodle.id, {
      xapiAccountName: 'username',
      xapiAccountHomePage: 'https://www.school.example.org/',
    });
    const resolver = createActorResolver(moodle.id);
    const home = 'https://www.school.example.org';
    expect(
      await resolver(database.db, [
        { account: { homePage: home, name: 'student1' } },
        // The user id of student1 is now read as a username: another user's.
        { account: { homePage: home, name: '5' } },
        // Not the emitter's home page any more.
        { account: { homePage: 'https://school.example.org', name: 'student1' } },
      ]),
    ).toEqual([studentId, otherId, null]);
  });

  it('resolves nobody for credentials bound to no platform', async () => {
    expect(await resolve({ mbox: 'mailto:ann@example.org' }, null)).toBeNull();
  });

  it('resolves nobody for a platform that does not exist', async () => {
    const actor = { account: { homePage: 'https://moodle.example.org', name: 'ann-sub' } };
    expect(await resolve(actor, '00000000-0000-4000-8000-000000000000')).toBeNull();
  });
});

describe('identityKey', () => {
  it('keys an Agent by its identifier alone, whatever its name', () => {
    expect(identityKey({ name: 'Ann', mbox: 'mailto:ann@example.org' })).toBe(
      identityKey({ name: 'Ann B.', mbox: 'mailto:ann@example.org' }),
    );
    expect(identityKey({ account: { homePage: 'https://lms.example', name: 'ann' } })).not.toBe(
      identityKey({ account: { homePage: 'https://lms.example', name: 'bob' } }),
    );
  });

  it('keeps identifiers of different kinds apart, and gives every Group one key', () => {
    expect(identityKey({ openid: 'https://ann.example' })).not.toBe(
      identityKey({ account: { homePage: 'https://ann.example', name: '' } }),
    );
    expect(identityKey({ objectType: 'Group', member: [{ mbox: 'mailto:ann@example.org' }] })).toBe(
      identityKey({ objectType: 'Group', mbox: 'mailto:team@example.org' }),
    );
  });
});

describe('normaliseUrl', () => {
  it.each([
    ['https://LMS.example.org/', 'https://lms.example.org'],
    ['https://lms.example.org/moodle//', 'https://lms.example.org/moodle'],
    ['not a url/', 'not a url'],
  ])('normalises %s to %s', (url, expected) => {
    expect(normaliseUrl(url)).toBe(expected);
  });
});

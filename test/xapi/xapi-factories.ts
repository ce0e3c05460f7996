import { randomUUID } from 'node:crypto';
import type { Executor } from '../../src/db/database.js';
import { issuerProfiles, platforms, users } from '../../src/db/schema.js';
import { createActorResolver } from '../../src/xapi/resolve-actor.js';
import type { Statement } from '../../src/xapi/statement.js';
import { storeStatements, type OnStatementsStored } from '../../src/xapi/statement-store.js';

/** Writes an LMS platform (with its awarding body) and returns its id. */
export async function buildPlatform(
  db: Executor,
  { issuer = `https://lms-${randomUUID().slice(0, 8)}.example.org`, clientId = 'client-1' } = {},
): Promise<{ id: string; issuer: string }> {
  const profileId = `profile-${randomUUID()}`;
  await db.insert(issuerProfiles).values({ id: profileId, name: 'Example University' });
  const [platform] = await db
    .insert(platforms)
    .values({
      issuer,
      clientId,
      name: 'Example LMS',
      authUrl: `${issuer}/auth`,
      tokenUrl: `${issuer}/token`,
      jwksUrl: `${issuer}/jwks`,
      issuerProfileId: profileId,
    })
    .returning({ id: platforms.id, issuer: platforms.issuer });
  if (!platform) throw new Error('platform not inserted');
  return platform;
}

/** Writes a user of a platform and returns its id. */
export async function buildUser(
  db: Executor,
  {
    platformId,
    sub = randomUUID(),
    email = null,
    username = null,
    mboxSha1sum = null,
  }: {
    platformId: string;
    sub?: string;
    email?: string | null;
    username?: string | null;
    mboxSha1sum?: string | null;
  },
): Promise<string> {
  const [user] = await db
    .insert(users)
    .values({ platformId, sub, email, username, mboxSha1sum })
    .returning({ id: users.id });
  if (!user) throw new Error('user not inserted');
  return user.id;
}

/**
 * Stores validated statements as an LMS's unbound credential would send them (source
 * `platform`, no actor resolved), with the database clock; gives their ids.
 */
export async function storeAsPlatform(
  db: Executor,
  statements: readonly Statement[],
  onStatementsStored: OnStatementsStored = async () => {},
): Promise<string[]> {
  const { ids } = await storeStatements({
    db,
    statements,
    credential: { key: 'test-credential' },
    source: 'platform',
    publicUrl: 'https://tool.example.org',
    resolveActors: createActorResolver(null),
    onStatementsStored,
  });
  return ids;
}

import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { platforms } from '../db/schema.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { createXapiCredential } from '../xapi/credentials.js';
import { normaliseUrl } from '../xapi/resolve-actor.js';
import { isUuid } from '../shared/uuid.js';
import type { CommandContext } from './command-context.js';

export const usage = 'microcred xapi credentials create --name NAME [--platform ISSUER_OR_ID]';

/** `microcred xapi credentials create`: parses the arguments and runs createXapiCredentialsCommand. */
export async function xapiCredentialsCreate(
  context: CommandContext,
  args: string[],
): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { name: { type: 'string' }, platform: { type: 'string' } },
  });
  if (values.name === undefined) throw new BadRequestError(`--name is required\nusage: ${usage}`);
  await createXapiCredentialsCommand({
    db: context.db,
    name: values.name,
    platformId: values.platform,
    publicUrl: context.settings.publicUrl,
    out: context.out,
  });
}

/**
 * Creates xAPI Basic credentials and writes `{ key, secret, endpoint }` as one JSON line: the
 * only time the secret is shown. `platformId` is a platform's id or its issuer URL (trailing
 * slash ignored); statements sent with credentials bound to a platform count as `platform`
 * statements and their actors resolve to that platform's users.
 *
 * Throws NotFoundError when no platform matches, BadRequestError when the issuer names several
 * platforms (one per client id) and the id must be given instead.
 */
export async function createXapiCredentialsCommand({
  db,
  name,
  platformId,
  publicUrl,
  out,
}: {
  db: Executor;
  name: string;
  platformId?: string;
  publicUrl: string;
  out: (line: string) => void;
}): Promise<void> {
  const platform = platformId === undefined ? null : await findPlatformId(db, platformId);
  const { key, secret } = await createXapiCredential({ db, name, platformId: platform });
  const endpoint = `${publicUrl.replace(/\/+$/, '')}/xapi/`;
  out(JSON.stringify({ key, secret, endpoint }));
}

async function findPlatformId(db: Executor, issuerOrId: string): Promise<string> {
  if (isUuid(issuerOrId)) {
    const [platform] = await db
      .select({ id: platforms.id })
      .from(platforms)
      .where(eq(platforms.id, issuerOrId))
      .limit(1);
    if (platform) return platform.id;
  }
  const wanted = normaliseUrl(issuerOrId);
  const matches = (
    await db
      .select({ id: platforms.id, issuer: platforms.issuer, clientId: platforms.clientId })
      .from(platforms)
  ).filter((platform) => normaliseUrl(platform.issuer) === wanted);
  const [only, ...others] = matches;
  if (!only) throw new NotFoundError(`No platform has the id or issuer ${issuerOrId}`);
  if (others.length > 0) {
    const clients = matches
      .map((platform) => `${platform.id} (client ${platform.clientId})`)
      .join(', ');
    throw new BadRequestError(
      `Several platforms have the issuer ${issuerOrId}; pass one id: ${clients}`,
    );
  }
  return only.id;
}

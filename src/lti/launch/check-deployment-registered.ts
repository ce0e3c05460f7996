import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/database.js';
import { deployments, platforms } from '../../db/schema.js';
import { LaunchRefusal, type LaunchRequest } from './launch-request.js';

const DEPLOYMENT_CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/deployment_id';
/** How long a deployment found registered is trusted without looking again. */
const FOUND_CACHE_MS = 60_000;
const FOUND_CACHE_LIMIT = 10_000;
/** Per database handle: each (issuer, deployment, client) found registered, and when. */
const foundByDatabase = new WeakMap<
  object,
  Map<string, RegisteredPlatform & { foundAt: number }>
>();

export interface RegisteredPlatform {
  /** Where the platform publishes the keys its id_tokens are signed with. */
  readonly jwksUrl: string;
}

/**
 * The deployment id must be one registered for the platform and client the token names
 * (LTI 1.3 core 5.3.3); ltijs accepts any. The claims are unverified here, which is safe: this
 * check only refuses, and ltijs verifies the signature over the same claims afterwards.
 * A deployment found registered is remembered for a minute: this check refuses early, before
 * ltijs stores anything, and recordLaunch checks the deployment again with every launch.
 * With an `aud` array and no `azp`, the platform is the first audience registered, as in ltijs.
 */
export async function checkDeploymentRegistered(
  db: Db,
  launch: LaunchRequest,
): Promise<RegisteredPlatform> {
  const deploymentId = launch.claims[DEPLOYMENT_CLAIM];
  if (typeof deploymentId !== 'string' || deploymentId === '') {
    throw new LaunchRefusal(
      'LTI_DEPLOYMENT_MISSING',
      'The launch names no deployment of the tool.',
    );
  }
  const { iss, aud, azp } = launch.claims;
  const clientIds = typeof azp === 'string' ? [azp] : Array.isArray(aud) ? aud : [aud];
  let found = foundByDatabase.get(db);
  if (!found) {
    found = new Map();
    foundByDatabase.set(db, found);
  }
  const key = `${String(iss)}\n${deploymentId}\n${clientIds.join(' ')}`;
  const known = found.get(key);
  if (known !== undefined && Date.now() - known.foundAt < FOUND_CACHE_MS) return known;
  const rows = await db
    .select({ clientId: platforms.clientId, jwksUrl: platforms.jwksUrl })
    .from(platforms)
    .innerJoin(deployments, eq(deployments.platformId, platforms.id))
    .where(and(eq(platforms.issuer, String(iss)), eq(deployments.deploymentId, deploymentId)));
  const platform = clientIds
    .map((clientId) => rows.find((row) => row.clientId === clientId))
    .find((row) => row !== undefined);
  if (!platform) {
    throw new LaunchRefusal(
      'LTI_DEPLOYMENT_UNKNOWN',
      `Deployment "${deploymentId}" is not registered for this LMS. Ask your LMS administrator to register it with microcred.`,
      403,
    );
  }
  if (found.size >= FOUND_CACHE_LIMIT) found.clear();
  found.set(key, { jwksUrl: platform.jwksUrl, foundAt: Date.now() });
  return { jwksUrl: platform.jwksUrl };
}

import type { Db } from '../../db/database.js';
import { findRegisteredPlatforms, type RegisteredPlatform } from '../registered-platforms.js';
import { LaunchRefusal, type LaunchRequest } from './launch-request.js';

const DEPLOYMENT_CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/deployment_id';

/**
 * The deployment id must be one registered for the platform and client the token names
 * (LTI 1.3 core 5.3.3), active, of an active registration; ltijs accepts any; a deactivated
 * deployment is refused with its own code. The claims are unverified here, which is safe: this
 * check only refuses, and ltijs verifies the signature over the same claims afterwards.
 * Registrations come from findRegisteredPlatforms (kept a minute): this check refuses early,
 * before ltijs stores anything, and recordLaunch checks the deployment again with every launch.
 * With an `aud` array and no `azp`, the platform is the first audience registered, as in ltijs.
 * Returns that platform.
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
  const registered = await findRegisteredPlatforms(
    db,
    String(iss),
    (platform) =>
      platform.isActive &&
      clientIds.includes(platform.clientId) &&
      platform.deploymentIds.includes(deploymentId),
  );
  const platform = clientIds
    .map((clientId) => registered.find((candidate) => candidate.clientId === clientId))
    .find((candidate) => candidate !== undefined);
  if (!platform) {
    const deactivated = await findRegisteredPlatforms(
      db,
      String(iss),
      (candidate) =>
        candidate.isActive &&
        clientIds.includes(candidate.clientId) &&
        candidate.inactiveDeploymentIds.includes(deploymentId),
    );
    if (deactivated.length > 0) {
      throw new LaunchRefusal(
        'LTI_DEPLOYMENT_INACTIVE',
        `Deployment "${deploymentId}" of the tool was deactivated by an administrator, so its launches are refused. Ask your LMS administrator to activate it again.`,
        403,
      );
    }
    throw new LaunchRefusal(
      'LTI_DEPLOYMENT_UNKNOWN',
      `Deployment "${deploymentId}" is not registered for this LMS. Ask your LMS administrator to register it with microcred.`,
      403,
    );
  }
  return platform;
}

import { listPlatforms } from '../lti/platform-registry.js';
import type { CommandContext } from './command-context.js';

export const usage = 'microcred platform list';

/** `microcred platform list`: the registered platforms and their deployments, as JSON. */
export async function platformList(context: CommandContext): Promise<void> {
  const platforms = await listPlatforms(context.db);
  context.out(
    JSON.stringify(
      platforms.map(
        ({ id, issuer, clientId, name, trustLevel, issuerProfileId, isActive, deploymentIds }) => ({
          id,
          issuer,
          clientId,
          name,
          trustLevel,
          awardingBody: issuerProfileId,
          isActive,
          deploymentIds,
        }),
      ),
      null,
      2,
    ),
  );
}

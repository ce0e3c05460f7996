import { listPlatforms } from '../lti/platform-registry.js';
import { countPendingStatements } from '../xapi/pending-statements.js';
import type { CommandContext } from './command-context.js';

export const usage = 'microcred platform list';

/**
 * `microcred platform list`: the registered platforms and their deployments, how their xAPI
 * emitter names users, and how many statements wait for their learner, as JSON.
 */
export async function platformList(context: CommandContext): Promise<void> {
  const [platforms, pending] = await Promise.all([
    listPlatforms(context.db),
    countPendingStatements(context.db),
  ]);
  context.out(
    JSON.stringify(
      platforms.map(
        ({
          id,
          issuer,
          clientId,
          name,
          trustLevel,
          issuerProfileId,
          isActive,
          deploymentIds,
          xapiAccountName,
          xapiAccountHomePage,
        }) => ({
          id,
          issuer,
          clientId,
          name,
          trustLevel,
          awardingBody: issuerProfileId,
          isActive,
          deploymentIds,
          xapiAccountName,
          xapiAccountHomePage,
          pendingStatements: pending.get(id) ?? 0,
        }),
      ),
      null,
      2,
    ),
  );
}

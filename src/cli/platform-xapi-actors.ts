import { parseArgs } from 'node:util';
import { BadRequestError } from '../errors.js';
import { listPlatforms, setPlatformXapiActors } from '../lti/platform-registry.js';
import { countPendingStatements } from '../xapi/pending-statements.js';
import type { CommandContext } from './command-context.js';

export const usage =
  'microcred platform xapi-actors --issuer URL [--client-id ID] [--account-name lti-sub|username] [--account-home-page URL|none]';

/**
 * `microcred platform xapi-actors`: says how the platform's xAPI emitter names users (Moodle
 * logstore_xapi: `--account-name username` with its "send username" setting, and
 * `--account-home-page` with its "account homepage" setting), then prints the settings and the
 * count of statements still waiting for their learner.
 */
export async function platformXapiActors(context: CommandContext, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      issuer: { type: 'string' },
      'client-id': { type: 'string' },
      'account-name': { type: 'string' },
      'account-home-page': { type: 'string' },
    },
  });
  const matching = (await listPlatforms(context.db)).filter(
    (platform) =>
      platform.issuer === values.issuer &&
      (values['client-id'] === undefined || platform.clientId === values['client-id']),
  );
  if (matching.length !== 1) {
    throw new BadRequestError(
      matching.length === 0
        ? `No platform has the issuer ${values.issuer ?? '(none given)'}${values['client-id'] ? ` and the client id ${values['client-id']}` : ''}; see microcred platform list.`
        : `Several registrations have the issuer ${values.issuer}; name one with --client-id.`,
    );
  }
  const homePage = values['account-home-page'];
  const platform = await setPlatformXapiActors(context.db, matching[0]!.id, {
    ...(values['account-name'] === undefined ? {} : { xapiAccountName: values['account-name'] }),
    ...(homePage === undefined
      ? {}
      : { xapiAccountHomePage: homePage === 'none' ? null : homePage }),
  });
  const pending = await countPendingStatements(context.db);
  context.out(
    JSON.stringify(
      {
        id: platform.id,
        issuer: platform.issuer,
        clientId: platform.clientId,
        xapiAccountName: platform.xapiAccountName,
        xapiAccountHomePage: platform.xapiAccountHomePage,
        pendingStatements: pending.get(platform.id) ?? 0,
      },
      null,
      2,
    ),
  );
}

import { parseArgs } from 'node:util';
import { createRegistrationInvitation } from '../lti/registration-invitations.js';
import type { CommandContext } from './command-context.js';

export const usage =
  'microcred platform invite --awarding-body NAME|ID --trust-level registered|self-study [--expires 7d|12h|30m]';

/**
 * `microcred platform invite`: an invitation to register one LMS by dynamic registration.
 * Prints it as JSON: the registration `url` to paste into the LMS (its token is shown only
 * here), `expiresAt`, and the awarding body the LMS will get (an existing one named by id or
 * exact name, or a new one).
 */
export async function platformInvite(context: CommandContext, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      'awarding-body': { type: 'string' },
      'trust-level': { type: 'string' },
      expires: { type: 'string' },
    },
  });
  const invitation = await createRegistrationInvitation({
    db: context.db,
    publicUrl: context.settings.publicUrl,
    request: {
      awardingBody: values['awarding-body'],
      trustLevel: values['trust-level'],
      ...(values.expires !== undefined && { expires: values.expires }),
    },
  });
  context.out(JSON.stringify(invitation, null, 2));
}

import { parseArgs } from 'node:util';
import { registerPlatform, registrationNotice, toolUrls } from '../lti/platform-registry.js';
import type { CommandContext } from './command-context.js';

export const usage =
  'microcred platform add --issuer URL --client-id ID --deployment-id ID --auth-url URL --token-url URL --jwks-url URL [--token-audience AUD] [--name NAME] [--trust-level registered|self-study] [--awarding-body NAME]';

/**
 * `microcred platform add`: registers an LMS by hand and prints the URLs to paste into it; when
 * the LMS or the deployment is one an administrator deactivated, which stays so, a `notice`
 * says where to activate it.
 */
export async function platformAdd(context: CommandContext, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      issuer: { type: 'string' },
      'client-id': { type: 'string' },
      'deployment-id': { type: 'string' },
      'auth-url': { type: 'string' },
      'token-url': { type: 'string' },
      'jwks-url': { type: 'string' },
      'token-audience': { type: 'string' },
      name: { type: 'string' },
      'trust-level': { type: 'string' },
      'awarding-body': { type: 'string' },
    },
  });
  const platform = await registerPlatform(context.db, {
    issuer: values.issuer,
    clientId: values['client-id'],
    deploymentId: values['deployment-id'],
    authUrl: values['auth-url'],
    tokenUrl: values['token-url'],
    jwksUrl: values['jwks-url'],
    tokenAudience: values['token-audience'],
    name: values.name,
    trustLevel: values['trust-level'],
    awardingBody: values['awarding-body'],
  });
  const notice = registrationNotice(context.settings.publicUrl, platform);
  context.out(
    JSON.stringify(
      {
        platform: {
          id: platform.id,
          issuer: platform.issuer,
          clientId: platform.clientId,
          name: platform.name,
          trustLevel: platform.trustLevel,
          awardingBody: platform.issuerProfileId,
        },
        pasteIntoYourLms: toolUrls(context.settings.publicUrl),
        ...(notice && { notice }),
      },
      null,
      2,
    ),
  );
}

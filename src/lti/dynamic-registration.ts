import { z } from 'zod';
import type { Db } from '../db/database.js';
import { BadRequestError } from '../errors.js';
import { awardingBodyIdFor } from './awarding-body.js';
import { insertNewPlatform, toolUrls, type Platform } from './platform-registry.js';
import { writeRegistrations } from './registered-platforms.js';
import { consumeInvitation, findOpenInvitationById } from './registration-invitations.js';
import type { OutgoingFetch, OutgoingRequestInit } from '../outgoing/outgoing-requests.js';

export class LtiRegistrationError extends BadRequestError {
  override readonly code = 'LTI_REGISTRATION_FAILED';
}

const FETCH_TIMEOUT_MS = 10_000;

const TOOL_SCOPES = [
  'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
  'https://purl.imsglobal.org/spec/lti-ags/scope/score',
  'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
];

/** The parts of the platform's OpenID configuration we use (LTI Dynamic Registration 1.0, 3.4). */
const platformConfigurationSchema = z.object({
  issuer: z.url(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
  registration_endpoint: z.url(),
  authorization_server: z.string().optional(),
  'https://purl.imsglobal.org/spec/lti-platform-configuration': z
    .object({ product_family_code: z.string().optional() })
    .optional(),
});

const registrationResponseSchema = z.object({
  client_id: z.string().min(1),
  'https://purl.imsglobal.org/spec/lti-tool-configuration': z
    .object({ deployment_id: z.string().min(1).optional() })
    .optional(),
});

/** A registration the administrator's LMS started under an invitation, waiting for their go. */
export interface PendingRegistration {
  readonly invitationId: string;
  readonly openIdConfigurationUrl: string;
  readonly registrationToken: string | null;
}

/**
 * LTI Dynamic Registration 1.0, 3.3, first step: checks the initiation request. The
 * configuration will be fetched only from the host the administrator's browser came from (its
 * Referer), over http(s): the tool never fetches a URL that a stranger chose.
 * Throws LtiRegistrationError with a reason an administrator can act on.
 */
export function beginDynamicRegistration(options: {
  invitationId: string;
  openIdConfigurationUrl: unknown;
  registrationToken: unknown;
  referer: string | undefined;
}): PendingRegistration {
  const configurationUrl = parseConfigurationUrl(options.openIdConfigurationUrl);
  if (!options.referer || !URL.canParse(options.referer)) {
    throw new LtiRegistrationError(
      'Start the registration from your LMS: the request did not say which site it came from.',
    );
  }
  if (new URL(options.referer).host !== configurationUrl.host) {
    throw new LtiRegistrationError(
      `The platform configuration must come from the LMS that opened this page (${new URL(options.referer).host}), not ${configurationUrl.host}.`,
    );
  }
  return {
    invitationId: options.invitationId,
    openIdConfigurationUrl: configurationUrl.href,
    registrationToken:
      typeof options.registrationToken === 'string' ? options.registrationToken : null,
  };
}

/**
 * Second step (3.4 to 3.6): reads the platform's OpenID configuration, posts our client
 * registration with the one-time registration token, and registers the platform and the
 * deployment it answers with, under the awarding body and trust level of the invitation, which
 * it consumes. A platform whose issuer and client id are registered already is refused and
 * left as it is; an invitation without an existing awarding body gets a new one, with signing
 * keys of its own. Throws LtiRegistrationError, LtiRegistrationInvitationError (the invitation
 * is no longer open: nothing is fetched) LtiPlatformExistsError, or
 * OutgoingRequestError when the platform cannot be reached (or may not be: outgoing-requests.ts).
 */
export async function completeDynamicRegistration(options: {
  db: Db;
  publicUrl: string;
  pending: PendingRegistration;
  outgoingFetch: OutgoingFetch;
}): Promise<Platform> {
  const { db, pending } = options;
  await findOpenInvitationById(db, pending.invitationId);
  const configuration = platformConfigurationSchema.safeParse(
    await fetchJson(options.outgoingFetch, options.pending.openIdConfigurationUrl, {
      headers: { accept: 'application/json' },
    }),
  );
  if (!configuration.success) {
    throw new LtiRegistrationError(
      `The platform configuration lacks ${describeMissing(configuration.error)}.`,
    );
  }
  // The issuer may live on another host than the configuration (hosted Canvas answers
  // https://canvas.instructure.com from each school's host); the Referer check above is what
  // keeps the tool from fetching a stranger's URL.
  const platformConfiguration = configuration.data;

  const token = options.pending.registrationToken;
  const response = registrationResponseSchema.safeParse(
    await fetchJson(options.outgoingFetch, platformConfiguration.registration_endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(token && { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(clientRegistration(options.publicUrl)),
    }),
  );
  if (!response.success) {
    throw new LtiRegistrationError('The platform answered the registration without a client id.');
  }
  const deploymentId =
    response.data['https://purl.imsglobal.org/spec/lti-tool-configuration']?.deployment_id;
  if (!deploymentId) {
    throw new LtiRegistrationError(
      'The platform answered the registration without a deployment id.',
    );
  }
  return writeRegistrations(db, async (tx) => {
    const invitation = await findOpenInvitationById(tx, pending.invitationId);
    const platform = await insertNewPlatform(tx, {
      issuer: platformConfiguration.issuer,
      clientId: response.data.client_id,
      deploymentId,
      name:
        platformConfiguration['https://purl.imsglobal.org/spec/lti-platform-configuration']
          ?.product_family_code ?? new URL(platformConfiguration.issuer).host,
      authUrl: platformConfiguration.authorization_endpoint,
      tokenUrl: platformConfiguration.token_endpoint,
      jwksUrl: platformConfiguration.jwks_uri,
      tokenAudience: platformConfiguration.authorization_server ?? null,
      trustLevel: invitation.trustLevel,
      issuerProfileId:
        invitation.issuerProfileId ?? (await awardingBodyIdFor(tx, invitation.awardingBodyName)),
    });
    await consumeInvitation(tx, invitation.id, platform.id);
    return platform;
  });
}

/** Our client registration (LTI Dynamic Registration 1.0, 3.5.1). */
export function clientRegistration(publicUrl: string) {
  const urls = toolUrls(publicUrl);
  return {
    application_type: 'web',
    response_types: ['id_token'],
    grant_types: ['implicit', 'client_credentials'],
    initiate_login_uri: urls.loginUrl,
    redirect_uris: urls.redirectUrls,
    client_name: 'microcred',
    jwks_uri: urls.jwksUrl,
    token_endpoint_auth_method: 'private_key_jwt',
    scope: TOOL_SCOPES.join(' '),
    'https://purl.imsglobal.org/spec/lti-tool-configuration': {
      domain: new URL(publicUrl).host,
      target_link_uri: urls.launchUrl,
      description: 'Open Badges 3.0 micro-credentials from xAPI results',
      claims: ['iss', 'sub', 'name', 'given_name', 'family_name', 'email'],
      messages: [{ type: 'LtiResourceLinkRequest' }, { type: 'LtiDeepLinkingRequest' }],
    },
  };
}

function parseConfigurationUrl(value: unknown): URL {
  if (typeof value !== 'string' || !URL.canParse(value)) {
    throw new LtiRegistrationError('openid_configuration must be the URL your LMS gives.');
  }
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new LtiRegistrationError('openid_configuration must be an http(s) URL.');
  }
  return url;
}

async function fetchJson(
  outgoingFetch: OutgoingFetch,
  url: string,
  init: OutgoingRequestInit,
): Promise<unknown> {
  const response = await outgoingFetch(url, { ...init, timeoutMs: FETCH_TIMEOUT_MS });
  if (!response.ok) {
    throw new LtiRegistrationError(`The LMS answered ${response.status} at ${url}.`);
  }
  try {
    return await response.json();
  } catch (error) {
    throw new LtiRegistrationError(`The LMS did not answer JSON at ${url}.`, { cause: error });
  }
}

function describeMissing(error: z.ZodError): string {
  return error.issues.map((issue) => issue.path.join('.') || 'its fields').join(', ');
}

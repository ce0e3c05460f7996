import { randomUUID } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import type { ToolKey } from '../tool-key.js';

/** One activity the teacher chose, as an `ltiResourceLink` content item (LTI DL 2.0, 3.1). */
export interface ResourceLinkItem {
  readonly title: string;
  readonly text: string;
  readonly url: string;
  readonly custom: Readonly<Record<string, string>>;
  readonly lineItem: {
    readonly scoreMaximum: number;
    readonly label: string;
    readonly tag: string;
    readonly resourceId: string;
  };
}

export const RESPONSE_LIFETIME_SECONDS = 300;

/**
 * The LtiDeepLinkingResponse message (LTI Deep Linking 2.0, 4.5), signed RS256 with the tool's
 * current key: issued by our client id, for the platform, echoing its `data`.
 */
export async function signDeepLinkingResponse(options: {
  toolKey: ToolKey;
  clientId: string;
  platformIssuer: string;
  deploymentId: string;
  data: string | null;
  items: readonly ResourceLinkItem[];
  now?: Date;
}): Promise<string> {
  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const key = await importPKCS8(options.toolKey.privateKeyPem, 'RS256');
  return new SignJWT({
    nonce: randomUUID(),
    'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiDeepLinkingResponse',
    'https://purl.imsglobal.org/spec/lti/claim/version': '1.3.0',
    'https://purl.imsglobal.org/spec/lti/claim/deployment_id': options.deploymentId,
    ...(options.data !== null && {
      'https://purl.imsglobal.org/spec/lti-dl/claim/data': options.data,
    }),
    'https://purl.imsglobal.org/spec/lti-dl/claim/content_items': options.items.map((item) => ({
      type: 'ltiResourceLink',
      ...item,
    })),
  })
    .setProtectedHeader({ alg: 'RS256', kid: options.toolKey.kid, typ: 'JWT' })
    .setIssuer(options.clientId)
    .setAudience(options.platformIssuer)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + RESPONSE_LIFETIME_SECONDS)
    .sign(key);
}

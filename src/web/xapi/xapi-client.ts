import type { RequestHandler, Response } from 'express';
import type { Executor } from '../../db/database.js';
import { XapiAuthError } from '../../errors.js';
import {
  authenticateLaunchToken,
  LAUNCH_KEY_PREFIX,
  type LaunchGrant,
} from '../../xapi/content-launch.js';
import { authenticateBasic, type XapiCredential } from '../../xapi/credentials.js';

/**
 * Who is calling the LRS: a platform or tool credential (Basic key and secret from
 * `microcred xapi credentials create`), or xAPI content holding a launch token.
 */
export type XapiClient =
  | { readonly kind: 'credential'; readonly credential: XapiCredential }
  | { readonly kind: 'launch'; readonly grant: LaunchGrant };

/** Authenticates the caller: a launch token or a platform credential (xAPI Communication 4). */
export function requireClient(db: Executor): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('Authorization');
    const presented = parseBasicHeader(header);
    let client: XapiClient;
    if (presented?.key.startsWith(LAUNCH_KEY_PREFIX)) {
      const grant = await authenticateLaunchToken(db, presented.key, presented.secret);
      if (!grant) throw new XapiAuthError('The launch token is not valid or has expired.');
      client = { kind: 'launch', grant };
    } else {
      client = { kind: 'credential', credential: await authenticateBasic(db, header) };
    }
    res.locals.xapiClient = client;
    next();
  };
}

function parseBasicHeader(header: string | undefined): { key: string; secret: string } | null {
  const match = /^Basic[ ]+([A-Za-z0-9+/=_-]+)[ ]*$/i.exec(header ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon <= 0 ? null : { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** The caller requireClient authenticated. */
export function clientOf(res: Response): XapiClient {
  return res.locals.xapiClient as XapiClient;
}

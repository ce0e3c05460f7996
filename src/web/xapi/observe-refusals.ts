import type { ErrorRequestHandler, Request } from 'express';
import type { Logger } from '../../config/logger.js';
import type { Executor } from '../../db/database.js';
import { XapiAuthError } from '../../errors.js';
import { recordCredentialRefusal, recordUnknownKeyRefusal } from '../../xapi/credential-usage.js';
import { describeError } from '../http/json-error-handler.js';
import { clientOf } from './xapi-client.js';

/**
 * Makes refused requests visible: a request refused for its credentials (unknown key, wrong
 * secret, revoked credential) or a statement write refused with a 4xx (malformed statement,
 * conflict, too large …) is logged with the credential's key and name, never the secret, and
 * counted on the credential with its reason, or for an unknown key under that key
 * (xapi/credential-usage.ts). Other refusals (a document that does not exist) are the
 * client's ordinary business and are not recorded. Passes the error on unchanged; recording
 * never turns a 4xx into a 500.
 */
export function observeRefusals({
  db,
  logger,
}: {
  db: Executor;
  logger: Logger;
}): ErrorRequestHandler {
  return async (error, req, res, next) => {
    const { status, code, message } = describeError(error);
    if (status < 400 || status >= 500) {
      next(error);
      return;
    }
    const refused = refusedCredential(error, req, res.locals.xapiClient ? clientOf(res) : null);
    if (refused) {
      const fields = {
        method: req.method,
        path: `${req.baseUrl}${req.path}`,
        status,
        code,
        ...refused.fields,
      };
      if (error instanceof XapiAuthError) {
        logger.warn('xapi', 'xAPI request refused: credentials not accepted', fields);
      } else {
        logger.info('xapi', 'xAPI statements refused', { ...fields, reason: message });
      }
      const recording =
        refused.key !== null
          ? recordCredentialRefusal({
              db,
              key: refused.key,
              code,
              reason: refused.reason ?? message,
            })
          : refused.unknownKey !== undefined
            ? recordUnknownKeyRefusal({ db, key: refused.unknownKey })
            : Promise.resolve();
      await recording.catch((recordError: unknown) =>
        logger.warn('xapi', 'recording a refused request failed', { error: recordError }),
      );
    }
    next(error);
  };
}

/**
 * The credential a refused request named, when the refusal is one to record: `key` null when
 * no stored credential has the key (nothing to count it on), `reason` the stored reason when it
 * says more than the message the client was given.
 */
function refusedCredential(
  error: unknown,
  req: Request,
  client: ReturnType<typeof clientOf> | null,
): {
  key: string | null;
  /** The key of the request when no credential has it. */
  unknownKey?: string;
  reason?: string;
  fields: Record<string, unknown>;
} | null {
  if (error instanceof XapiAuthError) {
    const refusal = error.refusal;
    if (!refusal) return null;
    if (refusal.reason === 'header-missing') {
      return { key: null, fields: { refusal: refusal.reason } };
    }
    if (refusal.reason === 'key-unknown') {
      return {
        key: null,
        unknownKey: refusal.key,
        fields: { refusal: refusal.reason, credentialKey: refusal.key },
      };
    }
    return {
      key: refusal.key,
      reason: refusal.reason === 'revoked' ? 'The credential is revoked.' : 'The secret is wrong.',
      fields: {
        refusal: refusal.reason,
        credentialKey: refusal.key,
        credentialName: refusal.credentialName,
      },
    };
  }
  const isStatementWrite =
    req.path === '/statements' && (req.method === 'POST' || req.method === 'PUT');
  if (!isStatementWrite || client?.kind !== 'credential') return null;
  return {
    key: client.credential.key,
    fields: { credentialKey: client.credential.key, credentialName: client.credential.name },
  };
}

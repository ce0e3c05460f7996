import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../config/logger.js';
import type { Db } from '../db/database.js';
import { BadRequestError } from '../errors.js';
import { OutgoingRequestError, type OutgoingFetch } from '../outgoing/outgoing-requests.js';
import {
  beginDynamicRegistration,
  completeDynamicRegistration,
  LtiRegistrationError,
} from './dynamic-registration.js';
import type { LaunchErrorPage } from './launch/describe-launch-error.js';
import type { LtijsStorage } from './ltijs-storage.js';
import type { Platform } from './platform-registry.js';

/**
 * `/lti/register` (LTI Dynamic Registration 1.0): `GET` checks the initiation and asks the
 * administrator for the awarding body and the learners' trust level; `POST` completes it.
 */
/** The pages the registration shows, which the web part renders. */
export interface RegistrationPages {
  onRegistrationStarted: (
    registration: { registrationId: string; lmsHost: string },
    req: Request,
    res: Response,
  ) => void;
  onRegistered: (platform: Platform, req: Request, res: Response) => void;
  renderError: (page: LaunchErrorPage, req: Request, res: Response) => void;
}

export function createRegistrationRouter(
  options: RegistrationPages & {
    db: Db;
    publicUrl: string;
    logger: Logger;
    storage: LtijsStorage;
    outgoingFetch: OutgoingFetch;
  },
): Router {
  const { db, publicUrl, logger, storage, onRegistrationStarted, onRegistered, renderError } =
    options;
  const router = express.Router();
  const refuseRegistration = (req: Request, res: Response, error: unknown) => {
    if (
      !(error instanceof LtiRegistrationError) &&
      !(error instanceof BadRequestError) &&
      !(error instanceof OutgoingRequestError)
    )
      throw error;
    logger.warn('lti', 'dynamic registration refused', { reason: error.message });
    renderError({ status: error.status, code: error.code, message: error.message }, req, res);
  };
  router.get('/register', async (req, res) => {
    try {
      const pending = beginDynamicRegistration({
        openIdConfigurationUrl: req.query.openid_configuration,
        registrationToken: req.query.registration_token,
        referer: req.get('referer'),
      });
      const registrationId = await storage.holdPendingRegistration(pending);
      onRegistrationStarted(
        { registrationId, lmsHost: new URL(pending.openIdConfigurationUrl).host },
        req,
        res,
      );
    } catch (error) {
      refuseRegistration(req, res, error);
    }
  });
  router.post(
    '/register',
    express.urlencoded({ extended: false, limit: '16kb' }),
    async (req, res) => {
      try {
        const form = req.body as Record<string, unknown>;
        const pending =
          typeof form.registration === 'string'
            ? await storage.takePendingRegistration(form.registration)
            : null;
        if (!pending) {
          throw new LtiRegistrationError(
            'This registration has expired or was already completed. Start it again from your LMS.',
          );
        }
        const platform = await completeDynamicRegistration({
          db,
          publicUrl: publicUrl,
          pending,
          outgoingFetch: options.outgoingFetch,
          awardingBody: form.awardingBody,
          trustLevel: form.trustLevel,
        });
        logger.info('lti', 'platform registered dynamically', { platform: platform.issuer });
        onRegistered(platform, req, res);
      } catch (error) {
        refuseRegistration(req, res, error);
      }
    },
  );
  return router;
}

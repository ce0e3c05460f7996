import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../../config/logger.js';
import type { Db } from '../../db/database.js';
import { LtiRegistrationInvitationError, MicrocredError } from '../../errors.js';
import type { OutgoingFetch } from '../../outgoing/outgoing-requests.js';
import {
  beginDynamicRegistration,
  completeDynamicRegistration,
  LtiRegistrationError,
} from '../../lti/dynamic-registration.js';
import type { LaunchErrorPage } from '../../lti/launch/describe-launch-error.js';
import type { LtijsStorage } from '../../lti/ltijs-storage.js';
import type { Platform } from '../../lti/platform-registry.js';
import { findOpenInvitation, type Invitation } from '../../lti/registration-invitations.js';

export type LaunchErrorRenderer = (page: LaunchErrorPage, req: Request, res: Response) => void;

/** The pages the registration shows, which the web part renders. */
export interface RegistrationPages {
  onRegistrationStarted: (
    registration: {
      registrationId: string;
      lmsHost: string;
      awardingBody: string;
      trustLevel: Invitation['trustLevel'];
    },
    req: Request,
    res: Response,
  ) => void;
  onRegistered: (platform: Platform, req: Request, res: Response) => void;
  renderError: LaunchErrorRenderer;
  /**
   * Lets any origin frame this response: LMSs show the registration inside their own pages
   * (Moodle in an iframe panel of its admin page), from origins the tool does not know yet.
   */
  allowAnyFrameAncestor: (res: Response) => void;
}

/**
 * `/lti/register` (LTI Dynamic Registration 1.0), by invitation only: `GET` checks the
 * invitation (`?invitation=`, before anything else and without any outgoing request) and the
 * initiation, and shows the administrator what will be registered; `POST` completes it.
 * Only a request under a valid invitation gets a page that any origin may frame.
 */
export function createRegistrationRouter(
  options: RegistrationPages & {
    db: Db;
    publicUrl: string;
    logger: Logger;
    storage: LtijsStorage;
    outgoingFetch: OutgoingFetch;
  },
): Router {
  const { db, publicUrl, logger, storage, renderError, allowAnyFrameAncestor } = options;
  const router = express.Router();
  const refuseRegistration = (req: Request, res: Response, error: unknown) => {
    if (!(error instanceof MicrocredError && error.expose)) throw error;
    logger.warn('lti', 'dynamic registration refused', { reason: error.code });
    renderError(
      {
        status: error.status,
        code: error.code,
        message: error.message,
        isMessageTranslated: error instanceof LtiRegistrationInvitationError,
      },
      req,
      res,
    );
  };
  router.get('/register', async (req, res) => {
    try {
      const invitation = await findOpenInvitation(db, req.query.invitation);
      allowAnyFrameAncestor(res);
      const pending = beginDynamicRegistration({
        invitationId: invitation.id,
        openIdConfigurationUrl: req.query.openid_configuration,
        registrationToken: req.query.registration_token,
        referer: req.get('referer'),
      });
      const registrationId = await storage.holdPendingRegistration(pending);
      options.onRegistrationStarted(
        {
          registrationId,
          lmsHost: new URL(pending.openIdConfigurationUrl).host,
          awardingBody: invitation.awardingBodyName,
          trustLevel: invitation.trustLevel,
        },
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
        allowAnyFrameAncestor(res);
        const platform = await completeDynamicRegistration({
          db,
          publicUrl,
          pending,
          outgoingFetch: options.outgoingFetch,
        });
        logger.info('lti', 'platform registered dynamically', {
          platform: platform.issuer,
          invitation: pending.invitationId,
        });
        options.onRegistered(platform, req, res);
      } catch (error) {
        refuseRegistration(req, res, error);
      }
    },
  );
  return router;
}

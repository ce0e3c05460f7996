import type { RequestHandler } from 'express';
import { BadRequestError } from '../../errors.js';

/**
 * Lets through only a JSON body. A JSON API that acts on a session cookie needs this: a
 * cross-site form can post urlencoded or plain text, never JSON, so it cannot call the API.
 * `example` shows in the message what to send.
 */
export function requireJsonBody(example: string): RequestHandler {
  return (req, _res, next) => {
    if (!req.is('application/json')) {
      throw new BadRequestError(
        `Send the request body as JSON, with Content-Type: application/json: ${example}.`,
      );
    }
    next();
  };
}

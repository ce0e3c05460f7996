/** The xAPI version header on every answer and request, and the About Resource. */
import type { RequestHandler } from 'express';
import { BadRequestError } from '../../errors.js';
import {
  LRS_VERSION,
  SUPPORTED_VERSIONS,
  isSupportedVersion,
} from '../../xapi/validate/version.js';

export const VERSION_HEADER = 'X-Experience-API-Version';

/** xAPI Communication 3.3: every response carries the version header, set to the latest patch. */
export const setVersionHeader: RequestHandler = (req, res, next) => {
  // A 1.0.x client is answered in the latest 1.0 patch (xAPI 1.0.3 Communication 3.3).
  const isVersion1 = req.get(VERSION_HEADER)?.trim().startsWith('1.0') ?? false;
  res.set(VERSION_HEADER, isVersion1 ? '1.0.3' : LRS_VERSION);
  next();
};

/** xAPI Communication 2.8: the About Resource needs neither credentials nor a version header. */
export const about: RequestHandler = (_req, res) => {
  res.json({ version: SUPPORTED_VERSIONS });
};

/**
 * xAPI Communication 3.3: requests without a version header, or with a version this LRS does
 * not implement (anything but 1.0.x and 2.0.x), are refused with 400.
 */
export const requireVersionHeader: RequestHandler = (req, _res, next) => {
  const version = req.get(VERSION_HEADER);
  if (version === undefined) throw new BadRequestError(`The ${VERSION_HEADER} header is required`);
  if (!isSupportedVersion(version.trim())) {
    throw new BadRequestError(`${VERSION_HEADER} ${version} is not supported: use 1.0.x or 2.0.x`);
  }
  next();
};

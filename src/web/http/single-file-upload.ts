import type { RequestHandler, Response } from 'express';
import multer from 'multer';
import { BadRequestError } from '../../errors.js';

const TOO_LARGE = 'uploadTooLarge';

/**
 * Parses a multipart form with at most one file, in `field`, kept in memory as `req.file`.
 * A file over `maxFileBytes` is not an error: the file is dropped, the fields sent before it stay
 * in `req.body`, and `isUploadTooLarge(res)` is true, so the page can say so beside the field.
 * Any other form multer cannot read (more files or fields than allowed) is a 400.
 */
export function singleFileUpload(options: {
  field: string;
  maxFileBytes: number;
  maxFields: number;
  maxFieldBytes: number;
}): RequestHandler {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: {
      fileSize: options.maxFileBytes,
      files: 1,
      fields: options.maxFields,
      fieldSize: options.maxFieldBytes,
    },
  }).single(options.field);
  return (req, res, next) => {
    upload(req, res, (error: unknown) => {
      if (error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE') {
        res.locals[TOO_LARGE] = true;
        next();
        return;
      }
      if (error instanceof multer.MulterError) {
        next(new BadRequestError(`The form could not be read: ${error.message}`));
        return;
      }
      next(error);
    });
  };
}

/** Whether `singleFileUpload` dropped the request's file for being larger than allowed. */
export function isUploadTooLarge(res: Response): boolean {
  return res.locals[TOO_LARGE] === true;
}

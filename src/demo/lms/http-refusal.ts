/**
 * How the demo LMS's endpoints refuse a request, and the request helpers they share: refusals
 * are answered as `{ error, error_description }` with an HTTP status, as OAuth 2 (RFC 6749
 * section 5.2) and the LTI Advantage services do.
 */
import type { ErrorRequestHandler, Request, Response as ExpressResponse } from 'express';

/** A refusal the routes turn into `{ error, error_description }` with an HTTP status. */
export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The last handler of the platform's routes: answers refusals and unexpected errors. */
export const answerRefusal: ErrorRequestHandler = (error: unknown, _req, res, next): void => {
  if (res.headersSent) return next(error);
  const refusal = error instanceof HttpRefusal ? error : describeUnexpectedError(error);
  res
    .status(refusal.status)
    .set(refusal.headers)
    .json({ error: refusal.code, error_description: refusal.message });
};

function describeUnexpectedError(error: unknown): HttpRefusal {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpRefusal(status, 'invalid_request', (error as Error).message);
  }
  return new HttpRefusal(
    500,
    'server_error',
    error instanceof Error ? error.message : String(error),
  );
}

export function stringParam(source: unknown, name: string): string | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  const value = (source as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

export function pathParam(req: Request, name: string): string {
  return stringParam(req.params, name) ?? '';
}

export function requireMediaType(req: Request, mediaType: string): void {
  if (!req.is(mediaType)) {
    throw new HttpRefusal(415, 'unsupported_media_type', `the body must be ${mediaType}`);
  }
}

/**
 * Answers `items`, or the page of them that `limit` and `page` select, with an RFC 8288 `next`
 * link when more follow (AGS 2.0 section 3.2.4.1).
 */
export function sendPage(
  req: Request,
  res: ExpressResponse,
  baseUrl: string,
  items: unknown[],
  mediaType: string,
): void {
  res.type(mediaType).json(selectPage(req, res, baseUrl, items));
}

/**
 * The page of `items` that `page` and `limit` (else `defaultLimit`, else everything) select;
 * sets an RFC 8288 `next` link on `res` when more follow.
 */
export function selectPage<T>(
  req: Request,
  res: ExpressResponse,
  baseUrl: string,
  items: T[],
  defaultLimit?: number,
): T[] {
  const limit = positiveInteger(req, 'limit') ?? defaultLimit;
  const page = positiveInteger(req, 'page') ?? 1;
  if (limit === undefined) return items;
  const start = (page - 1) * limit;
  if (start + limit < items.length) {
    const next = new URL(baseUrl);
    for (const [key, value] of Object.entries(req.query)) {
      if (typeof value === 'string') next.searchParams.set(key, value);
    }
    next.searchParams.set('page', String(page + 1));
    res.set('link', `<${next.href}>; rel="next"`);
  }
  return items.slice(start, start + limit);
}

function positiveInteger(req: Request, name: string): number | undefined {
  const text = stringParam(req.query, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new HttpRefusal(400, 'invalid_request', `${name} must be a positive integer`);
  }
  return value;
}

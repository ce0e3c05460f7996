import type { RequestHandler } from 'express';
import { BadRequestError } from '../../errors.js';
import { VERSION_HEADER } from './version-headers.js';

/** Form fields the Alternate Request Syntax carries as headers (xAPI 1.0.3 Communication 1.3). */
const FORM_HEADERS = [
  'authorization',
  'x-experience-api-version',
  'content-type',
  'content-length',
  'if-match',
  'if-none-match',
];

/**
 * xAPI 1.0.3 Communication 1.3, Alternate Request Syntax: a POST with only `method` in its
 * query and a form body stands for that method, the form's header fields as headers,
 * `content` as the body and its other fields as parameters. xAPI 2.0 removed it, so a 2.0
 * request using it is refused with 400.
 */
export const alternateRequestSyntax: RequestHandler = (req, _res, next) => {
  const query = req.query as Record<string, unknown>;
  if (req.method !== 'POST' || query.method === undefined) {
    next();
    return;
  }
  const method = String(query.method).toUpperCase();
  if (Object.keys(query).length !== 1) {
    throw new BadRequestError('The Alternate Request Syntax allows no parameter but method');
  }
  if (!['GET', 'PUT', 'POST', 'DELETE', 'HEAD'].includes(method)) {
    throw new BadRequestError(`method ${method} is not an HTTP method of the xAPI`);
  }
  if (!req.is('application/x-www-form-urlencoded')) {
    throw new BadRequestError('The Alternate Request Syntax sends an urlencoded form');
  }
  const form = { ...(req.body as Record<string, string>) };
  const parameters = new URLSearchParams();
  let content: string | undefined;
  delete req.headers['content-type'];
  for (const [name, value] of Object.entries(form)) {
    if (FORM_HEADERS.includes(name.toLowerCase())) {
      req.headers[name.toLowerCase()] = value;
    } else if (name === 'content') {
      content = value;
    } else {
      parameters.set(name, value);
    }
  }
  const version = req.get(VERSION_HEADER)?.trim() ?? '';
  if (version.startsWith('2.')) {
    throw new BadRequestError('xAPI 2.0 removed the Alternate Request Syntax');
  }
  if ((method === 'PUT' || method === 'POST') && content === undefined) {
    throw new BadRequestError('The Alternate Request Syntax needs the content form field');
  }
  req.headers['content-type'] ??= 'application/json';
  if (content !== undefined) {
    try {
      req.body = req.is('application/json') ? (JSON.parse(content) as unknown) : content;
    } catch {
      throw new BadRequestError('The content form field is not valid JSON');
    }
  }
  req.method = method;
  const search = parameters.toString();
  req.url = `${req.path}${search === '' ? '' : `?${search}`}`;
  next();
};

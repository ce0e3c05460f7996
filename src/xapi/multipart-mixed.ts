import { BadRequestError } from '../errors.js';

/** One part of a multipart body: its headers (lower-case names) and its raw content. */
export interface BodyPart {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');

/** The boundary parameter of a multipart media type (RFC 2046 section 5.1.1), or null. */
export function boundaryOf(contentType: string): string | null {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2] ?? null;
}

/**
 * Splits a multipart body (RFC 2046 section 5.1) into its parts. Throws BadRequestError when
 * the boundary is missing or the body is not well formed, since xAPI Communication 1.5.2 makes
 * that a 400.
 */
export function parseMultipart(body: Buffer, contentType: string): BodyPart[] {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw new BadRequestError('A multipart request needs a boundary parameter');
  const delimiter = Buffer.from(`--${boundary}`);
  let position = body.indexOf(delimiter);
  if (position < 0) throw new BadRequestError('The multipart body has no part delimiter');
  const parts: BodyPart[] = [];
  for (;;) {
    position += delimiter.length;
    if (body.subarray(position, position + 2).toString() === '--') return parts;
    position = skipLineEnd(body, position);
    const headersEnd = body.indexOf(HEADERS_END, position - 2);
    if (headersEnd < 0) throw new BadRequestError('A multipart part has no end of headers');
    const headers = parseHeaders(body.subarray(position, Math.max(position, headersEnd)));
    const contentStart = headersEnd + HEADERS_END.length;
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), contentStart - 2);
    if (next < 0) throw new BadRequestError('The multipart body has no closing delimiter');
    parts.push({ headers, body: body.subarray(contentStart, Math.max(contentStart, next)) });
    position = next + CRLF.length;
  }
}

function skipLineEnd(body: Buffer, position: number): number {
  let at = position;
  while (body[at] === 0x20 || body[at] === 0x09) at += 1;
  if (body[at] === 0x0d && body[at + 1] === 0x0a) return at + 2;
  throw new BadRequestError('A multipart delimiter must end its line');
}

function parseHeaders(block: Buffer): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.toString('latin1').split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new BadRequestError(`A multipart part has a malformed header: ${line}`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** Builds a multipart/mixed body from JSON and binary parts; returns it with its content type. */
export function buildMultipart(parts: readonly BodyPart[]): { body: Buffer; contentType: string } {
  const boundary = `xapi-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const head = Object.entries(part.headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    chunks.push(Buffer.from(`--${boundary}\r\n${head}\r\n`), part.body, CRLF);
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/mixed; boundary=${boundary}` };
}

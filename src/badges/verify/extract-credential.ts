import { decodeJwt, type JWTPayload } from 'jose';
import { unbakePng, unbakeSvg } from '../bake.js';
import type { Reason, VerificationReport } from './verification-report.js';

/**
 * Finding the credential in what was sent: a JSON credential (or `{ "credential": ... }`
 * around one), a compact VC-JWT, or either baked in a PNG or SVG. Every step is linear in the
 * input, and JSON nested deeper than any credential needs is refused before it is parsed: the
 * checks that follow (schema, JSON-LD) recurse into it.
 */

export type Format = VerificationReport['format'];

export type ExtractedCredential =
  | {
      format: Format;
      container: 'png' | 'svg' | null;
      credential: Record<string, unknown>;
      /** The compact JWT when the credential came as one. */
      jwt: string | null;
    }
  | { format: Format; error: Reason };

/** Deeper than an OB 3.0 credential with embedded endorsements goes (about 15 levels). */
export const MAX_JSON_DEPTH = 64;

const JWT = /^[\w-]+\.[\w-]+\.[\w-]*$/;
const JWT_CLAIMS = ['iss', 'jti', 'nbf', 'sub', 'exp', 'iat', 'aud'];
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

export function extractCredential(input: unknown): ExtractedCredential {
  if (Buffer.isBuffer(input)) {
    if (input.subarray(0, 4).equals(PNG_SIGNATURE)) {
      let text: string | null;
      try {
        text = unbakePng(input);
      } catch (error) {
        const detail = (error as Error).message;
        return failed('png', `Not a readable PNG: ${detail}`, 'pngUnreadable', { detail });
      }
      if (text === null) {
        return failed('png', 'The PNG has no openbadgecredential chunk', 'pngWithoutCredential');
      }
      return fromText(text, 'png', false);
    }
    return fromText(input.toString('utf8'), null, true);
  }
  if (typeof input === 'string') return fromText(input, null, true);
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    return {
      format: 'json',
      container: null,
      credential: input as Record<string, unknown>,
      jwt: null,
    };
  }
  return failed('unknown', 'Send a credential as JSON, a JWT, a PNG or an SVG', 'unsupportedInput');
}

/**
 * Whether JSON text nests arrays and objects deeper than `limit`. One pass that stops at the
 * first level too deep; text that is not JSON may be miscounted, and then fails to parse.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let at = 0; at < text.length; at += 1) {
    const char = text[at];
    if (inString) {
      if (char === '\\') at += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === '{' || char === '[') {
      depth += 1;
      if (depth > limit) return true;
    } else if (char === '}' || char === ']') {
      depth -= 1;
    }
  }
  return false;
}

function fromText(
  raw: string,
  container: 'png' | 'svg' | null,
  mayBeEnvelope: boolean,
): ExtractedCredential {
  const text = raw.trim();
  const isSvg = text.startsWith('<') || (!text.startsWith('{') && text.includes('<svg'));
  if (container === null && isSvg) {
    let baked: string | null;
    try {
      baked = unbakeSvg(text);
    } catch (error) {
      const detail = (error as Error).message;
      return failed('svg', `Not a readable SVG: ${detail}`, 'svgUnreadable', { detail });
    }
    if (baked === null) {
      return failed('svg', 'The SVG has no openbadges:credential', 'svgWithoutCredential');
    }
    return fromText(baked, 'svg', false);
  }
  if (JWT.test(text)) return fromJwt(text, container);
  const format = container ?? 'json';
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) return tooDeep(format);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return failed(format, 'Neither a JSON credential nor a compact JWT', 'neitherJsonNorJwt');
  }
  return fromJson(parsed as Record<string, unknown>, format, container, mayBeEnvelope);
}

/** `{ "credential": ... }`, as API clients may send it, is opened once. */
function fromJson(
  json: Record<string, unknown>,
  format: Format,
  container: 'png' | 'svg' | null,
  mayBeEnvelope: boolean,
): ExtractedCredential {
  const wrapped = json.credential;
  if (mayBeEnvelope && wrapped !== undefined && json['@context'] === undefined) {
    if (typeof wrapped === 'string') return fromText(wrapped, null, false);
    return extractCredential(wrapped);
  }
  return { format, container, credential: json, jwt: null };
}

function fromJwt(jwt: string, container: 'png' | 'svg' | null): ExtractedCredential {
  const format = container ?? 'jwt';
  const payload = Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8');
  if (nestsDeeperThan(payload, MAX_JSON_DEPTH)) return tooDeep(format);
  try {
    return { format, container, credential: credentialOfJwt(decodeJwt(jwt)), jwt };
  } catch {
    return failed(format, 'The JWT payload is not JSON', 'jwtPayloadNotJson');
  }
}

/** A VC-JWT carries the credential as its payload (VCDM 2.0) or in `vc` (VCDM 1.1). */
function credentialOfJwt(payload: JWTPayload): Record<string, unknown> {
  if (payload.vc && typeof payload.vc === 'object') return payload.vc as Record<string, unknown>;
  const credential: Record<string, unknown> = { ...payload };
  for (const claim of JWT_CLAIMS) delete credential[claim];
  return credential;
}

function tooDeep(format: Format): ExtractedCredential {
  const limit = String(MAX_JSON_DEPTH);
  return failed(
    format,
    `The JSON nests more than ${limit} levels deep, deeper than any credential`,
    'jsonTooDeep',
    { limit },
  );
}

function failed(
  format: Format,
  reason: string,
  reasonCode: Reason['reasonCode'],
  reasonValues?: Record<string, string>,
): ExtractedCredential {
  return { format, error: { reason, reasonCode, ...(reasonValues ? { reasonValues } : {}) } };
}

import xapiModule from '@xapi/xapi';
import { MicrocredError } from '../../errors.js';
import type { OutgoingFetch } from '../../outgoing/outgoing-requests.js';

// The package is CommonJS whose class is also its own `default`; its types describe the ES form.
const XAPI = xapiModule.default;
/** An `@xapi/xapi` client. */
export type XapiClient = InstanceType<typeof XAPI>;
type XapiConfig = ConstructorParameters<typeof XAPI>[0];
type AdapterFunction = Extract<NonNullable<XapiConfig['adapter']>, (...args: never[]) => unknown>;

/** An external LRS request that takes longer than this fails (and its outbox job is retried). */
const REQUEST_TIMEOUT_MS = 30_000;
/** A page of statements (the LRS chooses its length) or a batch's answer. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
/** How much of an external LRS's error answer is kept in the error message. */
const ANSWER_EXCERPT_CHARS = 300;

/**
 * An external LRS answered with an error status, or could not be reached (`status` null).
 * Its message names the request and the answer, never the credentials.
 */
export class ExternalLrsRequestError extends MicrocredError {
  override readonly code = 'XAPI_EXTERNAL_LRS_REQUEST_FAILED';

  constructor(
    message: string,
    /** The HTTP status the external LRS answered, or null when it was not reached. */
    readonly upstreamStatus: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Whether trying again later may succeed: unreachable, 408, 429 or a server error. */
  get isTransient(): boolean {
    const status = this.upstreamStatus;
    return status === null || status === 408 || status === 429 || status >= 500;
  }
}

/** Where an external LRS is and how to authenticate to it (the secret in clear). */
export interface ExternalLrsAccess {
  readonly endpoint: string;
  readonly basicKey: string;
  readonly basicSecret: string;
  readonly xapiVersion: '2.0.0' | '1.0.3';
}

/**
 * An `@xapi/xapi` client for one external LRS, sending the connection's
 * X-Experience-API-Version. Its transport is `outgoingFetch` (address checks, no redirects:
 * they would carry the Basic credentials elsewhere, size limit), which gives up after
 * REQUEST_TIMEOUT_MS; it throws ExternalLrsRequestError for a failed request (with the one
 * message outgoingFetch gives for every failure) or any answer outside 2xx.
 */
export function createExternalLrsClient(
  access: ExternalLrsAccess,
  outgoingFetch: OutgoingFetch,
): XapiClient {
  return new XAPI({
    endpoint: access.endpoint,
    auth: XAPI.toBasicAuth(access.basicKey, access.basicSecret),
    // The library's types list the 1.0.x versions only; it sends whatever version it is given.
    version: access.xapiVersion as XapiConfig['version'],
    adapter: adapterOver(outgoingFetch),
  });
}

const adapterOver =
  (outgoingFetch: OutgoingFetch): AdapterFunction =>
  async ({ url, method, data, headers = {} }) => {
    const request = `${method} ${withoutQuery(url)}`;
    let response;
    try {
      response = await outgoingFetch(url, {
        method,
        headers,
        body: await requestBody(data, headers),
        timeoutMs: REQUEST_TIMEOUT_MS,
        maxResponseBytes: MAX_ANSWER_BYTES,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ExternalLrsRequestError(`${request} failed: ${reason}`, null, { cause: error });
    }
    const text = await response.text();
    if (!response.ok) {
      const answer = excerpt(text);
      throw new ExternalLrsRequestError(
        `${request} answered ${response.status}${answer ? `: ${answer}` : ''}`,
        response.status,
      );
    }
    return {
      // The library trusts the answer to have the shape of the resource asked for.
      data: parseAnswer(text) as never,
      headers: Object.fromEntries(response.headers),
      status: response.status,
    };
  };

async function requestBody(
  data: unknown,
  headers: Record<string, string>,
): Promise<string | Uint8Array | undefined> {
  if (data === undefined || data === null) return undefined;
  // A statement with attachments comes as a multipart/mixed Blob.
  if (data instanceof Blob) return new Uint8Array(await data.arrayBuffer());
  if (typeof data === 'string') return data;
  return headers['Content-Type'] === 'application/json' ? JSON.stringify(data) : String(data);
}

function parseAnswer(text: string): unknown {
  if (text === '') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The URL without its query string, which may hold agents' identifiers. */
function withoutQuery(url: string): string {
  return url.split('?')[0] ?? url;
}

function excerpt(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > ANSWER_EXCERPT_CHARS
    ? `${oneLine.slice(0, ANSWER_EXCERPT_CHARS)}…`
    : oneLine;
}

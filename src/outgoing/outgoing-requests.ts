import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, fetch as undiciFetch, type Headers, Response } from 'undici';
import type { Logger } from '../config/logger.js';
import type { OutgoingAllowList } from '../config/settings.js';
import { MicrocredError } from '../errors.js';
import { createAddressPolicy, type AddressPolicy } from './address-policy.js';

/** Connecting (DNS, TCP and TLS) must finish within this. */
const CONNECT_TIMEOUT_MS = 5_000;
/** The whole request, answer body included, unless the caller asks for less or more. */
const DEFAULT_TIMEOUT_MS = 15_000;
/** The largest answer body read, unless the caller asks for another limit. */
const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * Another server could not be reached, took too long, redirected, answered too much, or is
 * at an address the tool may not reach. One message for all of them, so nobody can learn
 * through the tool which internal ports answer; the reason goes to the debug log.
 */
export class OutgoingRequestError extends MicrocredError {
  override readonly code = 'OUTGOING_REQUEST_FAILED';
  override readonly status = 502;
  override readonly expose = true;

  constructor(options?: { cause?: unknown }) {
    super(
      'microcred could not get an answer from the other server. Check the address, or try again later.',
      options,
    );
  }
}

export interface OutgoingRequestInit {
  readonly method?: string;
  readonly headers?: Record<string, string> | Headers | globalThis.Headers;
  readonly body?: string | URLSearchParams | Uint8Array;
  /** Ends the request early, in addition to the timeout. */
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  readonly maxResponseBytes?: number;
}

/**
 * Sends a request and reads the whole answer, within the limits. Resolves with any answer
 * that is not a redirect (the caller judges 4xx and 5xx); throws OutgoingRequestError for
 * everything else.
 */
export type OutgoingFetch = (url: string | URL, init?: OutgoingRequestInit) => Promise<Response>;

export interface OutgoingRequests {
  readonly fetch: OutgoingFetch;
  /** Closes the kept-alive connections. */
  close(): Promise<void>;
}

/** The lookup found an address the policy refuses. */
class AddressRefusedError extends Error {
  override readonly name = 'AddressRefusedError';
}

/**
 * The one way the tool reaches other servers (LMS configuration, key sets, tokens and
 * services; external LRSs). Every request:
 * - connects only to public addresses, or to the hosts and networks of `allowPrivate`, checked
 *   on the addresses the connection actually uses (the DNS lookup of the connection, so a name
 *   that resolves differently the second time cannot slip through), and on IP literals;
 * - follows no redirect: a 3xx answer fails (a redirect could carry credentials elsewhere, and
 *   LTI and xAPI services answer at the URLs they publish);
 * - gives up after CONNECT_TIMEOUT_MS to connect and `timeoutMs` in all;
 * - reads at most `maxResponseBytes` of the answer and aborts past it.
 */
export function createOutgoingRequests(options: {
  allowPrivate: OutgoingAllowList;
  logger: Logger;
}): OutgoingRequests {
  const { logger } = options;
  const policy = createAddressPolicy(options.allowPrivate);
  const agent = new Agent({
    connect: { timeout: CONNECT_TIMEOUT_MS, lookup: checkedLookup(policy) },
  });

  const refuse = (url: URL | null, reason: string, cause?: unknown): never => {
    logger.debug('http', 'outgoing request failed', {
      url: url ? `${url.origin}${url.pathname}` : null,
      reason,
    });
    throw new OutgoingRequestError({ cause });
  };

  const outgoingFetch: OutgoingFetch = async (target, init = {}) => {
    const url = URL.canParse(String(target)) ? new URL(String(target)) : null;
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      return refuse(url, 'not an http(s) URL');
    }
    const literal = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(literal) !== 0 && !policy.allows(literal, literal)) {
      return refuse(url, `address ${literal} is not public and not allowed`);
    }
    const timeoutMs = init.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const signal = init.signal
      ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)])
      : AbortSignal.timeout(timeoutMs);
    const maxResponseBytes = init.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    try {
      const response = await undiciFetch(url, {
        method: init.method ?? 'GET',
        headers: init.headers as Record<string, string>,
        body: init.body,
        redirect: 'manual',
        signal,
        dispatcher: agent,
      });
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel();
        return refuse(url, `redirect ${response.status} not followed`);
      }
      const declaredLength = Number(response.headers.get('content-length') ?? 0);
      if (declaredLength > maxResponseBytes) {
        await response.body?.cancel();
        return refuse(url, `answer of ${declaredLength} bytes exceeds ${maxResponseBytes}`);
      }
      const body = await readBody(response, maxResponseBytes);
      if (body === null) {
        return refuse(url, `answer exceeds ${maxResponseBytes} bytes`);
      }
      return new Response(response.status === 204 || response.status === 205 ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch (error) {
      if (error instanceof OutgoingRequestError) throw error;
      return refuse(url, describeFailure(error, signal), error);
    }
  };

  return { fetch: outgoingFetch, close: () => agent.close() };
}

/** The whole body, or null when it grows past the limit (the download is then cancelled). */
async function readBody(response: Response, maxBytes: number): Promise<Uint8Array | null> {
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, length);
}

/** A DNS lookup that fails unless the policy allows every address the host resolves to. */
function checkedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find(({ address }) => !policy.allows(hostname, address));
      const first = addresses[0];
      if (refused || !first) {
        const reason = refused
          ? `${hostname} resolves to ${refused.address}, which is not public and not allowed`
          : `${hostname} resolves to no address`;
        return callback(
          Object.assign(new AddressRefusedError(reason), { code: 'EADDRREFUSED' }),
          '',
          0,
        );
      }
      if (lookupOptions.all) {
        (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
        return;
      }
      callback(null, first.address, first.family);
    });
  };
}

/** What went wrong, for the debug log: the innermost cause's code and message. */
function describeFailure(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return `timed out or aborted (${String(signal.reason)})`;
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${code}: ${current.message}` : current.message);
    current = current.cause;
  }
  return parts.join(' <- ') || String(error);
}

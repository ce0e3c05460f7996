/**
 * A small browser for tests: Node's global `fetch` plus what a browser adds around it, namely a
 * cookie jar (RFC 6265 storage and sending rules), redirects followed by hand so that every hop
 * stores and sends cookies, and submission of HTML forms such as the auto-posting form of an
 * OpenID Connect `form_post` response.
 *
 * Known simplifications: cookies are not partitioned by port (as in browsers, so every server on
 * 127.0.0.1 shares one jar), SameSite is recorded but never enforced (all test servers share the
 * site 127.0.0.1), and there is no public-suffix list.
 */

/** One stored cookie, as the jar keeps it. */
export interface Cookie {
  readonly name: string;
  /** The raw value, exactly as the server sent it (no percent-decoding). */
  readonly value: string;
  /** The host the cookie belongs to, lower case, without a leading dot. */
  readonly domain: string;
  /** True when the cookie had no Domain attribute: it goes back to `domain` only. */
  readonly isHostOnly: boolean;
  readonly path: string;
  /** When the cookie expires; `undefined` for a session cookie. */
  readonly expires: Date | undefined;
  readonly isSecure: boolean;
  readonly isHttpOnly: boolean;
  /** The SameSite attribute as sent, recorded but not enforced. */
  readonly sameSite: string | undefined;
}

/** `fetch` options plus the browser's own. */
export interface BrowserRequestInit extends Omit<RequestInit, 'redirect'> {
  /** Follow 301/302/303/307/308 answers (up to 10 hops). Defaults to true. */
  followRedirects?: boolean;
}

/** What a navigation ends with. */
export interface BrowserResponse {
  /** The last response (after redirects, unless they were not followed). */
  readonly response: Response;
  /** The URL that answered `response`. */
  readonly finalUrl: string;
}

/** A browser-like HTTP client with its own cookie jar. */
export interface Browser {
  /**
   * Sends a request with the jar's cookies, stores the cookies of every answer and follows
   * redirects as browsers do: 301/302 turn a POST into a GET, 303 turns anything but HEAD into a
   * GET, 307/308 repeat the method and body. The Authorization header is dropped when a redirect
   * leaves the origin. Throws after 10 redirects.
   */
  request(url: string | URL, init?: BrowserRequestInit): Promise<BrowserResponse>;
  /**
   * Submits the first `<form>` of `html` (found at `baseUrl`) with its hidden inputs, as
   * `application/x-www-form-urlencoded` for `method="post"` or as a query for GET. Throws a
   * TypeError when the page holds no form.
   */
  submitForm(
    html: string,
    baseUrl: string | URL,
    options?: Pick<BrowserRequestInit, 'followRedirects'>,
  ): Promise<BrowserResponse>;
  /** The unexpired cookies in the jar, or those a request to `host` would carry on some path. */
  cookies(host?: string): Cookie[];
}

/** Options of {@link createBrowser}. */
export interface BrowserOptions {
  /** The clock the jar uses for Expires and Max-Age, in milliseconds since the epoch. */
  now?: () => number;
}

const maxRedirects = 10;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/** Creates a browser with an empty cookie jar. */
export function createBrowser(options: BrowserOptions = {}): Browser {
  const jar = new CookieJar(options.now ?? Date.now);

  async function request(
    url: string | URL,
    init: BrowserRequestInit = {},
  ): Promise<BrowserResponse> {
    const { followRedirects = true, ...fetchInit } = init;
    let currentUrl = new URL(url);
    let method = (fetchInit.method ?? 'GET').toUpperCase();
    let body = fetchInit.body;
    const headers = new Headers(fetchInit.headers);
    for (let hop = 0; ; hop += 1) {
      const hopHeaders = new Headers(headers);
      const cookieHeader = jar.header(currentUrl);
      if (cookieHeader) {
        const own = hopHeaders.get('cookie');
        hopHeaders.set('cookie', own ? `${own}; ${cookieHeader}` : cookieHeader);
      }
      const response = await fetch(currentUrl, {
        ...fetchInit,
        method,
        body,
        headers: hopHeaders,
        redirect: 'manual',
      });
      for (const line of response.headers.getSetCookie()) jar.store(line, currentUrl);

      const location = response.headers.get('location');
      if (!followRedirects || !redirectStatuses.has(response.status) || location === null) {
        return { response, finalUrl: currentUrl.href };
      }
      if (hop === maxRedirects) {
        throw new Error(`More than ${maxRedirects} redirects, the last to ${location}`);
      }
      await response.body?.cancel();
      const nextUrl = new URL(location, currentUrl);
      const isPostToGet = (response.status === 301 || response.status === 302) && method === 'POST';
      if (isPostToGet || (response.status === 303 && method !== 'HEAD')) {
        method = 'GET';
        body = undefined;
        for (const name of ['content-type', 'content-length', 'content-encoding']) {
          headers.delete(name);
        }
      }
      if (nextUrl.origin !== currentUrl.origin) headers.delete('authorization');
      currentUrl = nextUrl;
    }
  }

  return {
    request,
    async submitForm(html, baseUrl, options = {}) {
      const form = parseFirstForm(html, new URL(baseUrl));
      if (form.method === 'POST') {
        return request(form.action, {
          ...options,
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form.fields,
        });
      }
      const target = new URL(form.action);
      target.search = form.fields.toString();
      return request(target, options);
    },
    cookies: (host) => jar.list(host),
  };
}

interface ParsedForm {
  action: URL;
  method: 'GET' | 'POST';
  fields: URLSearchParams;
}

function parseFirstForm(html: string, baseUrl: URL): ParsedForm {
  const start = /<form\b([^>]*)>/i.exec(html);
  if (!start) throw new TypeError('The page holds no <form>');
  const rest = html.slice(start.index + start[0].length);
  const end = rest.search(/<\/form\s*>/i);
  const inner = end === -1 ? rest : rest.slice(0, end);
  const formAttributes = parseAttributes(start[1] ?? '');
  const fields = new URLSearchParams();
  for (const input of inner.matchAll(/<input\b([^>]*)>/gi)) {
    const attributes = parseAttributes(input[1] ?? '');
    const name = attributes.get('name');
    if (name && attributes.get('type')?.toLowerCase() === 'hidden') {
      fields.append(name, attributes.get('value') ?? '');
    }
  }
  const action = formAttributes.get('action');
  return {
    // An empty or missing action submits to the page itself (HTML "form submission algorithm").
    action: action ? new URL(action, baseUrl) : new URL(baseUrl),
    method: formAttributes.get('method')?.toLowerCase() === 'post' ? 'POST' : 'GET',
    fields,
  };
}

/** Attribute names (lower case) to their decoded values; a bare attribute maps to ''. */
function parseAttributes(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const pattern = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const match of source.matchAll(pattern)) {
    const name = (match[1] ?? '').toLowerCase();
    if (!attributes.has(name)) {
      attributes.set(name, decodeEntities(match[2] ?? match[3] ?? match[4] ?? ''));
    }
  }
  return attributes;
}

const namedEntities: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, body: string) => {
    if (body.startsWith('#')) {
      const isHex = body[1] === 'x' || body[1] === 'X';
      const codePoint = Number.parseInt(body.slice(isHex ? 2 : 1), isHex ? 16 : 10);
      return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : entity;
    }
    return namedEntities[body.toLowerCase()] ?? entity;
  });
}

interface StoredCookie extends Cookie {
  readonly createdAt: number;
}

/** Cookie storage and retrieval after RFC 6265 section 5. */
class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Stores (or, when already expired, deletes) the cookie of one Set-Cookie line. */
  store(line: string, url: URL): void {
    const [pair = '', ...attributeParts] = line.split(';');
    const equals = pair.indexOf('=');
    if (equals < 1) return;
    const name = pair.slice(0, equals).trim();
    const value = pair.slice(equals + 1).trim();
    const host = url.hostname.toLowerCase();
    const now = this.#now();

    let expiresAt: number | undefined;
    let maxAgeExpiresAt: number | undefined;
    let domainAttribute: string | undefined;
    let path: string | undefined;
    let isSecure = false;
    let isHttpOnly = false;
    let sameSite: string | undefined;
    for (const part of attributeParts) {
      const separator = part.indexOf('=');
      const key = (separator === -1 ? part : part.slice(0, separator)).trim().toLowerCase();
      const attributeValue = separator === -1 ? '' : part.slice(separator + 1).trim();
      switch (key) {
        case 'expires': {
          const time = Date.parse(attributeValue);
          if (!Number.isNaN(time)) expiresAt = time;
          break;
        }
        case 'max-age':
          // RFC 6265 section 5.2.2: a delta of zero or less means "expire now".
          if (/^-?\d+$/.test(attributeValue)) {
            const seconds = Number(attributeValue);
            maxAgeExpiresAt = seconds <= 0 ? 0 : now + seconds * 1000;
          }
          break;
        case 'domain':
          if (attributeValue) domainAttribute = attributeValue.replace(/^\./, '').toLowerCase();
          break;
        case 'path':
          if (attributeValue.startsWith('/')) path = attributeValue;
          break;
        case 'secure':
          isSecure = true;
          break;
        case 'httponly':
          isHttpOnly = true;
          break;
        case 'samesite':
          sameSite = attributeValue;
          break;
      }
    }
    if (domainAttribute !== undefined && !domainMatches(host, domainAttribute)) return;
    if (isSecure && !isTrustworthy(url)) return;

    const cookie: StoredCookie = {
      name,
      value,
      domain: domainAttribute ?? host,
      isHostOnly: domainAttribute === undefined,
      path: path ?? defaultPath(url),
      expires: undefined,
      isSecure,
      isHttpOnly,
      sameSite,
      createdAt: now,
    };
    const key = `${cookie.domain}\t${cookie.path}\t${cookie.name}`;
    const expiry = maxAgeExpiresAt ?? expiresAt;
    if (expiry !== undefined && expiry <= now) {
      this.#cookies.delete(key);
      return;
    }
    const previous = this.#cookies.get(key);
    this.#cookies.set(key, {
      ...cookie,
      expires: expiry === undefined ? undefined : new Date(expiry),
      createdAt: previous?.createdAt ?? now,
    });
  }

  /** The Cookie header value for a request to `url`, or '' when no cookie applies. */
  header(url: URL): string {
    return this.#live()
      .filter((cookie) => this.#isSentTo(cookie, url.hostname.toLowerCase()))
      .filter((cookie) => pathMatches(url.pathname, cookie.path))
      .filter((cookie) => !cookie.isSecure || isTrustworthy(url))
      .sort((a, b) => b.path.length - a.path.length || a.createdAt - b.createdAt)
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }

  list(host?: string): Cookie[] {
    return this.#live()
      .filter((cookie) => host === undefined || this.#isSentTo(cookie, host.toLowerCase()))
      .map(({ createdAt: _createdAt, ...cookie }) => cookie);
  }

  #isSentTo(cookie: Cookie, host: string): boolean {
    return cookie.isHostOnly ? cookie.domain === host : domainMatches(host, cookie.domain);
  }

  #live(): StoredCookie[] {
    const now = this.#now();
    for (const [key, cookie] of this.#cookies) {
      if (cookie.expires !== undefined && cookie.expires.getTime() <= now) {
        this.#cookies.delete(key);
      }
    }
    return [...this.#cookies.values()];
  }
}

/** RFC 6265 section 5.1.3; an IP address only matches itself. */
function domainMatches(host: string, domain: string): boolean {
  if (host === domain) return true;
  const isIpAddress = /^[\d.]+$/.test(host) || host.includes(':');
  return !isIpAddress && host.endsWith(`.${domain}`);
}

/** RFC 6265 section 5.1.4. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/** RFC 6265 section 5.1.4: the directory of the request path. */
function defaultPath(url: URL): string {
  const lastSlash = url.pathname.lastIndexOf('/');
  return lastSlash <= 0 ? '/' : url.pathname.slice(0, lastSlash);
}

/**
 * Whether Secure cookies may travel to `url`. Browsers treat loopback hosts as potentially
 * trustworthy even over http (W3C Secure Contexts, section 3.1), which lets a tool that sets
 * `Secure; SameSite=None` cookies run in tests on http://127.0.0.1.
 */
function isTrustworthy(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  return (
    url.protocol === 'https:' ||
    host === '127.0.0.1' ||
    host === '[::1]' ||
    host === 'localhost' ||
    host.endsWith('.localhost')
  );
}

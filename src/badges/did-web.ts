import { DID_V1_CONTEXT_URL, MULTIKEY_V1_CONTEXT_URL } from './context-urls.js';

/**
 * did:web identifiers and DID documents for our issuer profiles, following the did:web method
 * specification (W3C CCG, https://w3c-ccg.github.io/did-method-web/):
 * - §3.1 Create: the host comes first, a port has its colon percent-encoded (`%3A`), and each
 *   path segment follows, separated by `:`;
 * - §3.2 Read: `:` become `/`, `/.well-known` is added when there is no path, then `/did.json`.
 */

const DID_WEB_PREFIX = 'did:web:';
/**
 * What a path segment or key id may contain here. Resolvers disagree on how to decode
 * percent-escapes in path segments, so we only mint segments that need none.
 */
const SAFE_SEGMENT = /^[A-Za-z0-9._-]+$/;
const HOST_AND_PORT = /^[a-z0-9.-]+(:\d{1,5})?$/;
/** Hosts whose DID documents are fetched over plain HTTP; see didToDocumentUrl. */
const LOCAL_HOSTNAMES = new Set(['localhost', '127.0.0.1']);

export type MultikeyVerificationMethod = {
  id: string;
  type: 'Multikey';
  controller: string;
  publicKeyMultibase: string;
};

/** A P-256 key for VC-JWT, as a DID Core `JsonWebKey` verification method. */
export type JwkVerificationMethod = {
  id: string;
  type: 'JsonWebKey';
  controller: string;
  publicKeyJwk: Record<string, unknown>;
};

export type DidDocument = {
  '@context': string[];
  id: string;
  verificationMethod: (MultikeyVerificationMethod | JwkVerificationMethod)[];
  assertionMethod: string[];
  authentication: string[];
};

/** One Ed25519 public key of an issuer, as the DID document lists it. */
export type DidDocumentKey = {
  /** The fragment of the verification method id: `<did>#<kid>`. */
  kid: string;
  publicKeyMultibase: string;
  /** Retired keys no longer sign, but stay listed so credentials they signed still verify. */
  isRetired: boolean;
};

/**
 * The did:web DID of an issuer profile served by the tool at `publicUrl`:
 * `http://localhost:3000` and `default` give `did:web:localhost%3A3000:issuers:default`.
 * Throws TypeError for a URL that is not http(s), has an IPv6 host, or a path segment or
 * profile id with characters outside `A-Z a-z 0-9 . _ -`.
 */
export function issuerDid(publicUrl: string, profileId: string): string {
  return `${baseDid(publicUrl)}:issuers:${checkSegment(profileId, 'profileId')}`;
}

/**
 * The issuer profile id inside one of our issuer DIDs, or null when `did` is not an issuer DID
 * minted by issuerDid for this `publicUrl`.
 */
export function parseIssuerDid(publicUrl: string, did: string): string | null {
  const prefix = `${baseDid(publicUrl)}:issuers:`;
  if (!did.startsWith(prefix)) return null;
  const profileId = did.slice(prefix.length);
  return SAFE_SEGMENT.test(profileId) ? profileId : null;
}

/**
 * Where a did:web DID document is published (§3.2 Read): `did:web:localhost%3A3000:issuers:x`
 * gives `http://localhost:3000/issuers/x/did.json`, `did:web:example.org` gives
 * `https://example.org/.well-known/did.json`.
 *
 * The method requires HTTPS. We use plain HTTP for `localhost` and `127.0.0.1` only, so a
 * development instance without TLS can resolve its own DIDs; every other host gets HTTPS.
 * Throws TypeError when `did` is not a did:web DID (a DID URL with a path, query or fragment
 * included) or its host is malformed.
 */
export function didToDocumentUrl(did: string): string {
  if (!did.startsWith(DID_WEB_PREFIX) || /[/?#]/.test(did)) {
    throw new TypeError(`Not a did:web DID: "${did}"`);
  }
  const [encodedHost = '', ...segments] = did.slice(DID_WEB_PREFIX.length).split(':');
  const host = safeDecode(encodedHost, did).toLowerCase();
  if (!HOST_AND_PORT.test(host) || segments.some((segment) => segment === '')) {
    throw new TypeError(`Malformed did:web DID: "${did}"`);
  }
  const hostname = host.replace(/:\d+$/, '');
  const scheme = LOCAL_HOSTNAMES.has(hostname) ? 'http' : 'https';
  const path =
    segments.length === 0
      ? '/.well-known'
      : `/${segments.map((segment) => encodeURIComponent(safeDecode(segment, did))).join('/')}`;
  return `${scheme}://${host}${path}/did.json`;
}

/**
 * A DID document listing each key as a `Multikey` verification method (`<did>#<kid>`). Every
 * key, retired or not, is an `assertionMethod`, so credentials signed before a rotation keep
 * verifying; only current keys are listed for `authentication`.
 * Throws TypeError for a key id that would not make a plain URL fragment.
 */
export function buildDidDocument(input: {
  did: string;
  keys: readonly DidDocumentKey[];
  /** The VC-JWT public keys (JWKs with their `kid`), listed as `JsonWebKey` methods. */
  jwtKeys?: readonly { kid: string; publicJwk: Record<string, unknown>; isRetired: boolean }[];
}): DidDocument {
  const { did, keys, jwtKeys = [] } = input;
  const methods: DidDocument['verificationMethod'] = keys.map((key) => ({
    id: `${did}#${checkSegment(key.kid, 'kid')}`,
    type: 'Multikey' as const,
    controller: did,
    publicKeyMultibase: key.publicKeyMultibase,
  }));
  const all = [...keys, ...jwtKeys];
  for (const key of jwtKeys) {
    methods.push({
      id: `${did}#${checkSegment(key.kid, 'kid')}`,
      type: 'JsonWebKey',
      controller: did,
      publicKeyJwk: key.publicJwk,
    });
  }
  return {
    '@context': [DID_V1_CONTEXT_URL, MULTIKEY_V1_CONTEXT_URL],
    id: did,
    verificationMethod: methods,
    assertionMethod: methods.map((method) => method.id),
    authentication: methods.filter((_, index) => !all[index]?.isRetired).map((method) => method.id),
  };
}

function baseDid(publicUrl: string): string {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch (cause) {
    throw new TypeError(`publicUrl is not a URL: "${publicUrl}"`, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`publicUrl must be http(s): "${publicUrl}"`);
  }
  if (url.hostname.startsWith('[')) {
    throw new TypeError(`did:web cannot name an IPv6 host: "${publicUrl}"`);
  }
  const host = url.port ? `${url.hostname}%3A${url.port}` : url.hostname;
  const segments = url.pathname
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => checkSegment(segment, 'publicUrl path segment'));
  return [`${DID_WEB_PREFIX}${host}`, ...segments].join(':');
}

function checkSegment(value: string, name: string): string {
  if (!SAFE_SEGMENT.test(value)) {
    throw new TypeError(`${name} may only contain A-Z a-z 0-9 . _ - (got "${value}")`);
  }
  return value;
}

function safeDecode(value: string, did: string): string {
  try {
    return decodeURIComponent(value);
  } catch (cause) {
    throw new TypeError(`Malformed did:web DID: "${did}"`, { cause });
  }
}

/**
 * Where the tool serves OpenID4VCI (oid4vci-routes.ts): the Credential Issuer and Authorization
 * Server metadata (§12.2, §12.3, RFC 8414), the token, nonce and credential endpoints, and the
 * learner's own API that makes offers. Apart from the library-bound modules, so that the app
 * can route to them before it loads them.
 */
export const CREDENTIAL_ISSUER_METADATA_PATH = '/.well-known/openid-credential-issuer';
export const AUTHORIZATION_SERVER_METADATA_PATH = '/.well-known/oauth-authorization-server';
export const TOKEN_PATH = '/oid4vci/token';
export const NONCE_PATH = '/oid4vci/nonce';
export const CREDENTIAL_PATH = '/oid4vci/credential';
/** `POST <prefix>:id/credential-offers`. */
export const CREDENTIAL_OFFERS_PREFIX = '/api/credentials/';

/** Every path above starts with one of these. */
export const OID4VCI_PATH_PREFIXES = [
  CREDENTIAL_ISSUER_METADATA_PATH,
  AUTHORIZATION_SERVER_METADATA_PATH,
  '/oid4vci/',
  CREDENTIAL_OFFERS_PREFIX,
] as const;

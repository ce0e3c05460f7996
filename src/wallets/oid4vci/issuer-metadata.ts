import type { AuthorizationServerMetadata } from '@openid4vc/oauth2';
import {
  Openid4vciIssuer,
  Openid4vciVersion,
  type CredentialIssuerMetadata,
  type IssuerMetadataResult,
} from '@openid4vc/openid4vci';
import {
  OB_V3P0_CONTEXT_URL,
  OB_V3P0_EXTENSIONS_CONTEXT_URL,
  VC_V2_CONTEXT_URL,
} from '../../badges/context-urls.js';
import { microcredentialContextUrl } from '../../badges/microcredential-context.js';
import {
  CREDENTIAL_CONFIGURATION_IDS,
  CREDENTIAL_CONFIGURATIONS,
  PRE_AUTHORIZED_CODE_GRANT,
  type CredentialConfigurationId,
} from './credential-configurations.js';
import { libraryCallbacks } from './library-callbacks.js';
import {
  AUTHORIZATION_SERVER_METADATA_PATH,
  CREDENTIAL_ISSUER_METADATA_PATH,
  CREDENTIAL_PATH,
  NONCE_PATH,
  TOKEN_PATH,
} from './oid4vci-paths.js';

/**
 * What the tool publishes as an OpenID4VCI 1.0 Credential Issuer (§12.2) and as the OAuth 2.0
 * Authorization Server it relies on (§12.3, RFC 8414): the tool is both, at its public URL.
 * The documents depend on the public URL only.
 */

export {
  CREDENTIAL_CONFIGURATION_IDS,
  CREDENTIAL_CONFIGURATIONS,
  PRE_AUTHORIZED_CODE_GRANT,
  isCredentialConfigurationId,
  type CredentialConfigurationId,
} from './credential-configurations.js';
export {
  AUTHORIZATION_SERVER_METADATA_PATH,
  CREDENTIAL_ISSUER_METADATA_PATH,
  CREDENTIAL_PATH,
  NONCE_PATH,
  TOKEN_PATH,
};

/** The JWS algorithms a key proof may be signed with: the keys did:key and did:jwk wallets hold. */
export const PROOF_SIGNING_ALGORITHMS = ['ES256', 'EdDSA'] as const;
export type ProofSigningAlgorithm = (typeof PROOF_SIGNING_ALGORITHMS)[number];

const OPEN_BADGE_TYPE = ['VerifiableCredential', 'OpenBadgeCredential'];

/**
 * The configuration a draft-13 wallet means when it asks by `format` and
 * `credential_definition.type` instead of by configuration id; undefined for anything else.
 */
export function configurationForFormat(
  format: string,
  credentialDefinition: unknown,
): CredentialConfigurationId | undefined {
  const types = (credentialDefinition as { type?: unknown } | undefined)?.type;
  if (!Array.isArray(types) || !types.includes('OpenBadgeCredential')) return undefined;
  return CREDENTIAL_CONFIGURATION_IDS.find((id) => CREDENTIAL_CONFIGURATIONS[id].format === format);
}

const CREDENTIAL_DISPLAY = [
  {
    name: 'Open Badge',
    locale: 'en',
    description:
      'An Open Badges 3.0 credential describing a European micro-credential: learning outcomes, workload, level and assessment.',
  },
];

/** The Credential Issuer Metadata served at `/.well-known/openid-credential-issuer`. */
export function credentialIssuerMetadata(publicUrl: string): CredentialIssuerMetadata {
  // Wallets bind the credential to the key that signed the proof (§8.1): a DID carrying its
  // key (did:key, did:jwk), or a bare JWK, which the tool turns into a did:jwk.
  const binding = {
    cryptographic_binding_methods_supported: ['did:key', 'did:jwk', 'jwk'],
    proof_types_supported: {
      jwt: { proof_signing_alg_values_supported: [...PROOF_SIGNING_ALGORITHMS] },
    },
    credential_metadata: { display: CREDENTIAL_DISPLAY },
  };
  return {
    credential_issuer: publicUrl,
    credential_endpoint: `${publicUrl}${CREDENTIAL_PATH}`,
    nonce_endpoint: `${publicUrl}${NONCE_PATH}`,
    display: [{ name: 'microcred', locale: 'en' }],
    credential_configurations_supported: {
      OpenBadgeCredential_ldp_vc: {
        format: 'ldp_vc',
        credential_signing_alg_values_supported: ['eddsa-rdfc-2022'],
        credential_definition: {
          '@context': [
            VC_V2_CONTEXT_URL,
            OB_V3P0_CONTEXT_URL,
            OB_V3P0_EXTENSIONS_CONTEXT_URL,
            microcredentialContextUrl(publicUrl),
          ],
          type: OPEN_BADGE_TYPE,
        },
        ...binding,
      },
      OpenBadgeCredential_jwt_vc_json: {
        format: 'jwt_vc_json',
        credential_signing_alg_values_supported: ['ES256'],
        credential_definition: { type: OPEN_BADGE_TYPE },
        ...binding,
      },
    } satisfies Record<CredentialConfigurationId, unknown>,
  };
}

/**
 * The Authorization Server Metadata served at `/.well-known/oauth-authorization-server`: only
 * the pre-authorized code grant, without client authentication (§12.3).
 */
export function authorizationServerMetadata(publicUrl: string): AuthorizationServerMetadata {
  return {
    issuer: publicUrl,
    token_endpoint: `${publicUrl}${TOKEN_PATH}`,
    grant_types_supported: [PRE_AUTHORIZED_CODE_GRANT],
    token_endpoint_auth_methods_supported: ['none'],
    'pre-authorized_grant_anonymous_access_supported': true,
  };
}

/**
 * Both documents in the shape the library's issuer helpers take, as a wallet resolves them;
 * the library itself picks out the configurations of formats it knows (both of ours).
 */
export function issuerMetadataResult(publicUrl: string): IssuerMetadataResult {
  const credentialIssuer = credentialIssuerMetadata(publicUrl);
  const issuer = new Openid4vciIssuer({ callbacks: libraryCallbacks() });
  return {
    originalDraftVersion: Openid4vciVersion.V1,
    credentialIssuer,
    authorizationServers: [authorizationServerMetadata(publicUrl)],
    knownCredentialConfigurations:
      issuer.getKnownCredentialConfigurationsSupported(credentialIssuer),
  };
}

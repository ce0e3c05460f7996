import type { HolderCredentialIssuer } from '../../badges/holder-credential.js';

/** The grant of OpenID4VCI 1.0 §4.1.1 that the tool's offers carry. */
export const PRE_AUTHORIZED_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

type HolderCredentialFormat = Parameters<HolderCredentialIssuer>[0]['format'];

/**
 * Our two credential configurations: the same OB 3.0 OpenBadgeCredential as Data Integrity
 * JSON-LD (`ldp_vc`, Appendix A.1.2) and as a VC-JWT (`jwt_vc_json`, Appendix A.1.1).
 */
export const CREDENTIAL_CONFIGURATIONS = {
  OpenBadgeCredential_ldp_vc: { format: 'ldp_vc', holderFormat: 'data-integrity' },
  OpenBadgeCredential_jwt_vc_json: { format: 'jwt_vc_json', holderFormat: 'vc-jwt' },
} as const satisfies Record<string, { format: string; holderFormat: HolderCredentialFormat }>;

export type CredentialConfigurationId = keyof typeof CREDENTIAL_CONFIGURATIONS;

export const CREDENTIAL_CONFIGURATION_IDS = Object.keys(
  CREDENTIAL_CONFIGURATIONS,
) as CredentialConfigurationId[];

export function isCredentialConfigurationId(value: unknown): value is CredentialConfigurationId {
  return typeof value === 'string' && Object.hasOwn(CREDENTIAL_CONFIGURATIONS, value);
}

/** JSON-LD context and schema URLs the credentials and DID documents we issue refer to. */

export const VC_V2_CONTEXT_URL = 'https://www.w3.org/ns/credentials/v2';
export const OB_V3P0_CONTEXT_URL = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
/** Defines `1EdTechJsonSchemaValidator2019`, which the VC 2.0 context leaves undefined. */
export const OB_V3P0_EXTENSIONS_CONTEXT_URL =
  'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json';
export const DID_V1_CONTEXT_URL = 'https://www.w3.org/ns/did/v1';
export const MULTIKEY_V1_CONTEXT_URL = 'https://w3id.org/security/multikey/v1';

export const ACHIEVEMENT_CREDENTIAL_SCHEMA_URL =
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json';

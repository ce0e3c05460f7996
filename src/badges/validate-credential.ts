import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2019.js';
import ajvFormats from 'ajv-formats';
import { projectRoot } from '../config/project-root.js';
import { BadgeSchemaInvalidError } from '../errors.js';
import { MICROCREDENTIAL_SCHEMA, MICROCREDENTIAL_SCHEMA_PATH } from './microcredential-context.js';

/** The official 1EdTech schema, unmodified (JSON Schema draft 2019-09). */
const SCHEMA_FILE = path.join(
  projectRoot,
  'src',
  'badges',
  'schemas',
  'ob_v3p0_achievementcredential_schema.json',
);
/** How many problems assertValidCredential names in its message. */
const MAX_PROBLEMS_IN_MESSAGE = 5;

export type CredentialProblem = {
  /** JSON Pointer to the offending value, `/` for the whole credential. */
  path: string;
  message: string;
};

export type CredentialValidation = { valid: boolean; errors: CredentialProblem[] };

let compiled: ValidateFunction | undefined;
let compiledExtension: ValidateFunction | undefined;

/**
 * Checks a credential, signed or not, against the official OB 3.0 AchievementCredential JSON
 * Schema, and against our micro-credential schema when its `credentialSchema` lists it.
 * Never throws for a bad credential: problems come back in `errors`.
 */
export function validateCredential(credential: unknown): CredentialValidation {
  const validate = achievementCredentialValidator();
  const errors = validate(credential) ? [] : (validate.errors ?? []).map(toProblem);
  if (listsMicrocredentialSchema(credential)) {
    compiledExtension ??= newAjv().compile(MICROCREDENTIAL_SCHEMA);
    if (!compiledExtension(credential)) {
      errors.push(...(compiledExtension.errors ?? []).map(toProblem));
    }
  }
  return { valid: errors.length === 0, errors };
}

function listsMicrocredentialSchema(credential: unknown): boolean {
  const schemas = (credential as { credentialSchema?: unknown } | null)?.credentialSchema;
  return (
    Array.isArray(schemas) &&
    schemas.some(
      (schema: { id?: unknown }) =>
        typeof schema?.id === 'string' && schema.id.endsWith(MICROCREDENTIAL_SCHEMA_PATH),
    )
  );
}

let fastOfficial: ValidateFunction | undefined;
let fastExtension: ValidateFunction | undefined;

function isValidFast(credential: unknown): boolean {
  fastOfficial ??= newAjv(false).compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
  if (!fastOfficial(credential)) return false;
  if (!listsMicrocredentialSchema(credential)) return true;
  fastExtension ??= newAjv(false).compile(MICROCREDENTIAL_SCHEMA);
  return fastExtension(credential);
}

function newAjv(allErrors = true): Ajv2019 {
  const ajv = new Ajv2019({ allErrors, strictTuples: false });
  ajvFormats.default(ajv);
  return ajv;
}

/**
 * Like validateCredential, but throws BadgeSchemaInvalidError (`BADGE_SCHEMA_INVALID`) naming
 * the first problems when the credential does not match the schema.
 */
export function assertValidCredential(credential: unknown): void {
  // The common case, a valid credential, takes the validators that stop at the first error.
  if (isValidFast(credential)) return;
  const { valid, errors } = validateCredential(credential);
  if (valid) return;
  const shown = errors
    .slice(0, MAX_PROBLEMS_IN_MESSAGE)
    .map((problem) => `${problem.path} ${problem.message}`);
  const more = errors.length - shown.length;
  throw new BadgeSchemaInvalidError(
    `Credential does not match the OB 3.0 AchievementCredential schema: ${shown.join('; ')}` +
      (more > 0 ? ` (and ${more} more)` : ''),
  );
}

function achievementCredentialValidator(): ValidateFunction {
  if (!compiled) {
    // allErrors: one call reports every problem. strictTuples off: the schema's `@context` is
    // an open-ended tuple (`items` array, `minItems: 2`, `additionalItems`), valid 2019-09 that
    // strict mode would warn about; every other strict check stays on.
    // ajv-formats is CommonJS: under NodeNext its default import is the module object.
    compiled = newAjv().compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
  }
  return compiled;
}

function toProblem(error: ErrorObject): CredentialProblem {
  const allowed = error.params as { allowedValues?: unknown[] };
  const detail = allowed.allowedValues ? ` (${allowed.allowedValues.join(', ')})` : '';
  return { path: error.instancePath || '/', message: `${error.message ?? 'is invalid'}${detail}` };
}

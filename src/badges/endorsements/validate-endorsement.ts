import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import type { ValidateFunction } from 'ajv/dist/2019.js';
import ajvFormats from 'ajv-formats';
import { projectRoot } from '../../config/project-root.js';

/** The official 1EdTech schema, unmodified (JSON Schema draft 2019-09). */
const SCHEMA_FILE = path.join(
  projectRoot,
  'src',
  'badges',
  'schemas',
  'ob_v3p0_endorsementcredential_schema.json',
);

let compiled: ValidateFunction | undefined;

/**
 * Checks a document against the official OB 3.0 EndorsementCredential JSON Schema. Never throws
 * for a bad document: the problems come back as `<JSON Pointer> <message>` lines.
 */
export function validateEndorsement(document: unknown): { valid: boolean; problems: string[] } {
  if (!compiled) {
    // strictTuples off: the schema's `@context` is an open-ended tuple (see validate-credential.ts).
    const ajv = new Ajv2019({ allErrors: true, strictTuples: false });
    ajvFormats.default(ajv);
    compiled = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
  }
  if (compiled(document)) return { valid: true, problems: [] };
  return {
    valid: false,
    problems: (compiled.errors ?? []).map(
      (error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`,
    ),
  };
}

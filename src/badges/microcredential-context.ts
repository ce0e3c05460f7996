import { EU_ELEMENTS, type ExtensionTermType } from './eu-elements.js';

/**
 * Our JSON-LD extension context and JSON Schema for the EU micro-credential elements that
 * OB 3.0 has no property for (Council Recommendation 2022/C 243/02, Annex I). Both are
 * published by the tool under its public URL and bundled: signing and verifying never fetch
 * them. Both are derived from the table of EU elements (eu-elements.ts). The terms live in the namespace `<context URL>#`, so each term IRI dereferences to
 * the context that defines it.
 */

export const MICROCREDENTIAL_CONTEXT_PATH = '/contexts/microcredential-v1.jsonld';
export const MICROCREDENTIAL_SCHEMA_PATH = '/schemas/microcredential-v1.json';

export function microcredentialContextUrl(publicUrl: string): string {
  return `${publicUrl}${MICROCREDENTIAL_CONTEXT_PATH}`;
}

export function microcredentialSchemaUrl(publicUrl: string): string {
  return `${publicUrl}${MICROCREDENTIAL_SCHEMA_PATH}`;
}

const XSD = 'http://www.w3.org/2001/XMLSchema#';
/** The context definition of each type of term, in the order the context lists them. */
const TERM_DEFINITIONS: Record<ExtensionTermType, (id: string) => Record<string, unknown>> = {
  'node-set': (id) => ({ '@id': id, '@container': '@set' }),
  'iri-set': (id) => ({ '@id': id, '@type': '@id', '@container': '@set' }),
  boolean: (id) => ({ '@id': id, '@type': `${XSD}boolean` }),
  iri: (id) => ({ '@id': id, '@type': '@id' }),
  string: (id) => ({ '@id': id, '@type': `${XSD}string` }),
  number: (id) => ({ '@id': id }),
};
const TERMS = EU_ELEMENTS.flatMap((row) => row.terms ?? []);

/** The context document for a tool published at `publicUrl` (JSON-LD 1.1, protected terms). */
export function microcredentialContext(publicUrl: string): Record<string, unknown> {
  const ns = `${microcredentialContextUrl(publicUrl)}#`;
  const terms: Record<string, unknown> = {
    '@protected': true,
    EuMicroCredential: `${ns}EuMicroCredential`,
    LearningOutcome: `${ns}LearningOutcome`,
    microCredential: { '@id': `${ns}microCredential` },
  };
  for (const [type, definition] of Object.entries(TERM_DEFINITIONS)) {
    for (const term of TERMS.filter((candidate) => candidate.type === type)) {
      terms[term.name] = definition(`${ns}${term.name}`);
    }
  }
  // A stack's evidence names each stacked credential (build-credential.ts buildEvidence); its
  // ECTS use `ectsCredits` above.
  terms.stackedCredential = TERM_DEFINITIONS.iri(`${ns}stackedCredential`);
  terms.stackedIssuer = TERM_DEFINITIONS.string(`${ns}stackedIssuer`);
  // A credential recognised from a partner is named by its own issuer's DID or URL.
  terms.stackedIssuerId = TERM_DEFINITIONS.iri(`${ns}stackedIssuerId`);
  terms.stackedResult = TERM_DEFINITIONS.number(`${ns}stackedResult`);
  terms.stackedAwardedDate = { '@id': `${ns}stackedAwardedDate`, '@type': `${XSD}dateTime` };
  return { '@context': { '@version': 1.1, ...terms } };
}

/** The JSON Schema of a class of our context: its type and the terms of the table. */
function classSchema(name: 'EuMicroCredential' | 'LearningOutcome', required: string[]) {
  const own = TERMS.filter((term) => (term.of ?? 'EuMicroCredential') === name);
  return {
    type: 'object',
    required,
    additionalProperties: false,
    properties: {
      type: { const: name },
      ...Object.fromEntries(own.map((term) => [term.name, term.schema])),
    },
  };
}
const requiredOf = (name: string) =>
  TERMS.filter((term) => term.isRequired && (term.of ?? 'EuMicroCredential') === name).map(
    (term) => term.name,
  );

/**
 * JSON Schema (draft 2019-09) for the `microCredential` object our context defines, applied to
 * whole credentials: it checks the shape wherever an achievement carries one, and requires it,
 * with its ECTS credits, on achievements of type `MicroCredential`. Which mandatory elements
 * an achievement still lacks is reported by missingMandatoryElements (eu-elements.ts), not
 * here, so that a course can issue before its author has filled everything in.
 */
export const MICROCREDENTIAL_SCHEMA: Readonly<Record<string, unknown>> = Object.freeze({
  $schema: 'https://json-schema.org/draft/2019-09/schema#',
  title: 'EU micro-credential elements (Council Recommendation 2022/C 243/02, Annex I) in OB 3.0',
  type: 'object',
  required: ['credentialSubject'],
  properties: {
    credentialSubject: {
      type: 'object',
      required: ['achievement'],
      properties: { achievement: { $ref: '#/$defs/Achievement' } },
    },
  },
  $defs: {
    Achievement: {
      type: 'object',
      properties: { microCredential: { $ref: '#/$defs/EuMicroCredential' } },
      if: {
        properties: { achievementType: { const: 'MicroCredential' } },
        required: ['achievementType'],
      },
      then: {
        required: ['microCredential', 'creditsAvailable'],
        properties: {
          microCredential: { type: 'object', required: requiredOf('EuMicroCredential') },
        },
      },
    },
    EuMicroCredential: classSchema('EuMicroCredential', ['type']),
    LearningOutcome: classSchema('LearningOutcome', ['type', ...requiredOf('LearningOutcome')]),
  },
});

/**
 * Our JSON-LD extension context and JSON Schema for the EU micro-credential elements that
 * OB 3.0 has no property for (Council Recommendation 2022/C 243/02, Annex I). Both are
 * published by the tool under its public URL and bundled: signing and verifying never fetch
 * them. The terms live in the namespace `<context URL>#`, so each term IRI dereferences to
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
const IRI_TERMS = [
  'eqfLevel',
  'assessmentType',
  'participationForm',
  'qualityAssuranceUrl',
  'supervisionAndIdentityVerificationUri',
  'furtherInformationUrl',
];
const STRING_TERMS = [
  'outcome',
  'assessmentDescription',
  'qualityAssurance',
  'prerequisites',
  'supervisionAndIdentityVerification',
  'gradingScheme',
  'stackabilityDescription',
  'furtherInformation',
  'issuerCountry',
  'issuerRegion',
];
const NUMBER_TERMS = ['ectsCredits', 'workloadHours'];

/** The context document for a tool published at `publicUrl` (JSON-LD 1.1, protected terms). */
export function microcredentialContext(publicUrl: string): Record<string, unknown> {
  const ns = `${microcredentialContextUrl(publicUrl)}#`;
  const terms: Record<string, unknown> = {
    '@protected': true,
    EuMicroCredential: `${ns}EuMicroCredential`,
    LearningOutcome: `${ns}LearningOutcome`,
    microCredential: { '@id': `${ns}microCredential` },
    learningOutcome: { '@id': `${ns}learningOutcome`, '@container': '@set' },
    escoSkill: { '@id': `${ns}escoSkill`, '@type': '@id', '@container': '@set' },
    stacksInto: { '@id': `${ns}stacksInto`, '@type': '@id', '@container': '@set' },
    isStackable: { '@id': `${ns}isStackable`, '@type': `${XSD}boolean` },
  };
  for (const term of IRI_TERMS) terms[term] = { '@id': `${ns}${term}`, '@type': '@id' };
  for (const term of STRING_TERMS) terms[term] = { '@id': `${ns}${term}`, '@type': `${XSD}string` };
  for (const term of NUMBER_TERMS) terms[term] = { '@id': `${ns}${term}` };
  return { '@context': { '@version': 1.1, ...terms } };
}

const uri = { type: 'string', format: 'uri' };
const nonEmpty = { type: 'string', minLength: 1 };

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
          microCredential: { type: 'object', required: ['learningOutcome', 'ectsCredits'] },
        },
      },
    },
    EuMicroCredential: {
      type: 'object',
      required: ['type'],
      additionalProperties: false,
      properties: {
        type: { const: 'EuMicroCredential' },
        learningOutcome: { type: 'array', items: { $ref: '#/$defs/LearningOutcome' } },
        ectsCredits: { type: 'number', exclusiveMinimum: 0, maximum: 60 },
        workloadHours: { type: 'number', exclusiveMinimum: 0 },
        eqfLevel: { type: 'string', pattern: '^http://data\\.europa\\.eu/snb/eqf/[1-8]$' },
        assessmentType: { type: 'string', pattern: '^http://data\\.europa\\.eu/snb/assessment/' },
        assessmentDescription: nonEmpty,
        participationForm: {
          type: 'string',
          pattern: '^http://data\\.europa\\.eu/snb/learning-assessment/',
        },
        qualityAssurance: nonEmpty,
        qualityAssuranceUrl: uri,
        prerequisites: nonEmpty,
        supervisionAndIdentityVerification: {
          enum: ['unsupervised-no-id', 'unsupervised-id', 'supervised-no-id', 'supervised-id'],
        },
        supervisionAndIdentityVerificationUri: uri,
        gradingScheme: nonEmpty,
        isStackable: { type: 'boolean' },
        stackabilityDescription: nonEmpty,
        stacksInto: { type: 'array', items: uri },
        furtherInformation: nonEmpty,
        furtherInformationUrl: uri,
        issuerCountry: { type: 'string', pattern: '^[A-Z]{2}$' },
        issuerRegion: nonEmpty,
      },
    },
    LearningOutcome: {
      type: 'object',
      required: ['type', 'outcome'],
      additionalProperties: false,
      properties: {
        type: { const: 'LearningOutcome' },
        outcome: nonEmpty,
        escoSkill: {
          type: 'array',
          items: { type: 'string', pattern: '^http://data\\.europa\\.eu/esco/skill/' },
        },
      },
    },
  },
});

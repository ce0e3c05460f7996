import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCredential, type CredentialInput } from '../../../src/badges/build-credential.js';
import { issuerDid } from '../../../src/badges/did-web.js';
import { createDocumentLoader } from '../../../src/badges/document-loader.js';
import {
  SUPERVISION_LEVELS,
  SUPERVISION_NOT_DECLARED,
  type SupervisionLevel,
  type SupervisionStatement,
} from '../../../src/badges/eu-elements.js';
import { hashEmailIdentity } from '../../../src/badges/hash-email-identity.js';
import { pseudonymousSubjectId } from '../../../src/badges/issue-credential.js';
import {
  microcredentialContext,
  microcredentialContextUrl,
  microcredentialSchemaUrl,
} from '../../../src/badges/microcredential-context.js';
import type { OpenBadgeCredential } from '../../../src/badges/open-badge-credential.js';
import { createTemplateCanonizer } from '../../../src/badges/sign/template-canonizer.js';
import { statusListUrl } from '../../../src/badges/status-list.js';

/**
 * The fast path's canonical N-Quads against the library's (the eddsa-rdfc-2022 cryptosuite's
 * own canonize, what its proofs hash) for every credential shape issue-credential.ts builds,
 * with hostile strings in every field a teacher, an administrator or a learner's LMS sets.
 * FAST_SIGNING_RUNS raises the number of runs per property (default 120) for a longer search.
 */
const RUNS = Number(process.env.FAST_SIGNING_RUNS ?? 120);
/** About 50 ms of CPU a run; the rest is room for a shared machine. */
const TIMEOUT_MS = RUNS * 1_000;
const PUBLIC_URL = 'https://badges.uni.example';
const documentLoader = createDocumentLoader({
  resolveDid: async () => null,
  documents: new Map([[microcredentialContextUrl(PUBLIC_URL), microcredentialContext(PUBLIC_URL)]]),
});

/** What the library makes of a credential: its canonical N-Quads, or the error it throws. */
async function libraryOutcome(credential: OpenBadgeCredential) {
  try {
    return { nquads: await cryptosuite.canonize(credential, { documentLoader }) };
  } catch (error) {
    return { error: (error as Error).name };
  }
}

const HOSTILE_TEXTS = [
  '',
  ' ',
  '\n',
  '\r\n',
  '\t',
  '"',
  '\\',
  '"@en',
  '"^^<http://www.w3.org/2001/XMLSchema#string>',
  '_:b0',
  '_:c14n0',
  '<',
  '>',
  '<http://x.example/> <http://x.example/p> "o" .\n',
  Array.from({ length: 32 }, (_, code) => String.fromCharCode(code)).join(''),
  '\u007f\u0085\u2028\u2029',
  'Universit\u00e9', // NFC
  'Universite\u0301', // NFD
  '\u200f\u05e2\u05d1\u05e8\u05d9\u05ea\u202e',
  '\u{1f393}\u{1f1ea}\u{1f1fa}\u{1d518}',
  '\ud800',
  '\udc00x',
  'urn:x-microcred-placeholder:0',
  'urn:x-microcred-placeholder:',
  '@id',
  '@type',
  '@context',
];
const HOSTILE_IRIS = [
  '',
  ' ',
  'relative/path',
  '/rooted',
  '#fragment',
  '?query',
  '_:b0',
  '@id',
  'javascript:alert(1)',
  'urn:',
  'urn:x',
  'urn:x-microcred-placeholder:1',
  'a b:c',
  'http://a b.example/',
  'http://x.example/\ttab',
  'http://x.example/<x>',
  'http://x.example/"q"',
  'http://x.example/{x}|^`\\',
  'http://x.example/\u00fc\u200f\u{1f393}',
  'HTTP://X.EXAMPLE/UPPER',
  'xsd:string',
  'id:x',
  'type:x',
  'schema:Thing',
  'did:web:x.example',
  'mailto:a@x.example',
  'data:,x',
  'x:',
  // Values other fields may repeat: one node, one statement for JSON-LD.
  'https://shared.example/same',
  'http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a',
];

const hostileText = fc.oneof(
  fc.constantFrom(...HOSTILE_TEXTS),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc
    .array(fc.constantFrom(...HOSTILE_TEXTS), { minLength: 1, maxLength: 4 })
    .map((parts) => parts.join('')),
);
const hostileIri = fc.oneof(
  fc.constantFrom(...HOSTILE_IRIS),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  hostileText,
);
/** Values the builder requires to be URLs (it throws TypeError for others). */
const hostileUrl = hostileIri.filter((value) => URL.canParse(value));

/** Every optional part issueOne (issue-credential.ts) may or may not put in a credential. */
const shapeOf = fc.record({
  form: fc.constantFrom('badge', 'micro-credential'),
  ects: fc.constantFrom(1, 2.5, 60),
  eqfLevel: fc.option(fc.integer({ min: 1, max: 8 }), { nil: null }),
  holderBound: fc.boolean(),
  issuer: fc.record({
    url: fc.boolean(),
    email: fc.boolean(),
    description: fc.boolean(),
    image: fc.boolean(),
    address: fc.subarray([
      'streetAddress',
      'postalCode',
      'addressLocality',
      'addressRegion',
      'addressCountryCode',
      'addressCountry',
    ] as const),
    identifiers: fc.nat({ max: 2 }),
    parentOrg: fc.constantFrom('none', 'without url', 'with url'),
  }),
  fieldOfStudy: fc.boolean(),
  eu: fc.record({
    outcomes: fc.array(fc.nat({ max: 3 }), { maxLength: 3 }),
    workloadHours: fc.constantFrom(null, 1, 25.5),
    optional: fc.subarray([
      'assessmentType',
      'assessmentDescription',
      'participationForm',
      'qualityAssuranceType',
      'qualityAssurance',
      'qualityAssuranceUrl',
      'prerequisites',
      'gradingScheme',
      'furtherInformation',
      'furtherInformationUrl',
    ] as const),
    supervision: fc.constantFrom<SupervisionStatement>(
      ...(Object.keys(SUPERVISION_LEVELS) as SupervisionLevel[]),
      SUPERVISION_NOT_DECLARED,
    ),
    stackability: fc.constantFrom('none', 'stackable', 'described'),
    stacksInto: fc.nat({ max: 2 }),
  }),
  learnerName: fc.boolean(),
  learnerEmail: fc.boolean(),
  score: fc.boolean(),
  evidence: fc.nat({ max: 2 }),
});
type Shape = typeof shapeOf extends fc.Arbitrary<infer T> ? T : never;

/** Where the strings of one credential come from, field by field. */
type Strings = { text: () => string; nonEmpty: () => string; iri: () => string; url: () => string };

/** The same plain values for every shape: each distinct, texts and absolute URLs. */
function benignStrings(): Strings {
  let count = 0;
  const next = () => (count += 1);
  return {
    text: () => `Text ${next()}`,
    nonEmpty: () => `Text ${next()}`,
    iri: () => `https://benign.example/${next()}`,
    url: () => `https://benign.example/${next()}`,
  };
}

/** Hostile values drawn in turn from pools fast-check generated. */
function hostileStrings(pools: { texts: string[]; iris: string[]; urls: string[] }): Strings {
  const cursor = (pool: string[]) => {
    let index = 0;
    return () => pool[index++ % pool.length]!;
  };
  const text = cursor(pools.texts);
  return {
    text,
    nonEmpty: () => {
      const value = text();
      return value.trim() === '' ? `${value}x` : value;
    },
    iri: cursor(pools.iris),
    url: cursor(pools.urls),
  };
}

const hostilePools = fc.record({
  texts: fc.array(hostileText, { minLength: 1, maxLength: 60 }),
  iris: fc.array(hostileIri, { minLength: 1, maxLength: 20 }),
  urls: fc.array(hostileUrl, { minLength: 1, maxLength: 6 }),
});

/** The builder's input as issueOne makes it, for one shape with strings from `strings`. */
function inputOf(shape: Shape, strings: Strings): CredentialInput {
  const { text, nonEmpty, iri, url } = strings;
  const { issuer, eu } = shape;
  const isMicroCredential = shape.form === 'micro-credential';
  const did = issuerDid(PUBLIC_URL, 'default');
  const address = Object.fromEntries(issuer.address.map((field) => [field, text()]));
  const optional = Object.fromEntries(
    eu.optional.map((field) => [
      field,
      field.endsWith('Url') || field.endsWith('Type') || field === 'participationForm'
        ? iri()
        : text(),
    ]),
  );
  const platformIssuer = nonEmpty();
  const sub = nonEmpty();
  return {
    credentialId: '6f1c4a2e-8d3b-4c5a-9e7f-0a1b2c3d4e5f',
    issuedAt: new Date('2026-12-06T07:00:00Z'),
    issuer: {
      did,
      name: nonEmpty(),
      url: issuer.url ? url() : null,
      email: issuer.email ? text() : null,
      description: issuer.description ? text() : null,
      image: issuer.image ? iri() : null,
      address: issuer.address.length > 0 ? address : null,
      identifiers: Array.from({ length: issuer.identifiers }, () => ({
        identifierType: text(),
        identifier: text(),
      })),
      parentOrg:
        issuer.parentOrg === 'none'
          ? null
          : {
              id: iri(),
              name: text(),
              ...(issuer.parentOrg === 'with url' ? { url: iri() } : {}),
            },
    },
    achievement: {
      id: `${PUBLIC_URL}/achievements/0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f/versions/3`,
      name: nonEmpty(),
      description: nonEmpty(),
      criteria: nonEmpty(),
      ects: isMicroCredential ? shape.ects : null,
      eqfLevel: shape.eqfLevel,
      language: text(),
      image: iri(),
      fieldOfStudy: shape.fieldOfStudy ? text() : null,
      // Every form carries the EU elements; a badge says its credits are withheld.
      microCredential: {
        ...(isMicroCredential ? {} : { ectsCreditsWithheld: text() }),
        ...optional,
        learningOutcomes: eu.outcomes.map((skills) => ({
          text: text(),
          escoSkills: Array.from({ length: skills }, iri),
        })),
        ...(eu.workloadHours === null ? {} : { workloadHours: eu.workloadHours }),
        supervision: eu.supervision,
        ...(eu.stackability === 'none'
          ? {}
          : {
              stackability: {
                isStackable: true,
                ...(eu.stackability === 'described' ? { description: text() } : {}),
                stacksInto: Array.from({ length: eu.stacksInto }, iri),
              },
            }),
      },
    },
    recipient: {
      // A wallet's did:key in the holder-bound copy (holder-credential.ts), else the pseudonym.
      subjectId: shape.holderBound
        ? 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
        : pseudonymousSubjectId(platformIssuer, sub),
      platformIssuer,
      sub,
      name: shape.learnerName ? text() : null,
      hashedEmail: shape.learnerEmail ? hashEmailIdentity(text(), text()) : null,
    },
    scoreScaled: shape.score ? 0.875 : null,
    evidence: Array.from({ length: shape.evidence }, (_, index) => ({
      statementId: `0b8a4e3c-8a1f-4c2e-9a61-1d2c3b4a5f6${index}`,
      url: url(),
      narrative: text(),
    })),
    extension: {
      contextUrl: microcredentialContextUrl(PUBLIC_URL),
      schemaUrl: microcredentialSchemaUrl(PUBLIC_URL),
    },
    status: {
      statusListCredential: statusListUrl(PUBLIC_URL, 'c0ffee00-0000-4000-8000-000000000001'),
      statusListIndex: 41,
    },
  };
}

describe('createTemplateCanonizer', () => {
  it(
    'gives the library’s canonical N-Quads from the template for hostile texts in every field',
    async () => {
      const canonize = createTemplateCanonizer({ documentLoader });
      await fc.assert(
        fc.asyncProperty(shapeOf, hostilePools, async (shape, pools) => {
          // IRIs stay plain: every text is hostile, so the template itself is what is tested.
          const strings = {
            ...hostileStrings(pools),
            iri: benignStrings().iri,
            url: benignStrings().url,
          };
          const credential = buildCredential(inputOf(shape, strings));
          await canonize(buildCredential(inputOf(shape, benignStrings())));
          const fast = await canonize(credential);
          expect(fast.madeBy).toBe('template');
          expect(fast.nquads).toBe((await libraryOutcome(credential)).nquads);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'gives the library’s canonical N-Quads, or its refusal, with hostile IRIs too',
    async () => {
      const canonize = createTemplateCanonizer({ documentLoader });
      const madeBy = { template: 0, library: 0 };
      await fc.assert(
        fc.asyncProperty(shapeOf, hostilePools, async (shape, pools) => {
          const credential = buildCredential(inputOf(shape, hostileStrings(pools)));
          // The shape's first credential is checked against the library; the next is not.
          const first = await canonize(buildCredential(inputOf(shape, benignStrings())));
          expect(first.madeBy).toBe('template');
          const [fast, library] = await Promise.all([
            canonize(credential).then(
              ({ nquads, madeBy: path }) => {
                madeBy[path] += 1;
                return { nquads };
              },
              (error: Error) => ({ error: error.name }),
            ),
            libraryOutcome(credential),
          ]);
          expect(fast).toEqual(library);
        }),
        { numRuns: RUNS },
      );
      // Both paths were exercised: plain absolute IRIs keep the template, the rest do not.
      expect(madeBy.template).toBeGreaterThan(0);
      expect(madeBy.library).toBeGreaterThan(0);
    },
    TIMEOUT_MS,
  );
});

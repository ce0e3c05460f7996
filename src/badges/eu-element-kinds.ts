import type { z } from 'zod';
import type {
  Alignment,
  MicroCredentialObject,
  OpenBadgeCredential,
} from './open-badge-credential.js';
import { httpUrl, text, vocabulary } from './eu-value-types.js';

/**
 * The shape of a row of the table of EU elements (eu-elements.ts) and the makers of its
 * common rows: what each column means and what the code deriving from it may rely on.
 */

/**
 * Where an element's value is kept: the achievement's `eu` JSON, its columns, the issuer's
 * address, or the award (what one learner's credential states, such as withheld credits).
 */
export type Source = 'eu' | 'achievement' | 'issuer' | 'award';

/** How a term of our context is typed (and so its context definition). */
export type ExtensionTermType = 'node-set' | 'iri-set' | 'boolean' | 'iri' | 'string' | 'number';

export interface ExtensionTerm {
  readonly name: string;
  readonly type: ExtensionTermType;
  /** Its value's JSON Schema in our extension schema. */
  readonly schema: Readonly<Record<string, unknown>>;
  /** The class it belongs to; EuMicroCredential unless said. */
  readonly of?: 'LearningOutcome';
  /** An achievement of type MicroCredential must carry it. */
  readonly isRequired?: true;
}

/** One value of a row of the public credential page: the credential's text, or a catalog key. */
export type PageValue =
  | { readonly text: string; readonly href?: string }
  | { readonly date: string }
  /** An ISO 3166-1 alpha-2 code, named in the page's language. */
  | { readonly countryCode: string }
  | {
      readonly key: string;
      readonly values?: Record<string, string | number>;
      readonly href?: string;
    };
export type Present<T> = T | null | undefined | false | '';
export type IssuedMicroCredential = Partial<MicroCredentialObject>;
export type IssuedAchievement = OpenBadgeCredential['credentialSubject']['achievement'];

/** The ELM lists an element's value can be a concept of (elm/eu-vocabularies.ts). */
export type ElmList = 'eqf' | 'assessment' | 'learning-assessment' | 'isced-f' | 'supervision';
export type ElmNodeKind = 'qualification' | 'assessmentSpecification' | 'assessment';

/** What an element's ELM mapping may write; elm/build-elm-credential.ts implements it. */
export interface ElmTarget {
  /** The id of a node of the document (`urn:epass:<kind>:<award id>[:<part>]`). */
  id(kind: string, ...parts: (string | number)[]): string;
  /** A text in the achievement's own language. */
  ownText(text: string): Record<string, string>;
  /** The learning outcomes' texts in every language. */
  readonly outcomeTexts: readonly Record<string, string>[];
  /** The concept of a value in an EU list; undefined when the list lacks it. */
  concept(list: ElmList, value: string | number): Record<string, unknown> | undefined;
  /** The concept of an ESCO skill. */
  escoSkill(uri: string): Record<string, unknown>;
  creditPoint(id: string, ects: number): Record<string, unknown>;
  /** Hours as an xsd:duration. */
  duration(hours: number): string;
  /** Sets a property of one of the document's nodes. */
  set(node: ElmNodeKind, property: string, value: unknown): void;
  /** An `additionalNote` of the qualification, about the element `subject`. */
  note(subject: string, label: string, text: string): void;
  /** A `supplementaryDocument` of the qualification. */
  document(subject: string, label: string, url: string, index?: number): void;
}

export interface FormOption {
  readonly value: string;
  /** A key of the `teacher-achievements` catalog. */
  readonly label: { readonly key: string; readonly params?: Record<string, string | number> };
}

/** One control of the teacher's form; its label is `fields.<name>.label`. */
export interface FormControl {
  readonly name: string;
  readonly kind: 'input' | 'textarea' | 'select';
  /** `fields.<hint>.hint`. */
  readonly hint?: string;
  readonly inputmode?: 'decimal';
  readonly type?: 'url';
  readonly options?: readonly FormOption[];
  /** A posted value outside its options reads as none. */
  readonly isClosed?: true;
  /** Its value is one or more URLs (an invalid one is named as such). */
  readonly isUrl?: true;
}

export interface EuElement<V> {
  /** The name of the value where it is kept. */
  readonly field: string;
  readonly source: Source;
  /** How the `eu` JSON stores and checks it. */
  readonly schema?: z.ZodType<V, unknown>;
  readonly terms?: readonly ExtensionTerm[];
  /** Its terms' values in the credential's `microCredential`. */
  readonly credential?: (value: V) => Record<string, unknown>;
  /** Its alignments with the EU vocabularies in the credential's achievement. */
  readonly alignments?: (value: V) => Alignment[];
  readonly elm?: (value: V, to: ElmTarget) => void;
  /** The value the ELM export writes, when not the stored one: what the credential was issued with. */
  readonly elmValue?: (stored: V | undefined, issued: IssuedAchievement) => V | undefined;
  readonly form?: {
    readonly controls: readonly FormControl[];
    /** The stored value as the controls' texts. */
    show(value: V | undefined): Record<string, string>;
    /** The controls' texts as the value to check and store (undefined when not given). */
    read(texts: Readonly<Record<string, string>>): unknown;
    /** The control an issue of the value's part `part` is shown at. */
    controlOf?(part: string | undefined): string;
  };
  readonly page?: {
    /** The Annex I element it is shown under (PAGE_ROWS). */
    readonly row: string;
    values(issued: IssuedMicroCredential, credential: OpenBadgeCredential): Present<PageValue>[];
  };
}

/** Every row, its value's type erased, for the code that iterates the table. */
export type AnyEuElement = EuElement<unknown>;

/** A row of the table, its value's type checked here and erased for the code that iterates. */
export const element = <V>(row: EuElement<V>): AnyEuElement => row as unknown as AnyEuElement;

export const uri = { type: 'string', format: 'uri' };
export const nonEmpty = { type: 'string', minLength: 1 };
/** A JSON Schema pattern for strings that start with `prefix`. */
export const prefixPattern = (prefix: string) => `^${prefix.replace(/[.]/g, '\\.')}`;
export const optional = (value: string) => (value.trim() === '' ? undefined : value.trim());
export const lines = (value: string) =>
  value
    .split(/\s*\n\s*/)
    .map((line) => line.trim())
    .filter(Boolean);
/** '' → undefined; a number (decimal comma too) → that number; else the text, for zod to refuse. */
export function numberOrText(value: string): number | string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  const number = Number(trimmed.replace(',', '.'));
  return Number.isFinite(number) ? number : trimmed;
}
export const numberText = (value: number | undefined) => (value === undefined ? '' : String(value));
/** The last path segment of a vocabulary URI, the key of its term in the catalogs. */
export const termOf = (uri: string) => uri.slice(uri.lastIndexOf('/') + 1);
export const choices = (terms: Readonly<Record<string, string>>, catalog: string): FormOption[] =>
  Object.keys(terms).map((value) => ({ value, label: { key: `${catalog}.${termOf(value)}` } }));
/** A vocabulary term as the page shows it: by its catalog name, or as given when not ours. */
export const vocabularyValue =
  (terms: Readonly<Record<string, string>>, catalog: string) =>
  (value: string | undefined): Present<PageValue> =>
    value &&
    (value in terms
      ? { key: `public:${catalog}.${termOf(value)}`, href: value }
      : { text: value, href: value });
export const linkValue = (url: string | undefined): Present<PageValue> =>
  url && { text: url, href: url };
export const textValue = (value: string | undefined): Present<PageValue> =>
  value && { text: value };

/** A free text of the author, in the `eu` JSON, written with one string term. */
export function textElement(
  field: string,
  max: number,
  options: {
    hint?: string;
    page: string;
    elm: EuElement<string>['elm'];
    pageValues?: NonNullable<EuElement<string>['page']>['values'];
  },
) {
  return element<string>({
    field,
    source: 'eu',
    schema: text(max),
    terms: [{ name: field, type: 'string', schema: nonEmpty }],
    credential: (value) => ({ [field]: value }),
    form: {
      controls: [
        { name: field, kind: 'textarea', ...(options.hint ? { hint: options.hint } : {}) },
      ],
      show: (value) => ({ [field]: value ?? '' }),
      read: (texts) => optional(texts[field] ?? ''),
    },
    elm: options.elm,
    page: {
      row: options.page,
      values: options.pageValues ?? ((issued) => [textValue(issued[field as 'prerequisites'])]),
    },
  });
}

/** A public web page of the author, in the `eu` JSON, written with one IRI term. */
export function urlElement(
  field: string,
  page: string,
  document: { subject: string; label: string },
) {
  return element<string>({
    field,
    source: 'eu',
    schema: httpUrl,
    terms: [{ name: field, type: 'iri', schema: uri }],
    credential: (value) => ({ [field]: value }),
    elm: (value, to) => to.document(document.subject, document.label, value),
    form: {
      controls: [{ name: field, kind: 'input', type: 'url', hint: 'url', isUrl: true }],
      show: (value) => ({ [field]: value ?? '' }),
      read: (texts) => optional(texts[field] ?? ''),
    },
    page: { row: page, values: (issued) => [linkValue(issued[field as 'qualityAssuranceUrl'])] },
  });
}

/** A term of an EU vocabulary, in the `eu` JSON, written with one IRI term and aligned with it. */
export function vocabularyElement(
  field: string,
  terms: Readonly<Record<string, string>>,
  options: {
    /** What a term is called in messages. */
    name: string;
    uriPrefix: string;
    alignment: { label: string; framework: string };
    /** The catalogs name the terms `<catalog>.<code>` (`public:<catalog>.<code>` on the page). */
    catalog: string;
    page: string;
    elm: EuElement<string>['elm'];
  },
) {
  return element<string>({
    field,
    source: 'eu',
    schema: vocabulary(terms, options.name),
    terms: [
      {
        name: field,
        type: 'iri',
        schema: { type: 'string', pattern: prefixPattern(options.uriPrefix) },
      },
    ],
    credential: (value) => ({ [field]: value }),
    alignments: (value) => [
      {
        type: ['Alignment'],
        targetName: `${options.alignment.label}: ${terms[value] ?? 'other'}`,
        targetUrl: value,
        targetFramework: options.alignment.framework,
      },
    ],
    elm: options.elm,
    form: {
      controls: [{ name: field, kind: 'select', options: choices(terms, options.catalog) }],
      show: (value) => ({ [field]: value ?? '' }),
      read: (texts) => optional(texts[field] ?? ''),
    },
    page: {
      row: options.page,
      values: (issued) => [
        vocabularyValue(terms, options.catalog)(issued[field as 'assessmentType']),
      ],
    },
  });
}

/** The value of a row where it is kept; undefined when it is not given. */
export function valueOf(
  row: AnyEuElement,
  from: {
    eu: Readonly<Record<string, unknown>>;
    achievement: { ects: number | null; eqfLevel: number | null };
    issuer?: Readonly<Record<string, unknown>> | null;
    award?: Readonly<Record<string, unknown>>;
  },
): unknown {
  const kept: Readonly<Record<string, unknown>> | null | undefined = {
    eu: from.eu,
    achievement: from.achievement,
    issuer: from.issuer,
    award: from.award,
  }[row.source];
  const value = kept?.[row.field];
  return value === null ? undefined : value;
}

export function dropUndefined<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

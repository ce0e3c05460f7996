import '../../shared/no-proto-accessor.js';
import { randomUUID } from 'node:crypto';
import jsonld from 'jsonld';
import { canonize } from 'rdf-canonize';
import type { DocumentLoader } from '../document-loader.js';
import type { OpenBadgeCredential } from '../open-badge-credential.js';

/**
 * Canonical N-Quads (RDFC-1.0) of credentials exactly as the eddsa-rdfc-2022 cryptosuite makes
 * them to sign and verify, several times faster for the credentials we issue in bulk.
 *
 * The slow part is JSON-LD expansion to RDF, and it depends only on the shape of
 * the credential (its keys, types and numbers), not on its strings. So each shape is expanded
 * once with every string replaced by a placeholder IRI, and the quads are kept; a credential of
 * that shape gets its RDF by putting its strings back, then only RDF canonicalisation
 * (RDFC-1.0, which escapes every value itself) and hashing run. Strings under structural keys
 * (`type`, `@context` ...) stay in the shape, as they change the expansion.
 *
 * Putting a string back gives what expansion would give only when expansion would keep it as
 * it is, so each credential is checked before its template is used:
 * - a string the template shows as a literal is copied verbatim by JSON-LD, whatever it holds;
 * - a string the template shows as an IRI must be one JSON-LD keeps unchanged: an absolute IRI
 *   (not a blank node `_:`, not relative, no space), whose scheme is no term or prefix of the
 *   credential's contexts unless followed by `//`, without characters IRIs may not hold;
 * - the filled quads must hold no quad twice: JSON-LD merges nodes with the same id and keeps a
 *   statement once, canonicalisation does not.
 * A shape whose placeholders do not come out whole as literals or IRIs is never used, and the
 * first credential of every shape is also expanded the slow way and the canonical forms
 * compared. Any credential that fails a check is canonicalised the library's way (jsonld +
 * rdf-canonize on the credential itself, with the cryptosuite's options).
 */

/** Keys whose string values steer JSON-LD expansion (type terms, vocabulary-typed terms). */
const STRUCTURAL = new Set([
  '@context',
  'type',
  'achievementType',
  'identityType',
  'resultType',
  'statusPurpose',
  'targetType',
  'status',
]);
const MAX_SHAPES = 1000;
/** jsonld.js's test for an IRI it keeps in RDF (url.js isAbsolute), without blank nodes. */
const ABSOLUTE_IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/;
/** Characters RFC 3987 keeps out of IRIs; N-Quads writes IRIs unescaped. */
const NOT_IN_IRI = /[\u0000-\u0020<>"{}|^`\\]/;

type Term = { termType: string; value: string; datatype?: Term; language?: string };
type Quad = { subject: Term; predicate: Term; object: Term; graph: Term };

type Template = {
  quads: Quad[];
  /** Indexes of the placeholders that expand to IRIs. */
  iriSlots: number[];
  /** Indexes of the quads that hold a placeholder. */
  filledQuads: number[];
  /** Pairs of quads equal but for their placeholders: they may come out as the same quad. */
  mayCollide: [number, number][];
  /** Every term and prefix name the credential's contexts define. */
  contextTerms: ReadonlySet<string>;
};
type Shape = Template | { isUnsafe: true };

/** The canonical N-Quads of a credential, and whether its shape's template made them. */
export type TemplateCanonizer = (
  credential: OpenBadgeCredential,
) => Promise<{ nquads: string; madeBy: 'template' | 'library' }>;

/**
 * The canonical N-Quads of credentials, from their shape's template when the checks above
 * allow it, else as the library makes them (canonizeJsonLd). Caches up to 1,000 shapes.
 */
export function createTemplateCanonizer(options: {
  documentLoader: DocumentLoader;
}): TemplateCanonizer {
  const { documentLoader } = options;
  // Unique to this canonizer, so no string of a credential can pass for one of its placeholders.
  const placeholder = `urn:x-microcred-placeholder:${randomUUID()}:`;
  const shapes = new Map<string, Shape>();
  const termsByContext = new Map<string, ReadonlySet<string>>();

  const contextTermsOf = async (context: unknown): Promise<ReadonlySet<string>> => {
    const cacheKey = JSON.stringify(context);
    let terms = termsByContext.get(cacheKey);
    if (!terms) {
      const names = new Set<string>();
      for (const entry of [context].flat()) {
        const document = typeof entry === 'string' ? (await documentLoader(entry)).document : entry;
        collectKeys(document, names);
      }
      terms = names;
      termsByContext.set(cacheKey, terms);
    }
    return terms;
  };

  const shapeOf = async (template: unknown, count: number, context: unknown): Promise<Shape> => {
    let quads: Quad[];
    try {
      quads = await toRdf(template, documentLoader);
    } catch {
      return { isUnsafe: true };
    }
    const analysis = analyse(quads, placeholder, count);
    if (!analysis) return { isUnsafe: true };
    return { quads, ...analysis, contextTerms: await contextTermsOf(context) };
  };

  /** The canonical document from the template, or null when these strings need the library. */
  const fromTemplate = (shape: Template, strings: readonly string[]): Promise<string> | null => {
    for (const slot of shape.iriSlots) {
      if (!staysTheSameIri(strings[slot]!, shape.contextTerms)) return null;
    }
    const quads = shape.quads.slice();
    for (const index of shape.filledQuads) quads[index] = fill(quads[index]!, placeholder, strings);
    for (const [first, second] of shape.mayCollide) {
      if (sameQuad(quads[first]!, quads[second]!)) return null;
    }
    return canonizeQuads(quads);
  };

  return async (credential) => {
    const strings: string[] = [];
    const template = withPlaceholders(credential, placeholder, strings);
    const shapeKey = JSON.stringify(template);
    let shape = shapes.get(shapeKey);
    const isNewShape = shape === undefined;
    if (!shape) {
      shape = await shapeOf(template, strings.length, credential['@context']);
      if (shapes.size >= MAX_SHAPES) shapes.clear();
      shapes.set(shapeKey, shape);
    }
    const fromShape = 'isUnsafe' in shape ? null : await fromTemplate(shape, strings);
    if (fromShape === null) {
      return { nquads: await canonizeJsonLd(credential, documentLoader), madeBy: 'library' };
    }
    if (isNewShape) {
      const nquads = await canonizeJsonLd(credential, documentLoader);
      if (nquads !== fromShape) {
        shapes.set(shapeKey, { isUnsafe: true });
        return { nquads, madeBy: 'library' };
      }
    }
    return { nquads: fromShape, madeBy: 'template' };
  };
}

/**
 * The canonical N-Quads of a JSON-LD document as the eddsa-rdfc-2022 cryptosuite makes them
 * (@digitalbazaar/eddsa-rdfc-2022-cryptosuite canonize.js: jsonld toRDF, then rdf-canonize).
 */
export async function canonizeJsonLd(
  document: unknown,
  documentLoader: DocumentLoader,
): Promise<string> {
  return canonizeQuads(await toRdf(document, documentLoader));
}

async function toRdf(document: unknown, documentLoader: DocumentLoader): Promise<Quad[]> {
  return (await jsonld.toRDF(document, {
    documentLoader,
    safe: true,
    base: null,
    rdfDirection: 'i18n-datatype',
    produceGeneralizedRdf: false,
  })) as Quad[];
}

function canonizeQuads(quads: Quad[]): Promise<string> {
  return canonize(quads, { algorithm: 'RDFC-1.0', format: 'application/n-quads' });
}

/** The credential with each string (outside structural keys) replaced by `<prefix><index>`. */
function withPlaceholders(
  value: unknown,
  placeholder: string,
  strings: string[],
  key = '',
): unknown {
  if (typeof value === 'string') {
    if (STRUCTURAL.has(key)) return value;
    strings.push(value);
    return `${placeholder}${strings.length - 1}`;
  }
  if (Array.isArray(value)) {
    return value.map((item) => withPlaceholders(item, placeholder, strings, key));
  }
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [name, child] of Object.entries(value)) {
      copy[name] =
        name === '@context' ? child : withPlaceholders(child, placeholder, strings, name);
    }
    return copy;
  }
  return value;
}

/**
 * Where the placeholders came out in the template's quads, or null when one is not the whole
 * value of a subject, object or literal (or is missing): a template that cannot be filled.
 */
function analyse(
  quads: readonly Quad[],
  placeholder: string,
  count: number,
): Omit<Template, 'quads' | 'contextTerms'> | null {
  const iriSlots = new Set<number>();
  const found = new Set<number>();
  const filledQuads: number[] = [];
  const slotOf = (value: string): number | null => {
    const index = Number(value.slice(placeholder.length));
    return value.startsWith(placeholder) && String(index) === value.slice(placeholder.length)
      ? index
      : null;
  };
  for (const [index, quad] of quads.entries()) {
    const { subject, predicate, object, graph } = quad;
    const fixed = [
      predicate.value,
      graph.value,
      object.datatype?.value ?? '',
      object.language ?? '',
    ];
    if (fixed.some((value) => value.includes(placeholder))) return null;
    let isFilled = false;
    for (const term of [subject, object]) {
      if (!term.value.includes(placeholder)) continue;
      const slot = slotOf(term.value);
      if (slot === null || slot >= count) return null;
      if (term.termType === 'NamedNode') iriSlots.add(slot);
      else if (term.termType !== 'Literal') return null;
      found.add(slot);
      isFilled = true;
    }
    if (isFilled) filledQuads.push(index);
  }
  if (found.size !== count) return null;
  const isPlaceholder = (term: Term) => term.value.startsWith(placeholder);
  const fits = (a: Term, b: Term) =>
    a.termType === b.termType && (a.value === b.value || isPlaceholder(a) || isPlaceholder(b));
  const mayCollide: [number, number][] = [];
  const filled = new Set(filledQuads);
  for (const index of filledQuads) {
    const quad = quads[index]!;
    for (const [other, candidate] of quads.entries()) {
      if (other === index || (other < index && filled.has(other))) continue;
      if (
        sameTerm(quad.predicate, candidate.predicate) &&
        sameTerm(quad.graph, candidate.graph) &&
        fits(quad.subject, candidate.subject) &&
        fits(quad.object, candidate.object) &&
        quad.object.datatype?.value === candidate.object.datatype?.value &&
        quad.object.language === candidate.object.language
      ) {
        mayCollide.push([index, other]);
      }
    }
  }
  return { iriSlots: [...iriSlots], filledQuads, mayCollide };
}

/** Whether JSON-LD expansion and toRDF keep `value` in an `@id` position exactly as it is. */
function staysTheSameIri(value: string, contextTerms: ReadonlySet<string>): boolean {
  if (!ABSOLUTE_IRI.test(value) || NOT_IN_IRI.test(value) || contextTerms.has(value)) return false;
  const colon = value.indexOf(':');
  return value.startsWith('//', colon + 1) || !contextTerms.has(value.slice(0, colon));
}

function fill(quad: Quad, placeholder: string, strings: readonly string[]): Quad {
  const term = (t: Term): Term =>
    t.value.startsWith(placeholder)
      ? { ...t, value: strings[Number(t.value.slice(placeholder.length))]! }
      : t;
  return { ...quad, subject: term(quad.subject), object: term(quad.object) };
}

/** Whether two quads are the same statement. */
function sameQuad(a: Quad, b: Quad): boolean {
  return (
    sameTerm(a.subject, b.subject) &&
    sameTerm(a.predicate, b.predicate) &&
    sameTerm(a.object, b.object) &&
    a.object.datatype?.value === b.object.datatype?.value &&
    a.object.language === b.object.language &&
    sameTerm(a.graph, b.graph)
  );
}

function sameTerm(a: Term, b: Term): boolean {
  return a.termType === b.termType && a.value === b.value;
}
/** Every key of every object in a JSON-LD context document: its terms and prefixes. */
function collectKeys(value: unknown, names: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectKeys(item, names);
  } else if (value && typeof value === 'object') {
    for (const [name, child] of Object.entries(value)) {
      names.add(name);
      collectKeys(child, names);
    }
  }
}

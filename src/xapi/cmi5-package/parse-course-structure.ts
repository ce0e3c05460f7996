import { SaxesParser, type SaxesTagNS } from 'saxes';
import { isIri } from '../validate/iri.js';
import {
  LAUNCH_METHODS,
  MOVE_ON_VALUES,
  type Cmi5Au,
  type Cmi5Block,
  type Cmi5Course,
  type Cmi5Objective,
  type LangString,
  type LaunchMethod,
  type MoveOn,
} from './course-structure.js';
import { MAX_PROBLEMS_LISTED, type PackageProblem } from './package-problem.js';

export const CMI5_NAMESPACE = 'https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd';

export const COURSE_STRUCTURE_LIMITS = {
  /** cmi5.xml of 1,000 AUs with titles in a few languages stays far below this. */
  xmlBytes: 8 * 1024 * 1024,
  aus: 2000,
  depth: 64,
} as const;

export type ParsedCourseStructure =
  | { readonly ok: true; readonly course: Cmi5Course }
  | { readonly ok: false; readonly problems: readonly PackageProblem[] };

/**
 * Reads cmi5.xml as the cmi5 CourseStructure.xsd describes it (cmi5 13.2): `courseStructure`
 * holding `course`, optional `objectives`, then one or more `au`/`block`; each element's children
 * in the order of its xs:sequence; ids absolute IRIs, unique across the course, blocks, AUs and
 * objectives; `objective idref` naming a course objective; moveOn, masteryScore (0..1) and
 * launchMethod from their enumerations. Elements and attributes of other namespaces are
 * extensions (xs:any ##other) and are skipped. A DOCTYPE is refused, so no entity is expanded.
 *
 * AU urls are only checked to be URL-shaped here; whether a relative one resolves depends on
 * the package (see resolveAuUrls). Pure: never throws on bad input, answers the problems.
 */
export function parseCourseStructure(xml: string): ParsedCourseStructure {
  if (Buffer.byteLength(xml) > COURSE_STRUCTURE_LIMITS.xmlBytes) {
    return fail({ reason: 'xmlTooLarge', limit: COURSE_STRUCTURE_LIMITS.xmlBytes });
  }
  const root = readTree(xml);
  if (!root.ok) return fail({ reason: 'xmlMalformed', at: root.detail });
  if (root.element.name !== 'courseStructure' || root.element.uri !== CMI5_NAMESPACE) {
    return fail({ reason: 'notCourseStructure', at: root.element.name });
  }
  const reader = new StructureReader();
  const course = reader.courseStructure(root.element);
  if (reader.problems.length > 0) return { ok: false, problems: reader.problems };
  return { ok: true, course };
}

function fail(problem: PackageProblem): ParsedCourseStructure {
  return { ok: false, problems: [problem] };
}

interface XmlElement {
  readonly name: string;
  readonly uri: string;
  /** Attributes without a namespace, by local name; namespaced ones are extensions. */
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: XmlElement[];
  text: string;
}

function readTree(xml: string): { ok: true; element: XmlElement } | { ok: false; detail: string } {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let failure: string | null = null;
  parser.on('error', (error) => {
    failure ??= error.message;
  });
  parser.on('doctype', () => {
    failure ??= 'a DOCTYPE is not accepted';
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const attributes = new Map<string, string>();
    for (const attribute of Object.values(tag.attributes)) {
      if (attribute.uri === '' && attribute.prefix === '' && attribute.name !== 'xmlns') {
        attributes.set(attribute.local, attribute.value);
      }
    }
    const element: XmlElement = {
      name: tag.local,
      uri: tag.uri,
      attributes,
      children: [],
      text: '',
    };
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else root = element;
    stack.push(element);
    if (stack.length > COURSE_STRUCTURE_LIMITS.depth) failure ??= 'elements nest too deep';
  });
  parser.on('text', (text) => {
    const current = stack.at(-1);
    if (current) current.text += text;
  });
  parser.on('cdata', (text) => {
    const current = stack.at(-1);
    if (current) current.text += text;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  try {
    parser.write(xml.replace(/^\uFEFF/, '')).close();
  } catch (error) {
    failure ??= error instanceof Error ? error.message : String(error);
  }
  if (failure !== null) return { ok: false, detail: failure };
  if (root === null) return { ok: false, detail: 'no root element' };
  return { ok: true, element: root };
}

/** One step of an xs:sequence: the element names it takes, how few and how many times. */
interface Step {
  readonly names: readonly string[];
  readonly min: number;
  readonly max: number;
}

const once = (name: string): Step => ({ names: [name], min: 1, max: 1 });
const optional = (name: string): Step => ({ names: [name], min: 0, max: 1 });
const auOrBlock: Step = { names: ['au', 'block'], min: 1, max: Infinity };

const SEQUENCES = {
  courseStructure: [once('course'), optional('objectives'), auOrBlock],
  course: [once('title'), once('description')],
  block: [once('title'), once('description'), optional('objectives'), auOrBlock],
  au: [
    once('title'),
    once('description'),
    optional('objectives'),
    once('url'),
    optional('launchParameters'),
    optional('entitlementKey'),
  ],
  text: [{ names: ['langstring'], min: 1, max: Infinity }],
  objectives: [{ names: ['objective'], min: 1, max: Infinity }],
  objective: [once('title'), once('description')],
  reference: [],
} satisfies Record<string, Step[]>;

const ATTRIBUTES: Record<string, readonly string[]> = {
  courseStructure: [],
  course: ['id'],
  block: ['id'],
  au: ['id', 'moveOn', 'masteryScore', 'launchMethod', 'activityType'],
  objective: ['id'],
  reference: ['idref'],
  langstring: ['lang'],
};

/** Walks the tree once, collecting every problem (up to MAX_PROBLEMS_LISTED). */
class StructureReader {
  readonly problems: PackageProblem[] = [];
  private readonly ids = new Set<string>();
  private readonly objectiveIds = new Set<string>();
  private readonly references: { idref: string; at: string }[] = [];
  private auCount = 0;

  courseStructure(root: XmlElement): Cmi5Course {
    const parts = this.sequence(root, 'courseStructure', SEQUENCES.courseStructure);
    this.checkAttributes(root, 'courseStructure', 'courseStructure');
    const courseElement = parts.get('course')?.[0];
    const objectives = (parts.get('objectives') ?? []).flatMap((list) => this.objectiveList(list));
    const course: Cmi5Course = {
      id: courseElement ? this.id(courseElement, 'course') : '',
      title: courseElement ? this.textOf(courseElement, 'title', 'course') : [],
      description: courseElement ? this.textOf(courseElement, 'description', 'course') : [],
      objectives,
      children: this.children(parts, 'courseStructure'),
    };
    if (courseElement) {
      this.sequence(courseElement, 'course', SEQUENCES.course);
      this.checkAttributes(courseElement, 'course', 'course');
    }
    for (const reference of this.references) {
      if (!this.objectiveIds.has(reference.idref)) {
        this.report({ reason: 'objectiveUnknown', at: reference.idref });
      }
    }
    if (this.auCount > COURSE_STRUCTURE_LIMITS.aus) {
      this.report({ reason: 'tooManyAus', limit: COURSE_STRUCTURE_LIMITS.aus });
    }
    return course;
  }

  private children(parts: Map<string, XmlElement[]>, at: string): (Cmi5Au | Cmi5Block)[] {
    return (parts.get('au|block') ?? []).map((element) =>
      element.name === 'au' ? this.au(element) : this.block(element, at),
    );
  }

  private block(element: XmlElement, parentAt: string): Cmi5Block {
    const id = this.id(element, `${parentAt}/block`);
    const at = `block ${id}`;
    this.checkAttributes(element, 'block', at);
    const parts = this.sequence(element, at, SEQUENCES.block);
    return {
      kind: 'block',
      id,
      title: this.textOf(element, 'title', at),
      description: this.textOf(element, 'description', at),
      objectives: this.objectiveReferences(parts, at),
      children: this.children(parts, at),
    };
  }

  private au(element: XmlElement): Cmi5Au {
    this.auCount += 1;
    const id = this.id(element, 'au');
    const at = `au ${id}`;
    this.checkAttributes(element, 'au', at);
    const parts = this.sequence(element, at, SEQUENCES.au);
    const url = collapse(parts.get('url')?.[0]?.text ?? '');
    if (parts.has('url') && !isUrlShaped(url)) this.report({ reason: 'urlInvalid', at: url });
    const launchParameters = parts.get('launchParameters')?.[0];
    const entitlementKey = parts.get('entitlementKey')?.[0];
    return {
      kind: 'au',
      id,
      title: this.textOf(element, 'title', at),
      description: this.textOf(element, 'description', at),
      objectives: this.objectiveReferences(parts, at),
      url,
      // Indented cmi5.xml wraps these in line breaks that are not part of the value
      // (CATAPULT 001-essentials expects `entitlementKey.courseStructure` as "sample value").
      launchParameters: launchParameters ? launchParameters.text.trim() : null,
      entitlementKey: entitlementKey ? entitlementKey.text.trim() : null,
      moveOn: this.moveOn(element, at),
      masteryScore: this.masteryScore(element, at),
      launchMethod: this.launchMethod(element, at),
      activityType: element.attributes.get('activityType') ?? null,
    };
  }

  private objectiveList(list: XmlElement): Cmi5Objective[] {
    this.checkAttributes(list, 'courseStructure', 'objectives');
    const parts = this.sequence(list, 'objectives', SEQUENCES.objectives);
    return (parts.get('objective') ?? []).map((element) => {
      const id = this.id(element, 'objective');
      this.objectiveIds.add(id);
      const at = `objective ${id}`;
      this.checkAttributes(element, 'objective', at);
      this.sequence(element, at, SEQUENCES.objective);
      return {
        id,
        title: this.textOf(element, 'title', at),
        description: this.textOf(element, 'description', at),
      };
    });
  }

  private objectiveReferences(parts: Map<string, XmlElement[]>, at: string): string[] {
    const list = parts.get('objectives')?.[0];
    if (!list) return [];
    const references = this.sequence(list, `${at}/objectives`, SEQUENCES.objectives);
    return (references.get('objective') ?? []).map((reference) => {
      this.checkAttributes(reference, 'reference', `${at}/objective`);
      this.sequence(reference, `${at}/objective`, SEQUENCES.reference);
      const idref = collapse(reference.attributes.get('idref') ?? '');
      if (idref === '') this.report({ reason: 'structureInvalid', at: `${at}/objective@idref` });
      else this.references.push({ idref, at });
      return idref;
    });
  }

  /** An `id` attribute: required, an absolute IRI, not used by any other element. */
  private id(element: XmlElement, at: string): string {
    const id = collapse(element.attributes.get('id') ?? '');
    if (id === '') this.report({ reason: 'structureInvalid', at: `${at}@id` });
    else if (!isIri(id)) this.report({ reason: 'iriInvalid', at: id });
    else if (this.ids.has(id)) this.report({ reason: 'idDuplicated', at: id });
    this.ids.add(id);
    return id;
  }

  private textOf(element: XmlElement, name: 'title' | 'description', at: string): LangString[] {
    const holder = element.children.find(
      (child) => child.uri === CMI5_NAMESPACE && child.name === name,
    );
    if (!holder) return [];
    const parts = this.sequence(holder, `${at}/${name}`, SEQUENCES.text);
    return (parts.get('langstring') ?? []).map((langstring) => {
      this.checkAttributes(langstring, 'langstring', `${at}/${name}/langstring`);
      if (langstring.children.some((child) => child.uri === CMI5_NAMESPACE)) {
        this.report({ reason: 'structureInvalid', at: `${at}/${name}/langstring` });
      }
      return { lang: langstring.attributes.get('lang') ?? '', value: langstring.text.trim() };
    });
  }

  private moveOn(element: XmlElement, at: string): MoveOn {
    const value = element.attributes.get('moveOn');
    if (value === undefined) return 'NotApplicable';
    const known = MOVE_ON_VALUES.find((candidate) => candidate === value.trim());
    if (!known) this.report({ reason: 'moveOnInvalid', at: `${at}@moveOn=${value}` });
    return known ?? 'NotApplicable';
  }

  private launchMethod(element: XmlElement, at: string): LaunchMethod {
    const value = element.attributes.get('launchMethod');
    if (value === undefined) return 'AnyWindow';
    const known = LAUNCH_METHODS.find((candidate) => candidate === value.trim());
    if (!known) this.report({ reason: 'launchMethodInvalid', at: `${at}@launchMethod=${value}` });
    return known ?? 'AnyWindow';
  }

  /** xs:decimal with minInclusive 0 and maxInclusive 1 (CourseStructure.xsd `scaledDecimal`). */
  private masteryScore(element: XmlElement, at: string): number | null {
    const value = element.attributes.get('masteryScore');
    if (value === undefined) return null;
    const text = value.trim();
    const score = Number(text);
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text) || score < 0 || score > 1) {
      this.report({ reason: 'masteryScoreInvalid', at: `${at}@masteryScore=${value}` });
      return null;
    }
    return score;
  }

  private checkAttributes(element: XmlElement, kind: string, at: string): void {
    const allowed = ATTRIBUTES[kind] ?? [];
    for (const name of element.attributes.keys()) {
      if (!allowed.includes(name)) this.report({ reason: 'structureInvalid', at: `${at}@${name}` });
    }
  }

  /**
   * Matches the cmi5-namespace children of `element` against `steps` in order (xs:sequence),
   * reporting the first child out of place or the first required step missing. Answers the
   * children by name ('au|block' for the choice).
   */
  private sequence(
    element: XmlElement,
    at: string,
    steps: readonly Step[],
  ): Map<string, XmlElement[]> {
    const found = new Map<string, XmlElement[]>();
    const children = element.children.filter((child) => child.uri === CMI5_NAMESPACE);
    let index = 0;
    for (const step of steps) {
      const key = step.names.join('|');
      const taken: XmlElement[] = [];
      while (
        index < children.length &&
        taken.length < step.max &&
        step.names.includes(children[index]!.name)
      ) {
        taken.push(children[index]!);
        index += 1;
      }
      if (taken.length < step.min) {
        const unexpected = children[index];
        this.report({
          reason: 'structureInvalid',
          at: unexpected ? `${at}/${unexpected.name}` : `${at}/${key} (missing)`,
        });
        return found;
      }
      if (taken.length > 0) found.set(key, taken);
    }
    const extra = children[index];
    if (extra) this.report({ reason: 'structureInvalid', at: `${at}/${extra.name}` });
    return found;
  }

  private report(problem: PackageProblem): void {
    if (this.problems.length < MAX_PROBLEMS_LISTED) this.problems.push(problem);
  }
}

/** xs:anyURI and xs:ID values collapse whitespace (XML Schema Part 2, 4.3.6). */
function collapse(text: string): string {
  return text.replace(/[\t\n\r ]+/g, ' ').trim();
}

/**
 * Absolute (a scheme, parseable as a URL) or a relative reference without whitespace or
 * characters a URL never holds unescaped.
 */
function isUrlShaped(url: string): boolean {
  if (url === '' || /[\s<>"{}|\\^`]/.test(url)) return false;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(url)) return URL.canParse(url);
  return URL.canParse(url, 'https://package.invalid/');
}

import {
  EU_ELEMENTS,
  valueOf,
  type ElmList,
  type ElmNodeKind,
  type ElmTarget,
  type IssuedAchievement,
  type MicroCredentialElements,
} from '../badges/eu-elements.js';
import {
  assessmentTypeConcept,
  ectsConcept,
  eqfConcept,
  escoSkillConcept,
  iscedFConcept,
  modeConcept,
  ownConcept,
  supervisionConcept,
  type ElmConcept,
} from './eu-vocabularies.js';

/** A node of an ELM document in JSON-LD. */
export type ElmNode = { [key: string]: unknown };
/** A text by BCP 47 language tag. */
export type LanguageMap = Record<string, string>;
/** The ids of one document's own nodes, `urn:epass:<kind>:<award id>[:<part>]`, as EDC names them. */
export type NodeIds = (kind: string, ...parts: (string | number)[]) => string;

/** The order in which ELM nodes list their properties, as the Commission's sample does. */
const PROPERTY_ORDER: Record<ElmNodeKind, readonly string[]> = {
  qualification: [
    'eqfLevel',
    'creditPoint',
    'volumeOfLearning',
    'mode',
    'thematicArea',
    'entryRequirement',
    'learningOutcome',
  ],
  assessmentSpecification: ['description', 'dcType', 'gradingScheme'],
  assessment: ['idVerification'],
};

/** A node's properties from the elements, in ELM's order (any other after, as written). */
function ordered(kind: ElmNodeKind, properties: ElmNode): ElmNode {
  const order = PROPERTY_ORDER[kind];
  const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
  return Object.fromEntries(Object.entries(properties).sort(([a], [b]) => rank(a) - rank(b)));
}

const CONCEPTS: Record<ElmList, (value: never) => ElmConcept | undefined> = {
  eqf: eqfConcept,
  assessment: assessmentTypeConcept,
  'learning-assessment': modeConcept,
  'isced-f': iscedFConcept,
  supervision: supervisionConcept,
};

export type MappedElements = ReturnType<typeof mapElements>;

/**
 * The achievement's EU elements written where their rows of the table (badges/eu-elements.ts)
 * map them: properties of the Qualification, the assessment and its specification, and the
 * Qualification's notes and documents.
 */
export function mapElements(
  issued: IssuedAchievement,
  stored: {
    eu: MicroCredentialElements;
    achievement: { ects: number | null; eqfLevel: number | null };
  },
  texts: { defaultLanguage: string; outcomes: LanguageMap[] },
  ids: NodeIds,
) {
  const own = texts.defaultLanguage;
  const nodes: Record<ElmNodeKind, ElmNode> = {
    qualification: {},
    assessmentSpecification: {},
    assessment: {},
  };
  const notes: ElmNode[] = [];
  const documents: ElmNode[] = [];
  const to: ElmTarget = {
    id: ids,
    ownText: (text) => ({ [own]: text }),
    outcomeTexts: texts.outcomes,
    concept: (list, value) => CONCEPTS[list](value as never),
    escoSkill: escoSkillConcept,
    creditPoint,
    duration: hoursDuration,
    set: (node, property, value) => {
      if (value !== undefined) nodes[node][property] = value;
    },
    note: (subject, label, text) =>
      notes.push({
        ...note(ids('note', subject), { [own]: text }),
        subject: noteSubject(subject, label),
      }),
    document: (subject, label, url, index) =>
      documents.push({
        id: ids('webResource', subject, ...(index === undefined ? [] : [index])),
        type: 'WebResource',
        title: { en: label },
        contentURL: url,
      }),
  };
  for (const row of EU_ELEMENTS) {
    if (!row.elm) continue;
    const kept = valueOf(row, stored);
    const value = row.elmValue ? row.elmValue(kept, issued) : kept;
    if (value !== undefined) row.elm(value, to);
  }
  return {
    qualification: ordered('qualification', {
      ...nodes.qualification,
      ...(notes.length > 0 ? { additionalNote: notes } : {}),
      ...(documents.length > 0 ? { supplementaryDocument: documents } : {}),
    }),
    assessmentSpecification: ordered('assessmentSpecification', nodes.assessmentSpecification),
    assessment: ordered('assessment', nodes.assessment),
  };
}

export function creditPoint(id: string, ects: number): ElmNode {
  return { id, type: 'CreditPoint', framework: ectsConcept(), point: String(ects) };
}

export function note(id: string, text: LanguageMap): ElmNode {
  return { id, type: 'Note', noteLiteral: text };
}

/** What a note of ours is about, as a concept of ours (no EU list names these elements). */
export function noteSubject(term: string, label: string): ElmConcept {
  return ownConcept('annex-1-element', term, label);
}

/** Hours as an xsd:duration (`PT10H`, `PT1H30M`): only seconds may have a fraction. */
export function hoursDuration(hours: number): string {
  const totalSeconds = Math.round(hours * 3600);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return `PT${h > 0 ? `${h}H` : ''}${m > 0 ? `${m}M` : ''}${s > 0 || totalSeconds === 0 ? `${s}S` : ''}`;
}

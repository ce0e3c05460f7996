import { NOT_MET, type RecognisedCredential } from '../evaluation.js';
import { explanation, type ExplanationNote, type RuleOperator } from '../rule-operator.js';
import { invalid, parseFields } from '../rule-parts.js';

/** What a recognised credential must match; every field given must match. */
export interface Recognised {
  /** The partner's achievement id (`credentialSubject.achievement.id`). */
  achievement?: string;
  /** An alignment of the partner's achievement: its target URL or code (an ESCO skill...). */
  alignment?: string;
  /** The partner: its issuer as its credentials name it (a DID or URL), or its registry id. */
  issuer?: string;
  /** The ECTS the credential counts for here, at least. */
  minEcts?: number;
  /** Its group for `distinctGroupsAtLeast` (a pillar...): a partner's course has no tags here. */
  group?: string;
}

declare module '../rule-operators.js' {
  interface RuleNodes {
    recognised: Recognised;
  }
}

const CRITERIA = ['achievement', 'alignment', 'issuer', 'minEcts'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `{"recognised": {"alignment": "http://data.europa.eu/esco/skill/…", "minEcts": 5}}`: the
 * learner holds a credential from a partner of the awarding body that the body recognised
 * (docs/recognition.md), matching every criterion given: the partner's achievement id, an
 * alignment of it (target URL or code), the partner issuer, and the ECTS it counts for here.
 * Of several matching credentials the one counting the fewest ECTS is chosen (the rule stacks
 * the least), the oldest recognition among equals.
 */
export const recognised: RuleOperator<'recognised', Recognised> = {
  name: 'recognised',
  parse: (value, at) => {
    const fields = parseFields(
      value,
      [...CRITERIA, 'group'],
      at,
      '{"alignment": "<target URL or code>"} naming at least one of achievement, alignment, issuer or minEcts',
    );
    if (CRITERIA.every((criterion) => fields[criterion] === undefined)) {
      throw invalid(
        `${at} must name at least one of achievement, alignment, issuer or minEcts: which recognised credentials count`,
      );
    }
    return {
      ...(fields.achievement === undefined
        ? {}
        : { achievement: parsePartnerAchievement(fields.achievement, `${at}.achievement`) }),
      ...(fields.alignment === undefined
        ? {}
        : { alignment: parseText(fields.alignment, `${at}.alignment`, 'a target URL or code') }),
      ...(fields.issuer === undefined
        ? {}
        : { issuer: parseIssuer(fields.issuer, `${at}.issuer`) }),
      ...(fields.minEcts === undefined
        ? {}
        : { minEcts: parseMinEcts(fields.minEcts, `${at}.minEcts`) }),
      ...(fields.group === undefined
        ? {}
        : {
            group: parseText(fields.group, `${at}.group`, 'a group name such as "environmental"'),
          }),
    };
  },
  children: () => [],
  references: () => ({ activities: [], achievements: [], recognised: true }),
  leaf: (value) => ({
    kind: 'recognised',
    ref: value.achievement ?? value.alignment ?? value.issuer ?? `ects:${value.minEcts}`,
    sources: null,
    scaled: null,
    ...(value.group === undefined ? {} : { group: value.group }),
  }),
  evaluate: (value, state) => {
    const matching = (state.recognised ?? []).filter((credential) => isMatch(value, credential));
    const [chosen] = matching
      .map((credential, index) => ({ credential, index }))
      .sort(
        (a, b) =>
          (a.credential.countedEcts ?? 0) - (b.credential.countedEcts ?? 0) || a.index - b.index,
      );
    if (!chosen) return NOT_MET;
    return {
      isMet: true,
      evidence: [{ kind: 'recognised', credential: chosen.credential }],
      stackedEcts: chosen.credential.countedEcts ?? 0,
      refusal: null,
    };
  },
  explain: (value, evaluation, state) => {
    // The learner reads names, not identifiers: a partner or achievement is named when one of
    // the learner's recognised credentials names it, and a web address is left out.
    const held = state.recognised ?? [];
    const achievementName = held.find(
      (credential) => credential.achievementId === value.achievement,
    )?.achievementName;
    const issuerName =
      value.issuer === undefined
        ? undefined
        : held.find((credential) => isSameIssuer(value.issuer!, credential))?.issuerName;
    const counted = evaluation.evidence.find((item) => item.kind === 'recognised');
    const notes: ExplanationNote[] = [
      ...(achievementName === undefined
        ? []
        : [{ key: 'recognisedAchievement', values: { achievement: achievementName } }]),
      ...(value.alignment === undefined || URL.canParse(value.alignment)
        ? []
        : [{ key: 'recognisedAlignment', values: { alignment: value.alignment } }]),
      ...(issuerName === undefined
        ? []
        : [{ key: 'recognisedIssuer', values: { issuer: issuerName } }]),
      ...(value.minEcts === undefined
        ? []
        : [{ key: 'recognisedMinEcts', values: { ects: value.minEcts } }]),
      ...(counted?.kind === 'recognised'
        ? [
            {
              key: 'recognisedCounted',
              values: {
                name: counted.credential.achievementName,
                issuer: counted.credential.issuerName,
              },
            },
          ]
        : []),
    ];
    return explanation('recognised', evaluation.isMet, {}, { notes });
  },
  describe: (value, words) =>
    words.say('recognised', {
      criteria: [
        ...(value.achievement === undefined
          ? []
          : [words.say('recognisedAchievement', { achievement: value.achievement })]),
        ...(value.alignment === undefined
          ? []
          : [words.say('recognisedAlignment', { alignment: value.alignment })]),
        ...(value.issuer === undefined
          ? []
          : [words.say('recognisedIssuer', { issuer: words.nameOf(value.issuer) })]),
        ...(value.minEcts === undefined
          ? []
          : [words.say('recognisedMinEcts', { ects: value.minEcts })]),
      ].join(', '),
    }),
  form: null,
};

function isMatch(value: Recognised, credential: RecognisedCredential): boolean {
  return (
    (value.achievement === undefined || credential.achievementId === value.achievement) &&
    (value.alignment === undefined || credential.alignments.includes(value.alignment)) &&
    (value.issuer === undefined || isSameIssuer(value.issuer, credential)) &&
    (value.minEcts === undefined ||
      (credential.countedEcts !== null && credential.countedEcts >= value.minEcts))
  );
}

function isSameIssuer(issuer: string, credential: RecognisedCredential): boolean {
  return issuer === credential.issuerId || issuer === credential.partnerIssuerId;
}

function parseText(value: unknown, at: string, shape: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 500) {
    throw invalid(`${at} must be ${shape}`);
  }
  return value.trim();
}

/** A partner issuer as its credentials name it (a DID or URL), or its registry row's UUID. */
function parseIssuer(value: unknown, at: string): string {
  if (typeof value === 'string' && UUID.test(value)) return value.toLowerCase();
  if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\S+$/i.test(value) && URL.canParse(value)) {
    return value;
  }
  throw invalid(`${at} must be a partner issuer: its DID or URL, such as did:web:partner.example`);
}

function parsePartnerAchievement(value: unknown, at: string): string {
  if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\S+$/i.test(value) && URL.canParse(value)) {
    return value;
  }
  throw invalid(
    `${at} must be the partner's achievement id, an absolute IRI such as https://partner.example/achievements/climate-now`,
  );
}

function parseMinEcts(value: unknown, at: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 180) {
    throw invalid(`${at} must be a number of ECTS above 0 and at most 180`);
  }
  return value;
}

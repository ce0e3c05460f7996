import { bestScaledOf, evaluateActivity } from '../activity-results.js';
import {
  explanation,
  type ExplanationNote,
  percentFieldOfScaled,
  percentFieldProblem,
  percentOfScaled,
  scaledOfPercentField,
  type RuleOperator,
} from '../rule-operator.js';
import {
  parseFields,
  parseIri,
  parseScaled,
  parseSources,
  type StatementSource,
} from '../rule-parts.js';

export interface ScoreAtLeast {
  activity: string;
  /** The scaled score needed (0..1); the form shows it in percent. */
  scaled: number;
  sources?: StatementSource[];
}

declare module '../rule-operators.js' {
  interface RuleNodes {
    scoreAtLeast: ScoreAtLeast;
  }
}

/** `{"scoreAtLeast": {"activity": IRI, "scaled": 0.8}}`: the best score reaches `scaled`. */
export const scoreAtLeast: RuleOperator<'scoreAtLeast', ScoreAtLeast> = {
  name: 'scoreAtLeast',
  parse: (value, at) => {
    const fields = parseFields(
      value,
      ['activity', 'scaled', 'sources'],
      at,
      '{"activity": "<IRI>", "scaled": 0.8}',
    );
    const scaled = parseScaled(fields.scaled, `${at}.scaled`);
    const activity = parseIri(fields.activity, `${at}.activity`);
    return fields.sources === undefined
      ? { activity, scaled }
      : { activity, scaled, sources: parseSources(fields.sources, at) };
  },
  children: () => [],
  references: (value) => ({ activities: [value.activity], achievements: [], recognised: false }),
  leaf: (value) => ({
    kind: 'scoreAtLeast',
    ref: value.activity,
    sources: value.sources ?? null,
    scaled: value.scaled,
  }),
  evaluate: (value, state) =>
    evaluateActivity(
      'scoreAtLeast',
      { ref: value.activity, sources: value.sources ?? null },
      state,
      value.scaled,
    ),
  explain: (value, evaluation, state) => {
    const best = bestScaledOf(state, value.activity);
    const notes: ExplanationNote[] = evaluation.isMet
      ? []
      : [
          best === null
            ? { key: 'noScoreYet', values: {} }
            : { key: 'bestScore', values: { percent: Math.round(best * 100) } },
        ];
    return explanation(
      'scoreAtLeast',
      evaluation.isMet,
      { activity: value.activity, percent: percentOfScaled(value.scaled) },
      { notes, activity: value.activity },
    );
  },
  describe: (value, words) =>
    words.say('scoreAtLeast', {
      activity: words.nameOf(value.activity),
      percent: percentOfScaled(value.scaled),
    }),
  form: {
    kind: 'condition',
    toRow: (value) =>
      value.sources === undefined
        ? { activity: value.activity, score: percentFieldOfScaled(value.scaled), achievement: '' }
        : null,
    fromRow: (row) => ({
      scoreAtLeast: { activity: row.activity, scaled: scaledOfPercentField(row.score) },
    }),
    fieldOf: (part) => (part === 'scaled' ? 'score' : 'activity'),
    check: (row) => {
      const problem = percentFieldProblem(row.score);
      return problem && { field: 'score', ...problem };
    },
  },
};

import { acceptedOutcomes, bestScoring } from '../activity-results.js';
import { NOT_MET, metWith, type Evidence, type OutcomeState } from '../evaluation.js';
import {
  explanation,
  type ExplanationNote,
  percentOfScaled,
  type RuleOperator,
} from '../rule-operator.js';
import {
  flatActivityRef,
  invalid,
  parseActivityRef,
  parseCount,
  parseFields,
  parseList,
  parseScaled,
  type ActivityRef,
} from '../rule-parts.js';

declare module '../rule-operators.js' {
  interface RuleNodes {
    bestAverageAtLeast: BestAverageAtLeast;
  }
}

export interface BestAverageAtLeast {
  /** How many of the learner's results count: the best n. */
  n: number;
  /** The activities whose results count, each at most once (as in `passed`, with sources). */
  of: ActivityRef[];
  /** The average needed, scaled 0..1 as in scoreAtLeast (the teacher's page shows percent). */
  scaled: number;
}

/**
 * Floating-point slack for "the average reaches the threshold": (0.7 + 0.8 + 0.9) / 3 is
 * 0.7999999999999999 in binary floating point, and it must meet 0.8.
 */
const AVERAGE_TOLERANCE = 1e-9;

/**
 * `{"bestAverageAtLeast": {"n": 3, "of": [IRI, ...], "scaled": 0.8}}`: the learner has a scored
 * result on at least n of the activities, and the best score on each of the n best averages at
 * least `scaled`. Worse results never lower the average; a missing one is not counted as 0.
 */
export const bestAverageAtLeast: RuleOperator<'bestAverageAtLeast', BestAverageAtLeast> = {
  name: 'bestAverageAtLeast',
  parse: (value, at) => {
    const fields = parseFields(
      value,
      ['n', 'of', 'scaled'],
      at,
      '{"n": 3, "of": ["<activity IRI>", ...], "scaled": 0.8}',
    );
    const of = parseList(fields.of, `${at}.of`, parseActivityRef, ['activity', 'activities']);
    const seen = new Set<string>();
    of.forEach((ref, index) => {
      const { ref: activity } = flatActivityRef(ref);
      if (seen.has(activity)) {
        throw invalid(`${at}.of[${index}] repeats ${activity}: each activity counts once`);
      }
      seen.add(activity);
    });
    const n = parseCount(fields.n, `${at}.n`, of.length, 'activities');
    return { n, of, scaled: parseScaled(fields.scaled, `${at}.scaled`) };
  },
  children: () => [],
  references: (value) => ({
    activities: value.of.map((ref) => flatActivityRef(ref).ref),
    achievements: [],
    recognised: false,
  }),
  leaf: () => null,
  evaluate: (value, state) => {
    const best = bestResults(value, state);
    if (best === null || best.average + AVERAGE_TOLERANCE < value.scaled) return NOT_MET;
    return metWith(best.evidence);
  },
  explain: (value, evaluation, state) => {
    const results = resultsOf(value, state);
    const best = bestResults(value, state);
    const notes: ExplanationNote[] = evaluation.isMet
      ? []
      : [
          best === null
            ? { key: 'resultsSoFar', values: { results: results.length, n: value.n } }
            : { key: 'bestAverageSoFar', values: { n: value.n, percent: percentOf(best.average) } },
        ];
    const children = value.of.map((ref) => {
      const activity = flatActivityRef(ref).ref;
      const result = results.find((item) => item.activity === activity);
      return explanation(
        'resultOf',
        result !== undefined,
        { activity },
        {
          activity,
          notes: result
            ? [{ key: 'bestScore', values: { percent: percentOf(result.scaled) } }]
            : [],
        },
      );
    });
    return explanation(
      'bestAverageAtLeast',
      evaluation.isMet,
      { n: value.n, total: value.of.length, percent: percentOfScaled(value.scaled) },
      { notes, children },
    );
  },
  describe: (value, words) =>
    words.say('bestAverageAtLeast', {
      n: value.n,
      percent: percentOfScaled(value.scaled),
      list: value.of
        .map((ref) => words.nameOf(flatActivityRef(ref).ref))
        .join(words.say('separator')),
    }),
  form: null,
};

/** The learner's best score on one activity and the statement that scored it. */
interface Result {
  readonly activity: string;
  readonly scaled: number;
  readonly evidence: Evidence;
}

/** The learner's best score on each listed activity that has one, in listing order. */
function resultsOf(value: BestAverageAtLeast, state: OutcomeState): Result[] {
  return value.of.flatMap((ref): Result[] => {
    const activity = flatActivityRef(ref);
    const best = bestScoring(acceptedOutcomes(state, activity));
    if (!best || best.bestScaled === null || best.bestScoreBy === null) return [];
    const evidence: Evidence = {
      kind: 'statement',
      statementId: best.bestScoreBy,
      activity: activity.ref,
      condition: 'scoreAtLeast',
      source: best.source,
      scaled: best.bestScaled,
    };
    return [{ activity: activity.ref, scaled: best.bestScaled, evidence }];
  });
}

/** The n best results (earlier activities first among equals) and their average, or null. */
function bestResults(
  value: BestAverageAtLeast,
  state: OutcomeState,
): { evidence: Evidence[]; average: number } | null {
  const results = resultsOf(value, state);
  if (results.length < value.n) return null;
  const best = results
    .map((result, index) => ({ result, index }))
    .sort((a, b) => b.result.scaled - a.result.scaled || a.index - b.index)
    .slice(0, value.n)
    .sort((a, b) => a.index - b.index)
    .map(({ result }) => result);
  const average = best.reduce((sum, result) => sum + result.scaled, 0) / value.n;
  return { evidence: best.map((result) => result.evidence), average };
}

function percentOf(scaled: number): number {
  return Math.round(scaled * 100);
}

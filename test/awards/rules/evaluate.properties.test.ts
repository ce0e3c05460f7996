import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OutcomeFact } from '../../../src/awards/outcome-state.js';
import {
  evaluateRule,
  type EvaluationContext,
  type HeldCredential,
} from '../../../src/awards/rules/evaluate.js';
import {
  achievementsOfRule,
  leavesOf,
  type Rule,
  type StatementSource,
} from '../../../src/awards/rules/rule-schema.js';
import { stateOf } from './outcome-states.js';

const ACTIVITIES = [1, 2, 3, 4].map((n) => `https://example.org/activities/a${n}`);
const ACHIEVEMENTS = [1, 2, 3, 4, 5, 6].map((n) => `00000000-0000-4000-8000-00000000000${n}`);
const PILLARS = ['environmental', 'economic', 'societal'];
const SOURCES: StatementSource[] = ['platform', 'tool', 'content'];
const VERBS = [
  'http://adlnet.gov/expapi/verbs/passed',
  'http://adlnet.gov/expapi/verbs/completed',
  'http://adlnet.gov/expapi/verbs/answered',
];

const sources = fc.option(fc.uniqueArray(fc.constantFrom(...SOURCES), { minLength: 1 }), {
  nil: undefined,
});
const activityLeaf: fc.Arbitrary<Rule> = fc.oneof(
  fc
    .tuple(fc.constantFrom(...ACTIVITIES), sources)
    .map(([activity, s]): Rule =>
      s ? { passed: { activity, sources: s } } : { passed: activity },
    ),
  fc
    .tuple(fc.constantFrom(...ACTIVITIES), sources)
    .map(([activity, s]): Rule =>
      s ? { completed: { activity, sources: s } } : { completed: activity },
    ),
  fc
    .tuple(fc.constantFrom(...ACTIVITIES), fc.double({ min: 0, max: 1, noNaN: true }), sources)
    .map(([activity, scaled, s]): Rule => ({
      scoreAtLeast: s ? { activity, scaled, sources: s } : { activity, scaled },
    })),
);
const earnedLeaf: fc.Arbitrary<Rule> = fc
  .tuple(fc.constantFrom(...ACHIEVEMENTS), sources)
  .map(([achievement, s]): Rule =>
    s ? { earned: { achievement, sources: s } } : { earned: achievement },
  );
const leaf = fc.oneof(activityLeaf, earnedLeaf);

/** Group rules over distinct leaves, with n and count that can be met. */
const groupRule = fc
  .uniqueArray(leaf, { minLength: 1, maxLength: 6, selector: (rule) => leavesOf(rule)[0]?.ref })
  .chain((of) =>
    fc
      .integer({ min: 1, max: of.length })
      .chain((count) =>
        fc
          .integer({ min: 1, max: count })
          .map((n): Rule => ({ distinctGroupsAtLeast: { n, tag: 'pillar', count, of } })),
      ),
  );

const { rule } = fc.letrec<{ rule: Rule }>((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    groupRule,
    fc.array(tie('rule'), { minLength: 1, maxLength: 3 }).map((allOf): Rule => ({ allOf })),
    fc.array(tie('rule'), { minLength: 1, maxLength: 3 }).map((anyOf): Rule => ({ anyOf })),
    fc
      .array(tie('rule'), { minLength: 1, maxLength: 4 })
      .chain((of) =>
        fc.integer({ min: 1, max: of.length }).map((n): Rule => ({ atLeast: { n, of } })),
      ),
  ),
}));

const facts = fc.array(
  fc.record({
    activityId: fc.constantFrom(...ACTIVITIES),
    registration: fc.constantFrom(null, '7c9e6679-7425-40de-944b-e07fc1f90ae7'),
    source: fc.constantFrom(...SOURCES),
    verbId: fc.constantFrom(...VERBS),
    success: fc.constantFrom(null, true, false),
    completion: fc.constantFrom(null, true, false),
    scoreScaled: fc.option(fc.double({ min: -1, max: 1, noNaN: true }), { nil: null }),
  }),
  { maxLength: 12 },
);
const credentials = fc.dictionary(
  fc.constantFrom(...ACHIEVEMENTS),
  fc.record({
    form: fc.constantFrom<HeldCredential['form']>('micro-credential', 'badge'),
    ects: fc.integer({ min: 1, max: 10 }),
    sources: fc.uniqueArray(fc.constantFrom(...SOURCES), { minLength: 1 }),
  }),
);
const context: fc.Arbitrary<EvaluationContext> = fc
  .tuple(
    fc.array(fc.constantFrom(...PILLARS), {
      minLength: ACTIVITIES.length + ACHIEVEMENTS.length,
      maxLength: ACTIVITIES.length + ACHIEVEMENTS.length,
    }),
    fc.boolean(),
  )
  .map(([pillars, creditOnly]) => ({
    groups: new Map(
      [...ACTIVITIES, ...ACHIEVEMENTS].map((ref, index) => [ref, { pillar: pillars[index]! }]),
    ),
    creditOnly,
  }));

type FactInput = Omit<OutcomeFact, 'statementId' | 'userId'>;
type CredentialInput = Record<string, Omit<HeldCredential, 'awardId' | 'ects'> & { ects: number }>;

function buildState(factInputs: readonly FactInput[], held: CredentialInput, offset = 0) {
  return stateOf(
    factInputs.map((f, index) => ({ ...f, userId: 'learner', statementId: `s${offset + index}` })),
    Object.fromEntries(
      Object.entries(held).map(([id, c]) => [
        id,
        { ...c, awardId: `award-${id}`, ects: c.form === 'badge' ? null : c.ects },
      ]),
    ),
  );
}

function subsets<T>(items: readonly T[]): T[][] {
  return items.reduce<T[][]>((all, item) => [...all, ...all.map((s) => [...s, item])], [[]]);
}

describe('evaluateRule properties', () => {
  it('never loses a met rule when evidence is added', () => {
    fc.assert(
      fc.property(
        rule,
        facts,
        facts,
        credentials,
        credentials,
        context,
        (r, f1, f2, c1, c2, ctx) => {
          const before = evaluateRule(r, buildState(f1, c1), ctx);
          const after = evaluateRule(r, buildState([...f1, ...f2], { ...c2, ...c1 }), ctx);
          return !before.isMet || after.isMet;
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never loses a met stack under a stacking cap when credentials are added', () => {
    fc.assert(
      fc.property(
        rule,
        facts,
        credentials,
        credentials,
        context,
        fc.integer({ min: 1, max: 40 }),
        (r, f, c1, c2, ctx, cap) => {
          const earned = leavesOf(r).filter((l) => l.kind === 'earned');
          fc.pre(earned.length > 0 && achievementsOfRule(r).length === earned.length);
          const capped: Rule = { stackingCap: { ects: cap, target: 'a degree', rule: r } };
          const before = evaluateRule(capped, buildState(f, c1), ctx);
          const after = evaluateRule(capped, buildState(f, { ...c2, ...c1 }), ctx);
          return !before.isMet || after.isMet;
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is deterministic: the same state, however built, gives the same evaluation', () => {
    fc.assert(
      fc.property(rule, facts, credentials, context, (r, f, c, ctx) => {
        const reversed = Object.fromEntries(Object.entries(c).reverse());
        expect(evaluateRule(r, buildState(f, reversed), ctx)).toEqual(
          evaluateRule(r, buildState(f, c), ctx),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with a brute-force reference on atLeast', () => {
    fc.assert(
      fc.property(
        fc.array(leaf, { minLength: 1, maxLength: 7 }),
        fc.nat(),
        facts,
        credentials,
        context,
        (of, seed, f, c, ctx) => {
          const n = 1 + (seed % of.length);
          const state = buildState(f, c);
          const met = of.map((child) => evaluateRule(child, state, ctx).isMet);
          const reference = subsets(of.map((_, i) => i)).some(
            (chosen) => chosen.length >= n && chosen.every((i) => met[i]),
          );
          expect(evaluateRule({ atLeast: { n, of } }, state, ctx).isMet).toBe(reference);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('agrees with a brute-force reference on distinctGroupsAtLeast, stacking the fewest ECTS', () => {
    fc.assert(
      fc.property(groupRule, facts, credentials, context, (r, f, c, ctx) => {
        if (!('distinctGroupsAtLeast' in r)) return;
        const { n, count = n, of } = r.distinctGroupsAtLeast;
        const state = buildState(f, c);
        const children = of.map((child) => ({
          result: evaluateRule(child, state, ctx),
          group: ctx.groups.get(leavesOf(child)[0]!.ref)?.pillar,
        }));
        const valid = subsets(children).filter(
          (chosen) =>
            chosen.length === count &&
            chosen.every((child) => child.result.isMet) &&
            new Set(chosen.map((child) => child.group)).size >= n,
        );
        const result = evaluateRule(r, state, ctx);
        expect(result.isMet).toBe(valid.length > 0);
        if (valid.length > 0) {
          const cheapest = Math.min(
            ...valid.map((chosen) =>
              chosen.reduce((sum, child) => sum + child.result.stackedEcts, 0),
            ),
          );
          expect(result.stackedEcts).toBe(cheapest);
        }
      }),
      { numRuns: 500 },
    );
  });
});

import { NOT_MET, combine, type Evaluation, type EvaluationContext } from '../evaluation.js';
import {
  explanation,
  NO_REFERENCES,
  numberOfField,
  type RuleOperator,
  type RuleWalk,
} from '../rule-operator.js';
import { invalid, parseCount, parseFields, parseList } from '../rule-parts.js';
import type { Rule } from '../rule-operators.js';

export interface DistinctGroupsAtLeast {
  /** Distinct values of the group tag needed. */
  n: number;
  tag: string;
  /** Met conditions needed (default n). */
  count?: number;
  of: Rule[];
}

declare module '../rule-operators.js' {
  interface RuleNodes {
    distinctGroupsAtLeast: DistinctGroupsAtLeast;
  }
}

/**
 * `{"distinctGroupsAtLeast": {"n": 2, "tag": "pillar", "count": 3, "of": [leaves]}}`: at least
 * `count` of the conditions, whose activities or achievements carry at least n distinct values
 * of the group tag `tag`.
 */
export const distinctGroupsAtLeast: RuleOperator<'distinctGroupsAtLeast', DistinctGroupsAtLeast> = {
  name: 'distinctGroupsAtLeast',
  parse: (value, at, walk) => {
    const fields = parseFields(
      value,
      ['n', 'tag', 'count', 'of'],
      at,
      '{"n": 2, "tag": "pillar", "count": 3, "of": [leaf rules]}',
    );
    const of = parseList(fields.of, `${at}.of`, walk.parse);
    of.forEach((child, index) => {
      if (walk.leafOf(child) === null) {
        throw invalid(
          `${at}.of[${index}] must be passed, completed, satisfied, scoreAtLeast, earned or recognised: only those have a group`,
        );
      }
    });
    const tag = fields.tag;
    if (typeof tag !== 'string' || !/^[\p{L}\p{N}_.:-]{1,64}$/u.test(tag)) {
      throw invalid(`${at}.tag must be a group tag name such as "pillar"`);
    }
    const n = parseCount(fields.n, `${at}.n`, of.length);
    if (fields.count === undefined) return { n, tag, of };
    const count = parseCount(fields.count, `${at}.count`, of.length);
    if (count < n) throw invalid(`${at}.count must be at least n (${n})`);
    return { n, tag, count, of };
  },
  children: (value) => value.of,
  references: () => NO_REFERENCES,
  leaf: () => null,
  evaluate: (value, state, context, walk) => {
    const { n, tag, count = n, of } = value;
    const results = of.map((child) => ({
      result: walk.evaluate(child, state, context),
      group: groupOf(child, tag, context, walk),
    }));
    return cheapestCovering(results, count, n);
  },
  explain: (value, evaluation, state, context, walk) => {
    const { n, tag, count = n, of } = value;
    const children = of.map((child) => {
      const line = walk.explain(child, state, context);
      const group = groupOf(child, tag, context, walk);
      return group === null
        ? { ...line, group }
        : {
            ...line,
            group,
            notes: [...line.notes, { key: 'inGroup', values: { group } }],
          };
    });
    const met = children.filter((child) => child.isMet);
    const groupsCovered = [
      ...new Set(met.flatMap((child) => (child.group === null ? [] : [child.group]))),
    ].sort();
    return explanation(
      'distinctGroups',
      evaluation.isMet,
      { count, n, tag, met: met.length },
      {
        notes: [
          groupsCovered.length === 0
            ? { key: 'noGroupCovered', values: {} }
            : { key: 'groupsCovered', values: { groups: groupsCovered.join(', ') } },
        ],
        children: children.map(({ group: _group, ...line }) => line),
      },
    );
  },
  describe: (value, words) => {
    const { n, tag, count = n, of } = value;
    return words.say('distinctGroups', { n: count, groups: n, tag, list: words.list(of) });
  },
  form: {
    kind: 'shape',
    shape: 'distinctGroups',
    toRows: ({ n, tag, count, of }) => ({
      conditions: of,
      fields: { groups: String(n), tag, count: count === undefined ? '' : String(count) },
    }),
    fromRows: (conditions, fields) => ({
      distinctGroupsAtLeast: {
        n: numberOfField(fields.groups),
        tag: fields.tag,
        ...(fields.count === '' ? {} : { count: numberOfField(fields.count) }),
        of: conditions,
      },
    }),
    fieldOf: (part) =>
      part === 'n' ? 'groups' : part === 'count' ? 'count' : part === 'tag' ? 'tag' : null,
  },
};

function groupOf(
  rule: Rule,
  tag: string,
  context: EvaluationContext,
  walk: RuleWalk,
): string | null {
  const leaf = walk.leafOf(rule);
  if (leaf?.group !== undefined) return leaf.group;
  return context.groups.get(leaf?.ref ?? '')?.[tag] ?? null;
}

/**
 * The cheapest `count` met results that cover at least `groups` distinct groups. Some optimal
 * choice takes the cheapest member of each of `groups` groups and fills up with the cheapest
 * others, so trying every set of `groups` groups finds it.
 */
function cheapestCovering(
  results: readonly { result: Evaluation; group: string | null }[],
  count: number,
  groups: number,
): Evaluation {
  const met = results
    .map(({ result, group }, index) => ({ result, group, index }))
    .filter(({ result }) => result.isMet)
    .sort((a, b) => a.result.stackedEcts - b.result.stackedEcts || a.index - b.index);
  const cheapestOfGroup = new Map<string, (typeof met)[number]>();
  for (const item of met) {
    if (item.group !== null && !cheapestOfGroup.has(item.group))
      cheapestOfGroup.set(item.group, item);
  }
  if (met.length < count || cheapestOfGroup.size < groups) return NOT_MET;

  let best: { cost: number; indexes: number[] } | null = null;
  for (const chosenGroups of combinations([...cheapestOfGroup.keys()].sort(), groups)) {
    const picked = chosenGroups.map((group) => cheapestOfGroup.get(group)!);
    const rest = met.filter((item) => !picked.includes(item)).slice(0, count - groups);
    const selection = [...picked, ...rest];
    const cost = selection.reduce((sum, item) => sum + item.result.stackedEcts, 0);
    const indexes = selection.map((item) => item.index).sort((a, b) => a - b);
    if (
      !best ||
      cost < best.cost ||
      (cost === best.cost && lexicallyBefore(indexes, best.indexes))
    ) {
      best = { cost, indexes };
    }
  }
  const chosen = new Set(best?.indexes);
  return combine(
    met
      .filter((item) => chosen.has(item.index))
      .sort((a, b) => a.index - b.index)
      .map((item) => item.result),
  );
}

function* combinations<T>(items: readonly T[], size: number, start = 0): Generator<T[]> {
  if (size === 0) {
    yield [];
    return;
  }
  for (let index = start; index <= items.length - size; index += 1) {
    for (const rest of combinations(items, size - 1, index + 1)) yield [items[index]!, ...rest];
  }
}

function lexicallyBefore(a: readonly number[], b: readonly number[]): boolean {
  const differing = a.findIndex((value, index) => value !== b[index]);
  return differing !== -1 && a[differing]! < b[differing]!;
}

import { AwardRuleInvalidError } from '../../errors.js';

/** A rule is data: a JSON tree of these nodes, validated when a teacher saves it. */
export type Rule =
  | { passed: string }
  | { completed: string }
  | { scoreAtLeast: { activity: string; scaled: number } }
  | { allOf: Rule[] }
  | { anyOf: Rule[] };

const NODE_KINDS = ['passed', 'completed', 'scoreAtLeast', 'allOf', 'anyOf'] as const;
type NodeKind = (typeof NODE_KINDS)[number];

/**
 * Checks a rule a teacher sent and returns it as a Rule. Throws AwardRuleInvalidError naming
 * the bad part, e.g. `rule.allOf[1].scoreAtLeast.scaled must be at most 1`.
 */
export function parseRule(input: unknown, path = 'rule'): Rule {
  if (!isPlainObject(input)) {
    throw invalid(`${path} must be an object such as {"passed": "<activity IRI>"}`);
  }
  const keys = Object.keys(input);
  const kind = keys[0] as NodeKind;
  if (keys.length !== 1 || !NODE_KINDS.includes(kind)) {
    throw invalid(`${path} must have exactly one of ${NODE_KINDS.join(', ')}`);
  }
  const value = input[kind];
  const at = `${path}.${kind}`;
  switch (kind) {
    case 'passed':
      return { passed: parseActivityIri(value, at) };
    case 'completed':
      return { completed: parseActivityIri(value, at) };
    case 'scoreAtLeast': {
      if (!isPlainObject(value))
        throw invalid(`${at} must be {"activity": "<IRI>", "scaled": 0.8}`);
      const unknown = Object.keys(value).filter((key) => key !== 'activity' && key !== 'scaled');
      if (unknown.length > 0) throw invalid(`${at} has unknown field ${unknown[0]}`);
      const scaled = value.scaled;
      if (typeof scaled !== 'number' || !Number.isFinite(scaled)) {
        throw invalid(`${at}.scaled must be a number from 0 to 1`);
      }
      if (scaled < 0) throw invalid(`${at}.scaled must be at least 0`);
      if (scaled > 1) throw invalid(`${at}.scaled must be at most 1`);
      return {
        scoreAtLeast: { activity: parseActivityIri(value.activity, `${at}.activity`), scaled },
      };
    }
    case 'allOf':
    case 'anyOf': {
      if (!Array.isArray(value)) throw invalid(`${at} must be a list of rules`);
      if (value.length === 0) throw invalid(`${at} must list at least one rule`);
      const children = value.map((child, index) => parseRule(child, `${at}[${index}]`));
      return kind === 'allOf' ? { allOf: children } : { anyOf: children };
    }
  }
}

/** The activity IRIs a rule looks at, to find the rules a new statement may change. */
export function activitiesOfRule(rule: Rule): string[] {
  if ('passed' in rule) return [rule.passed];
  if ('completed' in rule) return [rule.completed];
  if ('scoreAtLeast' in rule) return [rule.scoreAtLeast.activity];
  const children = 'allOf' in rule ? rule.allOf : rule.anyOf;
  return [...new Set(children.flatMap(activitiesOfRule))];
}

function parseActivityIri(value: unknown, path: string): string {
  if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\S+$/i.test(value) && URL.canParse(value)) {
    return value;
  }
  throw invalid(`${path} must be an absolute IRI such as https://example.org/activities/quiz-1`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string): AwardRuleInvalidError {
  return new AwardRuleInvalidError(message);
}

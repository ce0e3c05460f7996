import { AwardRuleInvalidError } from '../errors.js';
import {
  numberOfField,
  percentFieldOfScaled,
  percentFieldProblem,
  scaledOfPercentField,
} from '../awards/rules/rule-operator.js';
import {
  operatorOf,
  RULE_OPERATORS,
  type RuleNodes,
  type RuleOperatorName,
} from '../awards/rules/rule-operators.js';
import {
  flatAchievementRef,
  flatActivityRef,
  STATEMENT_SOURCES,
  type AchievementRef,
  type ActivityRef,
  type StatementSource,
} from '../awards/rules/rule-parts.js';
import { parseRule, type Rule } from '../awards/rules/rule-schema.js';
import type { FieldError, FieldErrors } from './achievement-form.js';
import { ruleErrorOf } from './rule-form.js';

/**
 * The rule builder of the teacher's pages: a rule as a tree of groups and conditions that a
 * form shows and posts without JSON, and buttons that add or remove a condition or a group
 * anywhere in it. Every rule parseRule accepts has a tree (BUILDER_PARTS has one entry per
 * operator, which the compiler enforces), and the tree builds the same rule back.
 *
 * In the form a node is named by its place: `r` is the whole rule, `r-1-0` the first part of
 * its second part; its fields are `r-1-0.kind`, `r-1-0.activity`...
 */

/** A node of the tree: an operator of the rule language, or an activity of bestAverageAtLeast. */
export type BuilderKind = RuleOperatorName | 'activity';

export interface BuilderNode {
  readonly id: string;
  readonly kind: BuilderKind;
  readonly activity: string;
  /** The score needed, in percent. */
  readonly score: string;
  /** The stored scaled score the percentage was shown for, so an unchanged one stays exact. */
  readonly exactScaled: string;
  readonly achievement: string;
  /** The sources whose statements count; none ticked: all of them. */
  readonly sources: readonly StatementSource[];
  /** How many parts must be met (atLeast, distinctGroupsAtLeast, bestAverageAtLeast). */
  readonly count: string;
  /** From how many different groups (distinctGroupsAtLeast). */
  readonly groups: string;
  readonly tag: string;
  /** The size of the larger credential in ECTS, and its name (stackingCap); for recognised, the ECTS needed at least. */
  readonly ects: string;
  readonly target: string;
  /** What a credential recognised from a partner must match (recognised). */
  readonly partnerAchievement: string;
  readonly alignment: string;
  readonly issuer: string;
  /** The group of a recognised credential, for a group counted by groups. */
  readonly group: string;
  readonly children: readonly BuilderNode[];
}

type NodeFields = Omit<BuilderNode, 'id' | 'kind' | 'children'>;
/** The fields of a node a parseRule message can point at. */
export type BuilderField = Exclude<keyof NodeFields, 'exactScaled'> | 'kind' | 'children';

interface BuilderPart<Value> {
  /** A condition on one activity or achievement, or a group of parts. */
  readonly role: 'condition' | 'group';
  /** The kind of the parts a group holds: rules, or activities (bestAverageAtLeast). */
  readonly holds?: 'activity';
  /** Only the whole rule may be one (stackingCap). */
  readonly isWholeRuleOnly?: true;
  /** A group of exactly one part (stackingCap). */
  readonly holdsOne?: true;
  toNode(value: Value, part: (child: Rule) => PartialNode): PartialNode;
  /** The node as the value parseRule checks; `children` are the parts already built. */
  fromNode(node: BuilderNode, children: readonly unknown[]): unknown;
  /** The field of a named part of the value (`scaled`, `n`...). */
  fieldOf(part: string): BuilderField;
}

type PartialNode = Partial<NodeFields> & {
  kind: BuilderKind;
  children?: readonly PartialNode[];
};

const activityPart = (kind: 'passed' | 'completed' | 'satisfied'): BuilderPart<ActivityRef> => ({
  role: 'condition',
  toNode: (value) => ({ kind, ...activityFields(value) }),
  fromNode: (node) => ({ [kind]: activityRefOf(node) }),
  fieldOf: (part) => (part === 'sources' ? 'sources' : 'activity'),
});

/**
 * How the builder shows each operator of the rule language. Its type lists exactly the
 * operators of rule-operators.ts, so a new operator does not compile until it has its entry.
 */
const BUILDER_PARTS: { readonly [Name in RuleOperatorName]: BuilderPart<RuleNodes[Name]> } = {
  passed: activityPart('passed'),
  completed: activityPart('completed'),
  satisfied: activityPart('satisfied'),
  scoreAtLeast: {
    role: 'condition',
    toNode: ({ activity, scaled, sources }) => ({
      kind: 'scoreAtLeast',
      activity,
      ...scoreFields(scaled),
      sources: sources ?? [],
    }),
    fromNode: (node) => ({
      scoreAtLeast: {
        activity: node.activity,
        scaled: scaledOfNode(node),
        ...(node.sources.length > 0 ? { sources: node.sources } : {}),
      },
    }),
    fieldOf: (part) => (part === 'scaled' ? 'score' : part === 'sources' ? 'sources' : 'activity'),
  },
  earned: {
    role: 'condition',
    toNode: (value: AchievementRef) => {
      const { ref, sources } = flatAchievementRef(value);
      return { kind: 'earned', achievement: ref, sources: sources ?? [] };
    },
    fromNode: (node) => ({
      earned:
        node.sources.length > 0
          ? { achievement: node.achievement, sources: node.sources }
          : node.achievement,
    }),
    fieldOf: (part) => (part === 'sources' ? 'sources' : 'achievement'),
  },
  recognised: {
    role: 'condition',
    toNode: ({ achievement, alignment, issuer, minEcts, group }) => ({
      kind: 'recognised',
      partnerAchievement: achievement ?? '',
      alignment: alignment ?? '',
      issuer: issuer ?? '',
      ects: minEcts === undefined ? '' : String(minEcts),
      group: group ?? '',
    }),
    fromNode: (node) => ({
      recognised: {
        ...(node.partnerAchievement === '' ? {} : { achievement: node.partnerAchievement }),
        ...(node.alignment === '' ? {} : { alignment: node.alignment }),
        ...(node.issuer === '' ? {} : { issuer: node.issuer }),
        ...(node.ects === '' ? {} : { minEcts: numberOfField(node.ects) }),
        ...(node.group === '' ? {} : { group: node.group }),
      },
    }),
    fieldOf: (part) =>
      part === 'achievement'
        ? 'partnerAchievement'
        : part === 'issuer'
          ? 'issuer'
          : part === 'minEcts'
            ? 'ects'
            : part === 'group'
              ? 'group'
              : 'alignment',
  },
  allOf: {
    role: 'group',
    toNode: (value, part) => ({ kind: 'allOf', children: value.map(part) }),
    fromNode: (_node, children) => ({ allOf: children }),
    fieldOf: () => 'children',
  },
  anyOf: {
    role: 'group',
    toNode: (value, part) => ({ kind: 'anyOf', children: value.map(part) }),
    fromNode: (_node, children) => ({ anyOf: children }),
    fieldOf: () => 'children',
  },
  atLeast: {
    role: 'group',
    toNode: ({ n, of }, part) => ({ kind: 'atLeast', count: String(n), children: of.map(part) }),
    fromNode: (node, children) => ({
      atLeast: { n: numberOfField(node.count), of: children },
    }),
    fieldOf: (part) => (part === 'n' ? 'count' : 'children'),
  },
  distinctGroupsAtLeast: {
    role: 'group',
    toNode: ({ n, tag, count, of }, part) => ({
      kind: 'distinctGroupsAtLeast',
      groups: String(n),
      tag,
      count: count === undefined ? '' : String(count),
      children: of.map(part),
    }),
    fromNode: (node, children) => ({
      distinctGroupsAtLeast: {
        n: numberOfField(node.groups),
        tag: node.tag,
        ...(node.count === '' ? {} : { count: numberOfField(node.count) }),
        of: children,
      },
    }),
    fieldOf: (part) =>
      part === 'n' ? 'groups' : part === 'count' ? 'count' : part === 'tag' ? 'tag' : 'children',
  },
  bestAverageAtLeast: {
    role: 'group',
    holds: 'activity',
    toNode: ({ n, of, scaled }) => ({
      kind: 'bestAverageAtLeast',
      count: String(n),
      ...scoreFields(scaled),
      children: of.map((ref) => ({ kind: 'activity', ...activityFields(ref) })),
    }),
    fromNode: (node, children) => ({
      bestAverageAtLeast: {
        n: numberOfField(node.count),
        of: children,
        scaled: scaledOfNode(node),
      },
    }),
    fieldOf: (part) => (part === 'n' ? 'count' : part === 'scaled' ? 'score' : 'children'),
  },
  stackingCap: {
    role: 'group',
    isWholeRuleOnly: true,
    holdsOne: true,
    toNode: ({ ects, target, rule }, part) => ({
      kind: 'stackingCap',
      ects: String(ects),
      target,
      children: [part(rule)],
    }),
    fromNode: (node, children) => ({
      stackingCap: {
        ects: numberOfField(node.ects),
        target: node.target,
        rule: children[0],
      },
    }),
    fieldOf: (part) => (part === 'ects' ? 'ects' : part === 'target' ? 'target' : 'children'),
  },
};

const PARTS = BUILDER_PARTS as unknown as Readonly<Record<RuleOperatorName, BuilderPart<unknown>>>;
const OPERATOR_NAMES = Object.keys(RULE_OPERATORS) as RuleOperatorName[];

/** The kinds of condition and of group offered at a place of the tree, in the order shown. */
export function kindsAt(isWholeRule: boolean): {
  conditions: RuleOperatorName[];
  groups: RuleOperatorName[];
} {
  const offered = OPERATOR_NAMES.filter((name) => isWholeRule || !PARTS[name].isWholeRuleOnly);
  return {
    conditions: offered.filter((name) => PARTS[name].role === 'condition'),
    groups: offered.filter((name) => PARTS[name].role === 'group'),
  };
}

/** Whether a node is a group, and whether its parts are activities rather than rules. */
export function roleOf(kind: BuilderKind): 'condition' | 'group' | 'activity' {
  return kind === 'activity' ? 'activity' : PARTS[kind].role;
}

export function holdsActivities(kind: BuilderKind): boolean {
  return kind !== 'activity' && PARTS[kind].holds === 'activity';
}

/** Whether a part can be added to a node: a group, unless it holds one part and has it. */
export function canAddTo(node: BuilderNode): boolean {
  if (roleOf(node.kind) !== 'group') return false;
  return !(node.kind !== 'activity' && PARTS[node.kind].holdsOne && node.children.length > 0);
}

export const ROOT_ID = 'r';

const EMPTY_FIELDS: NodeFields = {
  activity: '',
  score: '',
  exactScaled: '',
  achievement: '',
  sources: [],
  count: '',
  groups: '',
  tag: '',
  ects: '',
  target: '',
  partnerAchievement: '',
  alignment: '',
  issuer: '',
  group: '',
};

/** The tree of a draft without a rule yet: an empty "all of". */
export function emptyBuilderTree(): BuilderNode {
  return { id: ROOT_ID, kind: 'allOf', ...EMPTY_FIELDS, children: [] };
}

/** The tree of a checked rule. */
export function builderTreeOf(rule: Rule): BuilderNode {
  const partial = (child: Rule): PartialNode => {
    const { operator, value } = operatorOf(child);
    return PARTS[operator.name as RuleOperatorName].toNode(value, partial);
  };
  return withIds(partial(rule), ROOT_ID);
}

function withIds(node: PartialNode, id: string): BuilderNode {
  const { children = [], ...fields } = node;
  return {
    ...EMPTY_FIELDS,
    ...fields,
    id,
    children: children.map((child, index) => withIds(child, `${id}-${index}`)),
  };
}

/** A change the builder's buttons ask for (`action` of the posted form). */
export type BuilderAction =
  | { kind: 'save' }
  | { kind: 'apply' }
  | { kind: 'addCondition'; at: string }
  | { kind: 'addGroup'; at: string }
  | { kind: 'remove'; at: string };

/** The action of a posted builder form; anything else (Enter in a field) applies the changes. */
export function builderActionOf(value: unknown): BuilderAction {
  if (value === 'save') return { kind: 'save' };
  const match =
    typeof value === 'string' && /^(addCondition|addGroup|remove):(r(?:-\d+)*)$/.exec(value);
  if (!match) return { kind: 'apply' };
  return { kind: match[1] as 'addCondition' | 'addGroup' | 'remove', at: match[2]! };
}

/** Limits on a posted tree, so a crafted form cannot make the server build a huge one. */
const MAX_PARTS = 200;
const MAX_DEPTH = 8;

/** Reads the tree of a posted builder form (fields named as described at the top). */
export function readBuilderForm(body: Record<string, unknown>): BuilderNode {
  let parts = 0;
  const text = (name: string) => {
    const value = body[name];
    return typeof value === 'string' ? value.trim() : '';
  };
  const read = (
    id: string,
    depth: number,
    isWholeRule: boolean,
    underActivities: boolean,
  ): BuilderNode => {
    const posted = text(`${id}.kind`);
    const kind: BuilderKind = underActivities
      ? 'activity'
      : OPERATOR_NAMES.includes(posted as RuleOperatorName) &&
          (isWholeRule || !PARTS[posted as RuleOperatorName].isWholeRuleOnly)
        ? (posted as RuleOperatorName)
        : 'passed';
    const sourcesPosted = body[`${id}.sources`];
    const sources = (Array.isArray(sourcesPosted) ? sourcesPosted : [sourcesPosted]).filter(
      (source): source is StatementSource => STATEMENT_SOURCES.includes(source as StatementSource),
    );
    const children: BuilderNode[] = [];
    if (roleOf(kind) === 'group' && depth < MAX_DEPTH) {
      for (
        let index = 0;
        body[`${id}-${index}.kind`] !== undefined && parts < MAX_PARTS;
        index += 1
      ) {
        parts += 1;
        children.push(read(`${id}-${index}`, depth + 1, false, holdsActivities(kind)));
      }
    }
    return {
      id,
      kind,
      activity: text(`${id}.activity`),
      score: text(`${id}.score`),
      exactScaled: text(`${id}.exactScaled`),
      achievement: text(`${id}.achievement`),
      sources: [...new Set(sources)].sort(),
      count: text(`${id}.count`),
      groups: text(`${id}.groups`),
      tag: text(`${id}.tag`),
      ects: text(`${id}.ects`),
      target: text(`${id}.target`),
      partnerAchievement: text(`${id}.partnerAchievement`),
      alignment: text(`${id}.alignment`),
      issuer: text(`${id}.issuer`),
      group: text(`${id}.group`),
      children,
    };
  };
  return read(ROOT_ID, 0, true, false);
}

/** The tree after an add or remove button; other actions leave it as it is. */
export function applyBuilderAction(tree: BuilderNode, action: BuilderAction): BuilderNode {
  if (action.kind === 'save' || action.kind === 'apply') return tree;
  const change = (node: BuilderNode): BuilderNode => {
    if (action.kind === 'remove') {
      const kept = node.children.filter((child) => child.id !== action.at).map(change);
      return { ...node, children: kept };
    }
    if (node.id === action.at && canAddTo(node)) {
      const kind: BuilderKind = holdsActivities(node.kind)
        ? 'activity'
        : action.kind === 'addGroup'
          ? 'allOf'
          : 'passed';
      const added = { ...EMPTY_FIELDS, kind, id: '', children: [] };
      return { ...node, children: [...node.children, added] };
    }
    return { ...node, children: node.children.map(change) };
  };
  return withIds(change(tree), ROOT_ID);
}

/**
 * The rule a tree builds, checked by parseRule, or the errors on the fields of its nodes
 * (keys `<node id>.<field>`, catalog keys of `teacher-achievements:ruleErrors`).
 */
export function ruleOfBuilderTree(
  tree: BuilderNode,
): { rule: Rule; errors: null } | { errors: FieldErrors } {
  const rowErrors: FieldErrors = {};
  const build = (node: BuilderNode): unknown => {
    if (node.kind === 'activity') return activityRefOf(node);
    const problem = node.score === '' ? null : percentFieldProblem(node.score);
    if (problem)
      rowErrors[`${node.id}.score`] = { key: `ruleErrors.${problem.key}`, params: problem.params };
    return PARTS[node.kind].fromNode(node, node.children.map(build));
  };
  const input = build(tree);
  if (Object.keys(rowErrors).length > 0) return { errors: rowErrors };
  try {
    return { rule: parseRule(input), errors: null };
  } catch (error) {
    if (!(error instanceof AwardRuleInvalidError)) throw error;
    const path = error.message.split(' ')[0] ?? 'rule';
    const { node, field } = placeOfRulePath(tree, path);
    return { errors: { [`${node.id}.${field}`]: builderErrorOf(error.message, path) } };
  }
}

/**
 * The node and field a part of the rule is typed in, from the path a parseRule message starts
 * with, e.g. `rule.allOf[1].distinctGroupsAtLeast.of[2].passed`.
 */
export function placeOfRulePath(
  tree: BuilderNode,
  path: string,
): { node: BuilderNode; field: BuilderField } {
  const tokens = [...path.replace(/^rule/, '').matchAll(/\.(\w+)|\[(\d+)\]/g)].map(
    (match) => match[1] ?? Number(match[2]),
  );
  let node = tree;
  let at = 0;
  while (at < tokens.length) {
    if (node.kind === 'activity') {
      return { node, field: tokens[at] === 'sources' ? 'sources' : 'activity' };
    }
    if (tokens[at] === node.kind) at += 1;
    const next = tokens[at];
    const childIndex =
      typeof next === 'number'
        ? next
        : next === 'of' && typeof tokens[at + 1] === 'number'
          ? (tokens[at + 1] as number)
          : next === 'rule' && node.kind === 'stackingCap'
            ? 0
            : null;
    if (childIndex === null) {
      if (next === undefined) break;
      return { node, field: PARTS[node.kind].fieldOf(String(next)) };
    }
    const child = node.children[childIndex];
    if (!child) break;
    node = child;
    at += typeof next === 'number' || next === 'rule' ? 1 : 2;
  }
  return { node, field: roleOf(node.kind) === 'condition' ? fieldOfCondition(node) : 'children' };
}

/**
 * The builder's message for a parseRule message: the rule form's key (rule-form.ts), in words
 * that need no rule path or JSON names, since the summary names the part and its field.
 */
function builderErrorOf(message: string, path: string): FieldError {
  const key = ruleErrorOf(message, path).key.replace(/^ruleErrors\./, '');
  return { key: `builder.errors.${BUILDER_ERROR_KEYS.has(key) ? key : 'invalid'}` };
}

const BUILDER_ERROR_KEYS: ReadonlySet<string> = new Set([
  'iri',
  'achievement',
  'neverMet',
  'score',
  'countBelowGroups',
  'count',
  'tag',
  'capEcts',
  'capTarget',
  'capNeedsEarned',
  'capNotWhole',
  'sources',
  'groupLeaf',
  'noConditions',
  'recognisedNeedsOne',
  'recognisedAchievement',
  'recognisedAlignment',
  'recognisedIssuer',
  'recognisedEcts',
  'recognisedGroup',
]);

function fieldOfCondition(node: BuilderNode): BuilderField {
  return node.kind === 'earned'
    ? 'achievement'
    : node.kind === 'recognised'
      ? 'alignment'
      : 'activity';
}

/** Every node of a tree, depth first, with its position for people (`2.1`: 1st part of the 2nd). */
export function nodesOf(tree: BuilderNode): { node: BuilderNode; position: string }[] {
  const walk = (node: BuilderNode): { node: BuilderNode; position: string }[] => [
    { node, position: positionOf(node.id) },
    ...node.children.flatMap(walk),
  ];
  return walk(tree);
}

/** `r-1-0` as people count it, `2.1`; the whole rule is ''. */
export function positionOf(id: string): string {
  return id
    .split('-')
    .slice(1)
    .map((index) => String(Number(index) + 1))
    .join('.');
}

function activityFields(value: ActivityRef): Partial<NodeFields> {
  const { ref, sources } = flatActivityRef(value);
  return { activity: ref, sources: sources ?? [] };
}

function activityRefOf(node: BuilderNode): ActivityRef {
  return node.sources.length > 0
    ? { activity: node.activity, sources: [...node.sources] }
    : node.activity;
}

function scoreFields(scaled: number): Partial<NodeFields> {
  return { score: percentFieldOfScaled(scaled), exactScaled: String(scaled) };
}

/** The scaled score of a node: the stored one while its percentage is unchanged. */
function scaledOfNode(node: BuilderNode): number | string {
  const exact = Number(node.exactScaled);
  if (
    node.exactScaled !== '' &&
    Number.isFinite(exact) &&
    node.score === percentFieldOfScaled(exact)
  ) {
    return exact;
  }
  return scaledOfPercentField(node.score);
}

/**
 * The cmi5 course structure (cmi5 spec section 13, "Course Structure Data Requirements") as plain
 * data: a course with its objectives and, in document order, its blocks and AUs. What
 * `parseCourseStructure` gives back and what a package import stores.
 */

export const MOVE_ON_VALUES = [
  'Passed',
  'Completed',
  'CompletedAndPassed',
  'CompletedOrPassed',
  'NotApplicable',
] as const;
export type MoveOn = (typeof MOVE_ON_VALUES)[number];

export const LAUNCH_METHODS = ['AnyWindow', 'OwnWindow'] as const;
export type LaunchMethod = (typeof LAUNCH_METHODS)[number];

/** A text in one language (`<langstring lang="de">`); `lang` is '' when the package gave none. */
export interface LangString {
  readonly lang: string;
  readonly value: string;
}

export interface Cmi5Objective {
  readonly id: string;
  readonly title: readonly LangString[];
  readonly description: readonly LangString[];
}

export interface Cmi5Au {
  readonly kind: 'au';
  readonly id: string;
  readonly title: readonly LangString[];
  readonly description: readonly LangString[];
  /** The ids of the course objectives this AU refers to. */
  readonly objectives: readonly string[];
  /** As the package wrote it: absolute, or relative to the package's root. */
  readonly url: string;
  readonly launchParameters: string | null;
  readonly entitlementKey: string | null;
  readonly moveOn: MoveOn;
  /** 0 to 1, or null when the AU has none. */
  readonly masteryScore: number | null;
  readonly launchMethod: LaunchMethod;
  readonly activityType: string | null;
}

export interface Cmi5Block {
  readonly kind: 'block';
  readonly id: string;
  readonly title: readonly LangString[];
  readonly description: readonly LangString[];
  readonly objectives: readonly string[];
  readonly children: readonly (Cmi5Au | Cmi5Block)[];
}

export interface Cmi5Course {
  readonly id: string;
  readonly title: readonly LangString[];
  readonly description: readonly LangString[];
  readonly objectives: readonly Cmi5Objective[];
  readonly children: readonly (Cmi5Au | Cmi5Block)[];
}

/** The AUs of a course in document order: index n is the n-th `<au>` of cmi5.xml. */
export function ausOf(course: Pick<Cmi5Course, 'children'>): Cmi5Au[] {
  return course.children.flatMap((child) => (child.kind === 'au' ? [child] : ausOf(child)));
}

/** The blocks of a course in document order, nested blocks after their parent. */
export function blocksOf(course: Pick<Cmi5Course, 'children'>): Cmi5Block[] {
  return course.children.flatMap((child) =>
    child.kind === 'block' ? [child, ...blocksOf(child)] : [],
  );
}

/**
 * The text for a reader of `language`: that language, then its base (`de` for `de-AT`), then
 * English, then the first one given; '' when there is none.
 */
export function textIn(texts: readonly LangString[], language: string): string {
  const base = language.split('-')[0]?.toLowerCase();
  const pick =
    texts.find((text) => text.lang.toLowerCase() === language.toLowerCase()) ??
    texts.find((text) => text.lang.split('-')[0]?.toLowerCase() === base) ??
    texts.find((text) => text.lang.split('-')[0]?.toLowerCase() === 'en') ??
    texts[0];
  return pick?.value ?? '';
}

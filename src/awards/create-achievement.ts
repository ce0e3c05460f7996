import { and, count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { BadgeImageInvalidError } from '../badges/badge-image-error.js';
import { badgeImageProblemOf, badgeImageReferenceSchema } from '../badges/check-badge-image.js';
import { languageTag, microCredentialElementsSchema, readElements } from '../badges/eu-elements.js';
import { refuseMalformedText } from '../badges/malformed-text.js';
import type { Tx } from '../db/database.js';
import { achievements, achievementVersions, awardClaims, awards } from '../db/schema.js';
import { BadRequestError, NotFoundError, PreconditionFailedError } from '../errors.js';
import { EXPIRY_DURATION } from './award-expiry.js';
import { checkDeclaredSupervision } from './check-declared-supervision.js';
import { indexAchievementRule } from './rule-index.js';
import { parseRule } from './rules/rule-schema.js';
import { STACK_CREDITS, STACK_RESULTS } from './stack-credit.js';

/** What a teacher sends to define an achievement; no text may be malformed (malformed-text.ts). */
export const achievementInputSchema = z
  .strictObject({
    name: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
    description: z
      .string()
      .trim()
      .min(1, 'is required')
      .max(5000, 'must be at most 5000 characters'),
    criteria: z.string().trim().min(1, 'is required').max(5000, 'must be at most 5000 characters'),
    ects: z
      .number()
      .positive('must be more than 0')
      .max(60, 'must be at most 60')
      .nullable()
      .default(null),
    eqfLevel: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be from 1 to 8')
      .max(8, 'must be from 1 to 8')
      .nullable()
      .default(null),
    /** The language of name, description and criteria. */
    language: languageTag.default('en'),
    /** An http(s) URL, or a base64 PNG, JPEG or SVG `data:` URI stored checked and sanitized. */
    image: badgeImageReferenceSchema.nullable().default(null),
    /** What the LMS gradebook gets for an award (awards/grade-value.ts). */
    gradeMode: z
      .enum(['result', 'pass'], { error: 'must be "result" or "pass"' })
      .default('result'),
    /** For a stack: the ECTS its credential carries (awards/stack-credit.ts). */
    stackCredit: z
      .enum(STACK_CREDITS, {
        error: 'must be "components" (the ECTS of the credentials stacked) or "fixed"',
      })
      .default('components'),
    /** For a stack: the result its credential carries (awards/stack-credit.ts). */
    stackResult: z
      .enum(STACK_RESULTS, { error: 'must be "none", "pass" or "weighted-average"' })
      .default('none'),
    /** How long each credential stays valid, `P2Y` (award-expiry.ts); null: no expiry. */
    expiresAfter: z
      .string()
      .regex(EXPIRY_DURATION, 'must be a number of years, months, weeks or days, as "P2Y"')
      .nullable()
      .default(null),
    /** The day every credential expires, `YYYY-MM-DD`, instead of `expiresAfter`. */
    expiresOn: z.iso.date('must be a date as 2030-12-31').nullable().default(null),
    /** The further EU micro-credential elements (badges/eu-elements.ts). */
    eu: microCredentialElementsSchema.default({ learningOutcomes: [], translations: {} }),
    /** The rule (awards/rules); a draft may have none yet. */
    rule: z.unknown().optional(),
    /**
     * `true` publishes the rule: from then on learners who meet it are awarded. Absent, a new
     * achievement is a draft and a saved one keeps its state; `false` keeps a draft a draft.
     */
    publish: z.boolean({ error: 'must be true or false' }).optional(),
  })
  .superRefine(refuseMalformedText)
  .refine((input) => input.expiresAfter === null || input.expiresOn === null, {
    message: 'give either a period or a date, not both',
    path: ['expiresOn'],
  });

export type AchievementInput = z.input<typeof achievementInputSchema>;
export type Achievement = typeof achievements.$inferSelect;

/** A teacher asked to publish an achievement that has no rule, or to unpublish one. */
export class AchievementPublishError extends BadRequestError {
  override readonly code = 'ACHIEVEMENT_PUBLISH_INVALID';
}

/** The fixed expiry day given has already passed: its credentials would be expired when issued. */
export class AchievementExpiryPassedError extends BadRequestError {
  override readonly code = 'ACHIEVEMENT_EXPIRY_PASSED';
}

/**
 * The achievement was changed after the revision the change was based on (another form or API
 * client saved it meanwhile): storing it would silently undo that change.
 */
export class AchievementChangedError extends PreconditionFailedError {
  override readonly code = 'ACHIEVEMENT_CHANGED';

  constructor(readonly current: Achievement) {
    super(
      `The achievement was changed after the revision this change was based on; it is now at revision ${current.revision}. Read it again and apply your change to that.`,
    );
  }
}

/**
 * Whether a fixed expiry day (`YYYY-MM-DD`) is before `now`'s day in UTC. The day itself still
 * counts: its credentials stay valid until its end (award-expiry.ts).
 */
export function isExpiryDayPast(expiresOn: string, now: Date): boolean {
  return expiresOn < now.toISOString().slice(0, 10);
}

/**
 * Validates and stores a new achievement of a course, in the caller's transaction (it opens
 * none). It is a draft, which awards nothing, unless the input publishes it: then its rule index
 * entries and the evaluation of the course's learners against it are queued too, and the caller
 * kicks the job queue after the commit. Throws BadRequestError naming the bad field,
 * AchievementSupervisionNotAllowedError for a supervision level the course's platform cannot
 * declare, AchievementPublishError for publishing without a rule, BadgeImageInvalidError for an
 * image refused by checkBadgeImage, AchievementExpiryPassedError for a fixed expiry day that has
 * passed, or AwardRuleInvalidError naming the bad part of the rule.
 */
export async function createAchievement(
  tx: Tx,
  courseId: string,
  input: unknown,
  options: { now?: Date } = {},
): Promise<Achievement> {
  const { publish, ...values } = parseInput(input);
  refusePastExpiryDay(values.expiresOn, null, options.now);
  await checkDeclaredSupervision(tx, courseId, readElements(values.eu).supervision);
  const [achievement] = await tx
    .insert(achievements)
    .values({
      ...values,
      courseId,
      publishedAt: publish ? publishable(values.rule, options.now) : null,
    })
    .returning();
  if (!achievement) throw new Error('Insert returned no row');
  await indexAchievementRule(tx, achievement);
  return achievement;
}

/**
 * Replaces an achievement's definition, and publishes it when the input says so. While no
 * credential was issued (or is being issued) from the current version it is edited in place;
 * once one was, the current version is kept in `achievement_versions` and the achievement moves
 * to the next version, so every issued credential keeps pointing at the definition it was
 * issued from. A
 * published achievement stays published and needs a rule. Like createAchievement, it writes
 * the rule index and queues the re-evaluation (of a published one) in the caller's transaction.
 * Throws NotFoundError for an unknown achievement, AchievementPublishError for a published
 * achievement without a rule or sent back to draft, and what createAchievement throws. A new
 * image drops the badge designer's stored choices (achievement-badge-design.ts); a fixed
 * expiry day already stored is kept even once it has passed (only a new day is checked).
 * With `basedOnRevision`, it throws AchievementChangedError, changing nothing, when the
 * achievement is no longer at that revision.
 */
export async function updateAchievement(
  tx: Tx,
  achievementId: string,
  input: unknown,
  options: { now?: Date; basedOnRevision?: number } = {},
): Promise<Achievement> {
  return updateAchievementFrom(tx, achievementId, () => input, options);
}

/**
 * updateAchievement with the input made from the achievement as it stands once locked: a page
 * that changes one part of it (its details, rule or image) keeps the other parts as they are
 * when it saves, not as its request read them before (a rule saved meanwhile from another page
 * stays). With `basedOnRevision`, the revision the page or client read, it throws
 * AchievementChangedError, changing nothing, when the achievement has been changed since.
 */
export async function updateAchievementFrom(
  tx: Tx,
  achievementId: string,
  inputOf: (current: Achievement) => unknown,
  options: { now?: Date; basedOnRevision?: number } = {},
): Promise<Achievement> {
  const current = await lockAchievement(tx, achievementId, options.basedOnRevision);
  const { publish, ...values } = parseInput(inputOf(current));
  refusePastExpiryDay(values.expiresOn, current.expiresOn, options.now);
  await checkDeclaredSupervision(tx, current.courseId, readElements(values.eu).supervision);
  if (current.publishedAt && publish === false) {
    throw new AchievementPublishError(
      'publish: a published achievement cannot go back to draft; change its rule instead (credentials already issued keep theirs).',
    );
  }
  const publishedAt =
    current.publishedAt || publish
      ? publishable(values.rule, current.publishedAt ?? options.now)
      : null;
  const [issued] = await tx
    .select({ n: count() })
    .from(awards)
    .where(
      and(eq(awards.achievementId, achievementId), eq(awards.achievementVersion, current.version)),
    );
  // A claim is a credential of this version being signed right now: it counts as issued, so
  // that the credential and the version it names keep the definition it was built from.
  const [beingIssued] = await tx
    .select({ n: count() })
    .from(awardClaims)
    .where(
      and(
        eq(awardClaims.achievementId, achievementId),
        eq(awardClaims.achievementVersion, current.version),
      ),
    );
  const isIssued = (issued?.n ?? 0) + (beingIssued?.n ?? 0) > 0;
  if (isIssued) {
    await tx
      .insert(achievementVersions)
      .values({
        achievementId,
        version: current.version,
        definition: JSON.parse(JSON.stringify(current)) as Record<string, unknown>,
      })
      .onConflictDoNothing();
  }
  const [updated] = await tx
    .update(achievements)
    .set({
      ...values,
      ...(values.image === current.image ? {} : { badgeDesign: null }),
      publishedAt,
      version: isIssued ? current.version + 1 : current.version,
      revision: current.revision + 1,
      updatedAt: new Date(),
    })
    .where(eq(achievements.id, achievementId))
    .returning();
  if (!updated) throw new Error('Update returned no row');
  await indexAchievementRule(tx, updated);
  return updated;
}

/**
 * Publishes a draft with the rule it has, in the caller's transaction: its rule index entries
 * and the evaluation of the course's learners are queued, so those who already meet the rule
 * are awarded. Publishing a published achievement changes nothing. Throws NotFoundError,
 * AchievementPublishError when the draft has no rule yet, or AchievementChangedError when
 * `basedOnRevision` is given and the achievement is no longer at it.
 */
export async function publishAchievement(
  tx: Tx,
  achievementId: string,
  options: { now?: Date; basedOnRevision?: number } = {},
): Promise<Achievement> {
  const current = await lockAchievement(tx, achievementId, options.basedOnRevision);
  if (current.publishedAt) return current;
  const [published] = await tx
    .update(achievements)
    .set({
      publishedAt: publishable(current.rule, options.now),
      revision: current.revision + 1,
      updatedAt: new Date(),
    })
    .where(eq(achievements.id, achievementId))
    .returning();
  if (!published) throw new Error('Update returned no row');
  await indexAchievementRule(tx, published);
  return published;
}

/**
 * The achievement, locked until the transaction ends; throws NotFoundError, or
 * AchievementChangedError when it is no longer at `basedOnRevision` (when given).
 */
async function lockAchievement(
  tx: Tx,
  achievementId: string,
  basedOnRevision: number | undefined,
): Promise<Achievement> {
  const [current] = await tx
    .select()
    .from(achievements)
    .where(eq(achievements.id, achievementId))
    .for('update');
  if (!current) throw new NotFoundError(`No achievement ${achievementId}`);
  if (basedOnRevision !== undefined && basedOnRevision !== current.revision) {
    throw new AchievementChangedError(current);
  }
  return current;
}

function parseInput(input: unknown) {
  const parsed = achievementInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'achievement';
    const imageProblem = issue && badgeImageProblemOf(issue);
    if (imageProblem) throw new BadgeImageInvalidError(imageProblem, field);
    throw new BadRequestError(
      issue?.code === 'unrecognized_keys'
        ? `achievement has unknown field ${issue.keys[0]}`
        : `${field} ${issue?.message ?? 'is invalid'}`,
    );
  }
  const { eu, rule, ...rest } = parsed.data;
  return {
    ...rest,
    eu: eu as Record<string, unknown>,
    rule: rule === undefined || rule === null ? null : parseRule(rule),
  };
}

/**
 * Refuses a fixed expiry day before today, unless it is the day already stored (`storedOn`), so
 * that a rule or image can still be changed on an achievement whose day has passed.
 */
function refusePastExpiryDay(
  expiresOn: string | null,
  storedOn: string | null,
  now: Date = new Date(),
): void {
  if (expiresOn === null || expiresOn === storedOn || !isExpiryDayPast(expiresOn, now)) return;
  throw new AchievementExpiryPassedError(
    `expiresOn ${expiresOn} has already passed: every credential would be expired when issued; give a day from today on, or a period.`,
  );
}

/** When an achievement with this rule is published; throws without a rule. */
function publishable(rule: unknown, at: Date | undefined): Date {
  if (rule === null) {
    throw new AchievementPublishError(
      'rule is required to publish: define the rule that awards the achievement first.',
    );
  }
  return at ?? new Date();
}

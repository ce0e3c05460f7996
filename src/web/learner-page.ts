import QRCode from 'qrcode';
import { listCourseActivities, type CourseActivity } from '../awards/course-activities.js';
import { wantsEmailNotices } from '../awards/award-notice.js';
import { achievementNamesOf } from '../awards/course-achievements.js';
import {
  learnerProgress,
  type AchievementProgress,
  type HeldCredential,
} from '../awards/learner-progress.js';
import { recognisedCountsOf } from '../awards/recognised-counts.js';
import { referencesOf, type ProgressNode } from '../awards/rules/progress.js';
import { parseRule } from '../awards/rules/rule-schema.js';
import { isStackRule } from '../awards/stack-credit.js';
import { readElements } from '../badges/eu-elements.js';
import type { Db } from '../db/database.js';
import { achievementImagePath } from './achievement-image-path.js';

/** One line of "what is done and what is missing": a catalog key and its values. */
export interface ConditionLine {
  readonly key: string;
  readonly values: Record<string, string | number>;
  readonly isMet: boolean;
  /** Extra lines under the condition (best score so far, group covered...). */
  readonly notes: readonly { key: string; values: Record<string, string | number> }[];
  /** `/course/activities/launch?activity=...` when the activity has content to launch. */
  readonly launchHref: string | null;
  /** The activity's name by language, which the view prefers to `values.activity`. */
  readonly activityNames: Readonly<Record<string, string>> | null;
  readonly children: readonly ConditionLine[];
}

interface Names {
  readonly activities: ReadonlyMap<string, CourseActivity>;
  readonly achievements: ReadonlyMap<string, string>;
}

export function launchHref(activityId: string): string {
  return `/course/activities/launch?activity=${encodeURIComponent(activityId)}`;
}

/**
 * A progress tree (each operator's explanation, in catalog keys of the `learner` namespace under
 * `condition.`) with the names of its activities and achievements and the links to launch
 * content, for views/course-learner.eta.
 */
export function describeProgressNode(node: ProgressNode, names: Names): ConditionLine {
  const activity = node.activity === null ? undefined : names.activities.get(node.activity);
  const values = { ...node.values };
  if (node.activity !== null) values.activity = activity?.name ?? node.activity;
  if (node.achievement !== null) {
    values.achievement = names.achievements.get(node.achievement) ?? node.achievement;
  }
  return {
    key: `learner:condition.${node.key}`,
    values,
    isMet: node.isMet,
    notes: node.notes.map((note) => ({
      key: `learner:condition.${note.key}`,
      values: { ...note.values },
    })),
    launchHref: activity?.launchUrl && node.activity !== null ? launchHref(node.activity) : null,
    activityNames: activity?.names ?? null,
    children: node.children.map((child) => describeProgressNode(child, names)),
  };
}

/**
 * LinkedIn's "Add to profile" form for a certification: it opens the member's profile with the
 * fields filled in. Parameter names after LinkedIn's Add to Profile for Certifications guide.
 */
export function linkedInAddUrl(certification: {
  name: string;
  organizationName: string;
  issuedAt: Date;
  validUntil: string | null;
  url: string;
  id: string;
}): string {
  const url = new URL('https://www.linkedin.com/profile/add');
  url.searchParams.set('startTask', 'CERTIFICATION_NAME');
  url.searchParams.set('name', certification.name);
  url.searchParams.set('organizationName', certification.organizationName);
  url.searchParams.set('issueYear', String(certification.issuedAt.getUTCFullYear()));
  url.searchParams.set('issueMonth', String(certification.issuedAt.getUTCMonth() + 1));
  if (certification.validUntil) {
    const until = new Date(certification.validUntil);
    url.searchParams.set('expirationYear', String(until.getUTCFullYear()));
    url.searchParams.set('expirationMonth', String(until.getUTCMonth() + 1));
  }
  url.searchParams.set('certUrl', certification.url);
  url.searchParams.set('certId', certification.id);
  return url.href;
}

/** The public link of a credential as a QR code: an SVG `data:` URI for an `<img>`. */
export async function qrCodeDataUri(text: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

/**
 * Where a learner stands on an achievement: a valid credential of its current version, of an
 * earlier version only (a newer version exists), only expired or only revoked ones, or none.
 */
type CredentialStatus = 'earned' | 'earnedEarlierVersion' | 'expired' | 'revoked' | 'inProgress';

/** What views/course-learner.eta shows a learner: each achievement, its progress, its credentials. */
export async function learnerPageData(
  db: Db,
  publicUrl: string,
  learner: { userId: string; courseId: string },
  /** Whether the tool sends email (MICROCRED_SMTP_HOST); the page offers the opt-out only then. */
  isMailOn: boolean,
) {
  const now = new Date();
  const [progress, activities, isEmailNotified, recognised] = await Promise.all([
    learnerProgress(db, learner.userId, learner.courseId),
    listCourseActivities(db, learner.courseId),
    isMailOn ? wantsEmailNotices(db, learner.userId) : false,
    recognisedCountsOf(db, learner.userId),
  ]);
  const stackedIds = [...new Set(progress.flatMap((p) => referencesOf(p.progress).achievements))];
  const stacked = await achievementNamesOf(db, stackedIds);
  const names: Names = {
    activities: new Map(activities.map((activity) => [activity.activityId, activity])),
    achievements: new Map(stacked.map((a) => [a.id, a.name])),
  };
  return {
    // Wallet apps fetch credentials over https only; on http the page says so instead.
    walletsCanReachTool: new URL(publicUrl).protocol === 'https:',
    notices: isMailOn ? { isEmailNotified } : null,
    content: activities
      .filter((activity) => activity.launchUrl)
      .map((activity) => ({
        name: activity.name,
        names: activity.names,
        href: launchHref(activity.activityId),
      })),
    achievements: await Promise.all(
      progress.map((entry) => presentAchievement(entry, names, publicUrl, now)),
    ),
    /** The learner's credentials recognised from partners, and what each counted toward. */
    recognised,
  };
}

async function presentAchievement(
  { achievement, progress, form, credentials }: AchievementProgress,
  names: Names,
  publicUrl: string,
  now: Date,
) {
  const eu = achievement.eu as { workloadHours?: number };
  const presented = await Promise.all(
    credentials.map((credential) =>
      presentCredential(credential, achievement.name, achievement.version, publicUrl, now),
    ),
  );
  const valid = presented.filter((credential) => credential.isValid);
  const status: CredentialStatus = valid.some((credential) => credential.isCurrentVersion)
    ? 'earned'
    : valid.length > 0
      ? 'earnedEarlierVersion'
      : presented.some((credential) => credential.isExpired)
        ? 'expired'
        : presented.length > 0
          ? 'revoked'
          : 'inProgress';
  const translations = readElements(achievement.eu).translations;
  return {
    name: achievement.name,
    imageSrc: achievementImagePath(achievement.id, achievement.version),
    description: achievement.description,
    language: achievement.language,
    /** Name and description in the languages the teacher translated them into, by BCP 47 tag. */
    translations: Object.fromEntries(
      Object.entries(translations).map(([language, texts]) => [
        language,
        { name: texts.name, description: texts.description },
      ]),
    ),
    form,
    ects: achievement.ects,
    // A stack credited with its components' ECTS has no one figure before it is earned.
    isCreditFromComponents:
      achievement.stackCredit === 'components' && isStackRule(parseRule(achievement.rule)),
    // A self-study learner earns the badge form, which carries no credits.
    isBadgeInsteadOfCredits: form === 'badge' && achievement.ects !== null,
    eqfLevel: achievement.eqfLevel,
    workloadHours: eu.workloadHours ?? null,
    progress: describeProgressNode(progress, names),
    status,
    /** The credential the status line speaks of: the newest valid one, else the newest. */
    statusCredential: valid[0] ?? presented[0] ?? null,
    credentials: presented,
  };
}

async function presentCredential(
  credential: HeldCredential,
  achievementName: string,
  currentVersion: number,
  publicUrl: string,
  now: Date,
) {
  const url = `${publicUrl}/credentials/${credential.id}`;
  const isRevoked = credential.revokedAt !== null;
  const isExpired =
    !isRevoked &&
    credential.validUntil !== null &&
    credential.validUntil.getTime() <= now.getTime();
  return {
    id: credential.id,
    url,
    version: credential.version,
    isCurrentVersion: credential.version === currentVersion,
    fileName: `${achievementName}-v${credential.version}`.replace(/[^\p{L}\p{N}]+/gu, '-'),
    issuedAt: credential.issuedAt,
    creditsEarned: credential.creditsEarned,
    revokedAt: credential.revokedAt,
    revocationReason: credential.revocationReason,
    validUntil: credential.validUntil,
    isExpired,
    isValid: !isRevoked && !isExpired,
    isPublic: credential.isPublic,
    qrCode: await qrCodeDataUri(url),
    linkedInUrl: linkedInAddUrl({
      name: achievementName,
      organizationName: credential.issuerName ?? '',
      issuedAt: credential.issuedAt,
      validUntil: credential.validUntil?.toISOString() ?? null,
      url,
      id: credential.id,
    }),
  };
}

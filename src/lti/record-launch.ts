import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { courses, deployments, enrolments, platforms, users } from '../db/schema.js';
import { LtiDeploymentUnknownError, LtiLaunchError } from '../errors.js';
import { courseRoleFromLtiRoles, type CourseRole } from './roles.js';
import { openSession } from './sessions.js';

/** What a validated launch tells us, as ltijs hands it over (its "idtoken" object). */
export interface LtijsLaunchToken {
  iss: string;
  user: string;
  clientId: string;
  deploymentId: string;
  userInfo?: { name?: string; given_name?: string; family_name?: string; email?: string };
  platformContext: {
    context?: { id?: string; title?: string; label?: string };
    resource?: { id?: string; title?: string };
    roles?: string[];
    messageType?: string;
    launchPresentation?: { locale?: string };
    endpoint?: { scope?: string[]; lineitem?: string; lineitems?: string };
  };
}

export interface RecordedLaunch {
  readonly sessionToken: string;
  readonly userId: string;
  readonly courseId: string;
  readonly role: CourseRole;
}

/**
 * Records a launch that ltijs has validated: checks what ltijs does not (the deployment is one
 * registered for this platform, the launch names a course), then upserts the user, the course
 * and the enrolment with its AGS endpoint, and opens a session, in one transaction.
 * Throws LtiDeploymentUnknownError or LtiLaunchError; nothing is stored then.
 */
export async function recordLaunch(db: Db, token: LtijsLaunchToken): Promise<RecordedLaunch> {
  const context = token.platformContext;
  const contextId = context.context?.id;
  if (!contextId) {
    throw new LtiLaunchError('The launch names no course (the LTI context claim is missing).');
  }
  const role = courseRoleFromLtiRoles(context.roles ?? []);
  const fullName =
    token.userInfo?.name ??
    ([token.userInfo?.given_name, token.userInfo?.family_name].filter(Boolean).join(' ') || null);

  return db.transaction(async (tx) => {
    const [deployment] = await tx
      .select({ platformId: platforms.id })
      .from(platforms)
      .innerJoin(deployments, eq(deployments.platformId, platforms.id))
      .where(
        and(
          eq(platforms.issuer, token.iss),
          eq(platforms.clientId, token.clientId),
          eq(deployments.deploymentId, token.deploymentId),
        ),
      );
    if (!deployment) {
      throw new LtiDeploymentUnknownError(
        `Deployment "${token.deploymentId}" is not registered for this LMS. Ask your LMS administrator to register it with microcred.`,
      );
    }
    const { platformId } = deployment;

    const [user] = await tx
      .insert(users)
      .values({ platformId, sub: token.user, name: fullName, email: token.userInfo?.email ?? null })
      .onConflictDoUpdate({
        target: [users.platformId, users.sub],
        set: {
          name: sql`coalesce(excluded.name, ${users.name})`,
          email: sql`coalesce(excluded.email, ${users.email})`,
        },
      })
      .returning({ id: users.id });

    const [course] = await tx
      .insert(courses)
      .values({
        platformId,
        contextId,
        title: context.context?.title ?? context.context?.label ?? null,
      })
      .onConflictDoUpdate({
        target: [courses.platformId, courses.contextId],
        set: { title: sql`coalesce(excluded.title, ${courses.title})` },
      })
      .returning({ id: courses.id });
    if (!user || !course) throw new Error('Upsert returned no row');

    const enrolment = {
      role,
      deploymentId: token.deploymentId,
      agsLineItemUrl: context.endpoint?.lineitem ?? null,
      agsLineItemsUrl: context.endpoint?.lineitems ?? null,
      agsScopes: context.endpoint?.scope ?? null,
      lastLaunchAt: new Date(),
    };
    await tx
      .insert(enrolments)
      .values({ courseId: course.id, userId: user.id, ...enrolment })
      .onConflictDoUpdate({ target: [enrolments.courseId, enrolments.userId], set: enrolment });

    const sessionToken = await openSession(tx, {
      userId: user.id,
      courseId: course.id,
      role,
      locale: context.launchPresentation?.locale ?? null,
    });
    return { sessionToken, userId: user.id, courseId: course.id, role };
  });
}

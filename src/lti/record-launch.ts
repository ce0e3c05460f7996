import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import {
  courses,
  deepLinkingRequests,
  deployments,
  enrolments,
  platforms,
  users,
} from '../db/schema.js';
import {
  LtiContextMissingError,
  LtiDeepLinkingReturnMissingError,
  LtiDeepLinkingTeachersOnlyError,
  LtiDeploymentUnknownError,
} from '../errors.js';
import { courseRoleFromLtiRoles, type CourseRole } from './roles.js';
import { platformFrameOrigins } from './platform-registry.js';
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
    namesRoles?: { context_memberships_url?: unknown };
    deepLinkingSettings?: { deep_link_return_url?: string; data?: string };
  };
}

export interface RecordedLaunch {
  readonly sessionToken: string;
  readonly userId: string;
  readonly courseId: string;
  readonly role: CourseRole;
  /** Set for a deep linking launch: the request waiting for the teacher's choice. */
  readonly deepLinkingRequestId: string | null;
  /** The origins this platform frames the tool from (see platforms.frameOrigins). */
  readonly frameOrigins: readonly string[];
}

const DEEP_LINKING_LIFETIME_SECONDS = 3600;

/**
 * Records a launch that ltijs has validated: checks what ltijs does not (the deployment is one
 * registered for this platform, the launch names a course), then upserts the user, the course
 * and the enrolment with its AGS endpoint, and opens a session, in one transaction.
 * Throws LtiDeploymentUnknownError or LtiLaunchError; nothing is stored then.
 */
export async function recordLaunch(
  db: Db,
  token: LtijsLaunchToken,
  launchOrigin: string | null = null,
): Promise<RecordedLaunch> {
  const context = token.platformContext;
  const contextId = context.context?.id;
  if (!contextId) {
    throw new LtiContextMissingError(
      'The launch names no course (the LTI context claim is missing).',
    );
  }
  const role = courseRoleFromLtiRoles(context.roles ?? []);
  const deepLinking = readDeepLinkingSettings(token);
  if (deepLinking && role !== 'teacher') {
    throw new LtiDeepLinkingTeachersOnlyError(
      'Only teachers can add microcred activities to a course.',
    );
  }
  const fullName =
    token.userInfo?.name ??
    ([token.userInfo?.given_name, token.userInfo?.family_name].filter(Boolean).join(' ') || null);

  return db.transaction(async (tx) => {
    const [deployment] = await tx
      .select({
        platformId: platforms.id,
        issuer: platforms.issuer,
        authUrl: platforms.authUrl,
        frameOrigins: platforms.frameOrigins,
      })
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
    const newFrameOrigin =
      launchOrigin && !deployment.frameOrigins.includes(launchOrigin) ? launchOrigin : null;
    if (newFrameOrigin) {
      await tx
        .update(platforms)
        .set({ frameOrigins: sql`array_append(${platforms.frameOrigins}, ${newFrameOrigin})` })
        .where(eq(platforms.id, platformId));
    }

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
        nrpsMembershipsUrl: membershipsUrlOf(context.namesRoles),
      })
      .onConflictDoUpdate({
        target: [courses.platformId, courses.contextId],
        set: {
          title: sql`coalesce(excluded.title, ${courses.title})`,
          nrpsMembershipsUrl: sql`coalesce(excluded.nrps_memberships_url, ${courses.nrpsMembershipsUrl})`,
        },
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
    let deepLinkingRequestId: string | null = null;
    if (deepLinking) {
      const [request] = await tx
        .insert(deepLinkingRequests)
        .values({
          userId: user.id,
          courseId: course.id,
          deploymentId: token.deploymentId,
          returnUrl: deepLinking.returnUrl,
          data: deepLinking.data,
          expiresAt: new Date(Date.now() + DEEP_LINKING_LIFETIME_SECONDS * 1000),
        })
        .returning({ id: deepLinkingRequests.id });
      deepLinkingRequestId = request?.id ?? null;
    }
    return {
      sessionToken,
      userId: user.id,
      courseId: course.id,
      role,
      deepLinkingRequestId,
      frameOrigins: platformFrameOrigins({
        ...deployment,
        frameOrigins: newFrameOrigin
          ? [...deployment.frameOrigins, newFrameOrigin]
          : deployment.frameOrigins,
      }),
    };
  });
}

/** LTI Deep Linking 2.0, 4.4.1: a deep linking request must say where to send the answer. */
function readDeepLinkingSettings(token: LtijsLaunchToken) {
  if (token.platformContext.messageType !== 'LtiDeepLinkingRequest') return null;
  const settings = token.platformContext.deepLinkingSettings;
  const returnUrl = settings?.deep_link_return_url;
  if (!returnUrl || !URL.canParse(returnUrl) || !/^https?:$/.test(new URL(returnUrl).protocol)) {
    throw new LtiDeepLinkingReturnMissingError(
      'The LMS asked to add an activity but gave no valid address to send the choice back to.',
    );
  }
  return { returnUrl, data: typeof settings?.data === 'string' ? settings.data : null };
}

/**
 * The course's membership service URL from the NRPS claim (NRPS 2.0 section 3.6.1.1), when it is
 * an http(s) URL; a launch without the claim leaves the one an earlier launch gave in place.
 */
function membershipsUrlOf(claim: { context_memberships_url?: unknown } | undefined): string | null {
  const url = claim?.context_memberships_url;
  return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : null;
}

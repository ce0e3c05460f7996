import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { rowsOf } from '../db/raw-rows.js';
import {
  achievementLineItems,
  achievements,
  courses,
  deepLinkingRequests,
  deployments,
  enrolments,
  ltiIssuedNonces,
  platforms,
  sessions,
  users,
} from '../db/schema.js';
import {
  LtiContextMissingError,
  LtiDeepLinkingReturnMissingError,
  LtiDeepLinkingTeachersOnlyError,
  LtiDeploymentUnknownError,
} from '../errors.js';
import { nonceNotIssuedRefusal } from './launch/check-nonce-issued.js';
import { mboxSha1sum } from './lms-users.js';
import { courseRoleFromLtiRoles, isLmsAdministrator, type CourseRole } from './roles.js';
import { platformFrameOrigins } from './platform-registry.js';
import { newSessionToken } from './sessions.js';

/** What a validated launch tells us, as ltijs hands it over (its "idtoken" object). */
export interface LtijsLaunchToken {
  iss: string;
  user: string;
  clientId: string;
  deploymentId: string;
  userInfo?: { name?: string; given_name?: string; family_name?: string; email?: string };
  /** The LMS username (the `ext` claim's `user_username`, which ltijs itself drops). */
  username?: string;
  platformContext: {
    context?: { id?: string; title?: string; label?: string };
    resource?: { id?: string; title?: string };
    roles?: string[];
    messageType?: string;
    launchPresentation?: { locale?: string };
    custom?: Record<string, unknown>;
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
 * Records a launch that ltijs has validated: checks what ltijs does not (the nonce is one this
 * tool issued with this state, not used before; the deployment is one registered for this active
 * platform; the launch names a course), then consumes the nonce, upserts the user, the course
 * and the enrolment with its AGS endpoint, remembers the gradebook column of an activity
 * deep-linked for an achievement of the course (its `achievement_id` custom parameter), and
 * opens a session, in one statement.
 * Throws LaunchRefusal (LTI_NONCE_NOT_ISSUED), LtiDeploymentUnknownError or LtiLaunchError;
 * nothing is stored then.
 */
export async function recordLaunch(
  db: Db,
  token: LtijsLaunchToken,
  authentication: { nonce: string; state: string },
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

  const email = token.userInfo?.email ?? null;
  const enrolment = {
    role,
    deploymentId: token.deploymentId,
    agsLineItemsUrl: context.endpoint?.lineitems ?? null,
    agsScopes: context.endpoint?.scope ?? null,
  };
  const deepLinkedColumn = deepLinkedColumnOf(token);
  const session = newSessionToken();
  // One statement, atomic on its own, so a launch costs one round trip: the nonce consumed,
  // the deployment check, the frame origin learned, the user, course, enrolment and session
  // upserted, and for deep linking the request waiting for the teacher's choice. Without an
  // issued nonce or without the deployment, nothing else is written and `launched` is empty.
  const result = await db.execute(sql`
    with issued as (
      delete from ${ltiIssuedNonces}
       where ${ltiIssuedNonces.nonce} = ${authentication.nonce}
         and ${ltiIssuedNonces.state} = ${authentication.state}
         and ${ltiIssuedNonces.expiresAt} > now()
      returning 1
    ),
    deployment as (
      select ${platforms.id} as platform_id, ${platforms.issuer} as issuer,
             ${platforms.authUrl} as auth_url, ${platforms.frameOrigins} as frame_origins
        from ${platforms}
        join ${deployments} on ${deployments.platformId} = ${platforms.id}
       where ${platforms.issuer} = ${token.iss} and ${platforms.clientId} = ${token.clientId}
         and ${platforms.isActive}
         and ${deployments.deploymentId} = ${token.deploymentId} and ${deployments.isActive}
         and exists (select 1 from issued)
    ),
    origin as (
      update ${platforms} set frame_origins = array_append(frame_origins, ${launchOrigin}::text)
       where id = (select platform_id from deployment) and ${launchOrigin}::text is not null
         and not (${launchOrigin}::text = any(frame_origins))
      returning id
    ),
    launched_user as (
      insert into ${users} (platform_id, sub, name, email, username, mbox_sha1sum)
      select platform_id, ${token.user}, ${fullName}, ${email}, ${token.username ?? null},
             ${email === null ? null : mboxSha1sum(email)}
        from deployment
      on conflict (platform_id, sub) do update
        set name = coalesce(excluded.name, ${users.name}),
            email = coalesce(excluded.email, ${users.email}),
            username = coalesce(excluded.username, ${users.username}),
            mbox_sha1sum = coalesce(excluded.mbox_sha1sum, ${users.mboxSha1sum})
      returning id
    ),
    course as (
      insert into ${courses} (platform_id, context_id, title, nrps_memberships_url)
      select platform_id, ${contextId}, ${context.context?.title ?? context.context?.label ?? null},
             ${membershipsUrlOf(context.namesRoles)}
        from deployment
      on conflict (platform_id, context_id) do update
        set title = coalesce(excluded.title, ${courses.title}),
            nrps_memberships_url = coalesce(excluded.nrps_memberships_url, ${courses.nrpsMembershipsUrl})
      returning id
    ),
    enrolment as (
      insert into ${enrolments} (course_id, user_id, role, deployment_id, ags_line_items_url,
        ags_scopes, last_launch_at)
      select course.id, launched_user.id, ${enrolment.role}, ${enrolment.deploymentId},
             ${enrolment.agsLineItemsUrl},
             ${textArray(enrolment.agsScopes)}, now()
        from course cross join launched_user
      on conflict (course_id, user_id) do update
        set role = excluded.role, deployment_id = excluded.deployment_id,
            ags_line_items_url = excluded.ags_line_items_url,
            ags_scopes = excluded.ags_scopes, last_launch_at = excluded.last_launch_at
      returning course_id
    ),
    achievement_column as (
      insert into ${achievementLineItems} (course_id, achievement_id, line_item_url)
      select course.id, ${achievements.id}, ${deepLinkedColumn?.lineItemUrl ?? null}
        from course join ${achievements} on ${achievements.courseId} = course.id
       where ${achievements.id} = ${deepLinkedColumn?.achievementId ?? null}::uuid
      on conflict (course_id, achievement_id) do update
        set line_item_url = excluded.line_item_url, updated_at = now()
        where ${achievementLineItems.lineItemUrl} <> excluded.line_item_url
      returning 1
    ),
    opened as (
      insert into ${sessions} (token_hash, user_id, course_id, role, is_lms_administrator,
        locale, expires_at)
      select ${session.tokenHash}, launched_user.id, course.id, ${role},
             ${isLmsAdministrator(context.roles ?? [])},
             ${context.launchPresentation?.locale ?? null}, ${session.expiresAt.toISOString()}::timestamptz
        from course cross join launched_user
      returning token_hash
    ),
    deep_linking as (
      insert into ${deepLinkingRequests} (user_id, course_id, deployment_id, return_url, data,
        expires_at)
      select launched_user.id, course.id, ${token.deploymentId}, ${deepLinking?.returnUrl ?? null},
             ${deepLinking?.data ?? null},
             ${new Date(Date.now() + DEEP_LINKING_LIFETIME_SECONDS * 1000).toISOString()}::timestamptz
        from course cross join launched_user
       where ${deepLinking !== null}
      returning id
    ),
    launched as (
      select deployment.issuer, deployment.auth_url, deployment.frame_origins,
             launched_user.id as user_id, course.id as course_id,
             (select id from deep_linking) as deep_linking_request_id
        from deployment cross join launched_user cross join course
    )
    select exists (select 1 from issued) as nonce_issued, launched.*
      from (select) as one left join launched on true`);
  const [row] = rowsOf(result);
  if (!row?.nonce_issued) throw nonceNotIssuedRefusal();
  if (row.user_id === null) {
    throw new LtiDeploymentUnknownError(
      `Deployment "${token.deploymentId}" is not registered for this LMS. Ask your LMS administrator to register it with microcred.`,
    );
  }
  const knownOrigins = row.frame_origins as string[];
  return {
    sessionToken: session.token,
    userId: String(row.user_id),
    courseId: String(row.course_id),
    role,
    deepLinkingRequestId:
      row.deep_linking_request_id === null ? null : String(row.deep_linking_request_id),
    frameOrigins: platformFrameOrigins({
      issuer: String(row.issuer),
      authUrl: String(row.auth_url),
      frameOrigins:
        launchOrigin && !knownOrigins.includes(launchOrigin)
          ? [...knownOrigins, launchOrigin]
          : knownOrigins,
    }),
  };
}

/**
 * The achievement and gradebook column of a launch from an activity the tool created by deep
 * linking (its custom parameter `achievement_id`, web/deep-linking-routes.ts) that has a column
 * (the AGS `lineitem` claim); null for any other launch.
 */
function deepLinkedColumnOf(token: LtijsLaunchToken) {
  const context = token.platformContext;
  const achievementId = context.custom?.achievement_id;
  const lineItemUrl = context.endpoint?.lineitem;
  if (context.messageType !== 'LtiResourceLinkRequest') return null;
  if (typeof achievementId !== 'string' || !/^[0-9a-f-]{36}$/i.test(achievementId)) return null;
  if (typeof lineItemUrl !== 'string' || !/^https?:\/\//i.test(lineItemUrl)) return null;
  return { achievementId, lineItemUrl };
}

/** A text[] parameter (drizzle would spread a JS array into a list), or SQL null. */
function textArray(values: readonly string[] | null) {
  return values === null
    ? sql`null::text[]`
    : sql`array(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;
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

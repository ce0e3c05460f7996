/**
 * cmi5 content as a test plays it over HTTP, the way cmi5.js does: the launch parameters, the
 * token, LMS.LaunchData and the preferences, then statements built from the contextTemplate.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';

export const CMI5 = 'https://w3id.org/xapi/cmi5/context/categories/cmi5';
export const MOVE_ON = 'https://w3id.org/xapi/cmi5/context/categories/moveon';
export const SESSION_ID = 'https://w3id.org/xapi/cmi5/context/extensions/sessionid';
export const VERB = (name: string) =>
  ['abandoned', 'waived', 'satisfied'].includes(name)
    ? `https://w3id.org/xapi/adl/verbs/${name}`
    : `http://adlnet.gov/expapi/verbs/${name}`;

/** What cmi5 content receives and holds after its launch (cmi5 sections 8.1 and 8.2). */
export interface AuSession {
  endpoint: string;
  fetchUrl: string;
  actor: Record<string, unknown>;
  registration: string;
  activityId: string;
  authToken: string;
  launchData: {
    contextTemplate: {
      contextActivities: { grouping: { id: string }[] };
      extensions: Record<string, string>;
    };
    launchMode: string;
    moveOn: string;
    masteryScore?: number;
    returnURL: string;
  };
}

/**
 * What cmi5.js does on start: fetch the token, read LMS.LaunchData and the preferences (unless
 * told to skip them, as content that breaks cmi5 section 11 would).
 */
export async function startAu(
  location: URL,
  { readPreferences = true }: { readPreferences?: boolean } = {},
): Promise<AuSession> {
  const parameter = (name: string) => location.searchParams.get(name)!;
  const fetched = await fetch(parameter('fetch'), { method: 'POST' });
  expect(fetched.status).toBe(200);
  const { 'auth-token': authToken } = (await fetched.json()) as { 'auth-token': string };
  const session = {
    endpoint: parameter('endpoint'),
    fetchUrl: parameter('fetch'),
    actor: JSON.parse(parameter('actor')) as Record<string, unknown>,
    registration: parameter('registration'),
    activityId: parameter('activityId'),
    authToken,
  };
  // cmi5.js appends `/activities/state` to the endpoint, which ends in a slash itself.
  const state = new URLSearchParams({
    stateId: 'LMS.LaunchData',
    activityId: session.activityId,
    agent: JSON.stringify(session.actor),
    registration: session.registration,
  });
  const launchData = await xapi(session, `/activities/state?${state}`);
  expect(launchData.status).toBe(200);
  const profile = new URLSearchParams({
    profileId: 'cmi5LearnerPreferences',
    agent: JSON.stringify(session.actor),
  });
  if (readPreferences) {
    const preferences = await xapi(session, `/agents/profile?${profile}`);
    expect(preferences.status).toBe(404);
  }
  return { ...session, launchData: (await launchData.json()) as AuSession['launchData'] };
}

export function xapi(session: Omit<AuSession, 'launchData'>, path: string, init: RequestInit = {}) {
  return fetch(`${session.endpoint}${path}`, {
    ...init,
    headers: {
      authorization: `Basic ${session.authToken}`,
      'x-experience-api-version': '1.0.3',
      'content-type': 'application/json',
      ...init.headers,
    },
  });
}

export const MASTERY_SCORE = 'https://w3id.org/xapi/cmi5/context/extensions/masteryscore';

/**
 * A statement as cmi5.js builds it: the context template, the categories, the duration, and
 * the mastery score of the launch beside a scaled score of passed or failed.
 */
export function cmi5Statement(
  session: AuSession,
  verb: string,
  result: Record<string, unknown> = {},
  options: { isDefined?: boolean } = {},
) {
  const template = session.launchData.contextTemplate;
  const isMoveOn = ['passed', 'failed', 'completed'].includes(verb);
  const isDefined = options.isDefined ?? true;
  return {
    id: randomUUID(),
    actor: session.actor,
    verb: { id: VERB(verb), display: { 'en-US': verb } },
    object: { objectType: 'Activity', id: session.activityId },
    result: {
      ...(['passed', 'failed', 'completed', 'terminated'].includes(verb) && {
        duration: 'PT12S',
      }),
      ...result,
    },
    context: {
      ...template,
      extensions: {
        ...template.extensions,
        ...(['passed', 'failed'].includes(verb) &&
          (result.score as { scaled?: number } | undefined)?.scaled !== undefined &&
          session.launchData.masteryScore !== undefined && {
            [MASTERY_SCORE]: session.launchData.masteryScore,
          }),
      } as Record<string, unknown>,
      registration: session.registration,
      contextActivities: {
        ...template.contextActivities,
        ...(isDefined && {
          category: [
            { id: CMI5, objectType: 'Activity' },
            ...(isMoveOn ? [{ id: MOVE_ON, objectType: 'Activity' }] : []),
          ],
        }),
      },
    },
    timestamp: new Date().toISOString(),
  };
}

export async function send(session: AuSession, statement: unknown) {
  const response = await xapi(session, '/statements', {
    method: 'POST',
    body: JSON.stringify(statement),
  });
  const body = (await response.json()) as unknown;
  return { status: response.status, body };
}

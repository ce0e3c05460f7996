import { MicrocredError } from '../../errors.js';
import type { PlatformServices } from '../platform-services.js';

/** Where a learner's grade goes, as their last launch told us (the AGS endpoint claim). */
export interface GradeTarget {
  readonly platformIssuer: string;
  readonly clientId: string;
  readonly userSub: string;
  readonly lineItemUrl: string | null;
  readonly lineItemsUrl: string | null;
  readonly scopes: readonly string[];
}

export interface Grade {
  /** 0 to 1. */
  readonly scoreScaled: number;
  readonly comment: string;
  /** Identifies the achievement's line item when the launch named none. */
  readonly lineItemTag: string;
  readonly lineItemLabel: string;
}

const SCORE_MAXIMUM = 100;
const SCOPE_SCORE = 'https://purl.imsglobal.org/spec/lti-ags/scope/score';
const SCOPE_LINE_ITEM = 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem';

export class NoGradebookError extends Error {
  override readonly name = 'NoGradebookError';
}

/** The platform refused a gradebook request or could not be reached (the outbox retries). */
export class AgsPlatformError extends MicrocredError {
  override readonly code = 'AGS_PLATFORM_ERROR';
}

const MEDIA_TYPES = {
  lineItem: 'application/vnd.ims.lis.v2.lineitem+json',
  lineItemContainer: 'application/vnd.ims.lis.v2.lineitemcontainer+json',
  score: 'application/vnd.ims.lis.v1.score+json',
};
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Posts a final score (LTI AGS 2.0, Score publish service, section 3.4): to the line item of
 * the launch, else to the line item tagged for the achievement, which it creates when missing.
 * The access token and every request go through `services` (outgoing request checks).
 * Throws NoGradebookError when the platform granted no gradebook access, PlatformTokenError
 * when it issues no token, and AgsPlatformError when it refuses or cannot be reached.
 */
export async function postScore(
  services: PlatformServices,
  target: GradeTarget,
  grade: Grade,
): Promise<void> {
  if (!target.scopes.includes(SCOPE_SCORE)) {
    throw new NoGradebookError('The platform did not grant the AGS score scope for this course.');
  }
  const lineItemUrl = target.lineItemUrl ?? (await findOrCreateLineItem(services, target, grade));
  await send(services, target, [SCOPE_SCORE], scoresUrl(lineItemUrl), {
    method: 'POST',
    headers: { 'content-type': MEDIA_TYPES.score },
    body: JSON.stringify({
      userId: target.userSub,
      scoreGiven: Math.round(grade.scoreScaled * SCORE_MAXIMUM * 100) / 100,
      scoreMaximum: SCORE_MAXIMUM,
      comment: grade.comment,
      timestamp: new Date().toISOString(),
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
    }),
  });
}

async function findOrCreateLineItem(
  services: PlatformServices,
  target: GradeTarget,
  grade: Grade,
): Promise<string> {
  if (!target.lineItemsUrl || !target.scopes.includes(SCOPE_LINE_ITEM)) {
    throw new NoGradebookError('The launch named no line item and the tool may not create one.');
  }
  const listUrl = new URL(target.lineItemsUrl);
  listUrl.searchParams.set('tag', grade.lineItemTag);
  const listed = await send(services, target, [SCOPE_LINE_ITEM], listUrl.href, {
    headers: { accept: MEDIA_TYPES.lineItemContainer },
  });
  const existing = (Array.isArray(listed) ? (listed as unknown[]) : []).find(
    (item): item is { id: string } =>
      isLineItem(item) && (item as { tag?: unknown }).tag === grade.lineItemTag,
  );
  if (existing) return existing.id;
  const created = await send(services, target, [SCOPE_LINE_ITEM], target.lineItemsUrl, {
    method: 'POST',
    headers: { 'content-type': MEDIA_TYPES.lineItem, accept: MEDIA_TYPES.lineItem },
    body: JSON.stringify({
      scoreMaximum: SCORE_MAXIMUM,
      label: grade.lineItemLabel,
      tag: grade.lineItemTag,
    }),
  });
  if (!isLineItem(created)) {
    throw new AgsPlatformError('The LMS created a line item but did not answer its id.');
  }
  return created.id;
}

/** One AGS request with a token for `scopes`; the answer's JSON (null when empty). */
async function send(
  services: PlatformServices,
  target: GradeTarget,
  scopes: readonly string[],
  url: string,
  init: { method?: string; headers: Record<string, string>; body?: string },
): Promise<unknown> {
  const authorization = await services.authorization(target, scopes);
  const request = `${init.method ?? 'GET'} ${url.split('?')[0]}`;
  let response;
  try {
    response = await services.outgoingFetch(url, {
      ...init,
      headers: { ...init.headers, authorization },
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
  } catch (error) {
    throw new AgsPlatformError(`${request} failed: ${(error as Error).message}`, { cause: error });
  }
  const text = await response.text();
  if (!response.ok) {
    throw new AgsPlatformError(`${request} answered ${response.status}.`);
  }
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function isLineItem(value: unknown): value is { id: string } {
  return typeof (value as { id?: unknown } | null)?.id === 'string';
}

/** The scores endpoint of a line item: its path plus `/scores`, its query kept (AGS 3.4). */
function scoresUrl(lineItemUrl: string): string {
  const url = new URL(lineItemUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/scores`;
  return url.href;
}

import { MicrocredError } from '../../errors.js';
import type { PlatformServices } from '../platform-services.js';

/** What a course's gradebook lets the tool do, as the launches told us (the AGS endpoint claim). */
export interface Gradebook {
  readonly platformIssuer: string;
  readonly clientId: string;
  /** The line items service of the course. */
  readonly lineItemsUrl: string | null;
  readonly scopes: readonly string[];
}

/** A gradebook column (AGS 2.0 section 3.2), as far as the tool uses it. */
export interface LineItem {
  readonly id: string;
  /** Null when the platform did not say (the tool may not read the line item). */
  readonly scoreMaximum: number | null;
  readonly resourceId?: string;
  readonly tag?: string;
}

/** A score for one user (AGS 2.0 section 3.4); without `scoreGiven` it only says "completed". */
export interface Score {
  readonly userId: string;
  readonly scoreGiven: number | null;
  readonly scoreMaximum: number;
  readonly comment: string;
}

export const AGS_SCOPES = {
  score: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
  lineItem: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  lineItemReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
} as const;

export class NoGradebookError extends Error {
  override readonly name = 'NoGradebookError';
}

/** The platform refused a gradebook request or could not be reached (the outbox retries). */
export class AgsPlatformError extends MicrocredError {
  override readonly code = 'AGS_PLATFORM_ERROR';

  constructor(
    message: string,
    readonly upstreamStatus: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const MEDIA_TYPES = {
  lineItem: 'application/vnd.ims.lis.v2.lineitem+json',
  lineItemContainer: 'application/vnd.ims.lis.v2.lineitemcontainer+json',
  score: 'application/vnd.ims.lis.v1.score+json',
};
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Posts a final score to a line item (AGS 2.0, Score publish service, section 3.4): with
 * `scoreGiven` a grade, without it only "completed and fully graded". The access token and
 * every request go through `services` (outgoing request checks). Throws NoGradebookError when
 * the platform granted no score scope, PlatformTokenError when it issues no token, and
 * AgsPlatformError when it refuses or cannot be reached.
 */
export async function postScore(
  services: PlatformServices,
  gradebook: Gradebook,
  lineItemUrl: string,
  score: Score,
): Promise<void> {
  assertCanPostScores(gradebook);
  await send(services, gradebook, [AGS_SCOPES.score], scoresUrl(lineItemUrl), {
    method: 'POST',
    headers: { 'content-type': MEDIA_TYPES.score },
    body: JSON.stringify({
      userId: score.userId,
      ...(score.scoreGiven !== null && {
        scoreGiven: score.scoreGiven,
        scoreMaximum: score.scoreMaximum,
      }),
      comment: score.comment,
      timestamp: new Date().toISOString(),
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
    }),
  });
}

/** Throws NoGradebookError unless the platform granted the score scope. */
export function assertCanPostScores(gradebook: Gradebook): void {
  if (!gradebook.scopes.includes(AGS_SCOPES.score)) {
    throw new NoGradebookError('The platform did not grant the AGS score scope for this course.');
  }
}

/** Whether the platform lets the tool read line items. */
export function canReadLineItems(gradebook: Gradebook): boolean {
  return [AGS_SCOPES.lineItem, AGS_SCOPES.lineItemReadonly].some((scope) =>
    gradebook.scopes.includes(scope),
  );
}

/** Whether the platform lets the tool create and delete line items. */
export function canManageLineItems(gradebook: Gradebook): boolean {
  return gradebook.lineItemsUrl !== null && gradebook.scopes.includes(AGS_SCOPES.lineItem);
}

/** The line item at `url` (AGS 2.0 section 3.2), or null when the platform no longer has it. */
export async function readLineItem(
  services: PlatformServices,
  gradebook: Gradebook,
  url: string,
): Promise<LineItem | null> {
  try {
    const item = await send(services, gradebook, readScopes(gradebook), url, {
      headers: { accept: MEDIA_TYPES.lineItem },
    });
    return lineItemOf(item) ?? { id: url, scoreMaximum: null };
  } catch (error) {
    if (error instanceof AgsPlatformError && error.upstreamStatus === 404) return null;
    throw error;
  }
}

/**
 * The course's line items with this `resource_id`, or else this `tag` (AGS 2.0 section
 * 3.2.4 filters; checked again here, as a platform may ignore them): the first found, or null.
 */
export async function findLineItem(
  services: PlatformServices,
  gradebook: Gradebook,
  wanted: { resourceId: string; tag: string },
): Promise<LineItem | null> {
  if (!gradebook.lineItemsUrl) return null;
  const filters = [
    ['resource_id', (item: LineItem) => item.resourceId === wanted.resourceId],
    ['tag', (item: LineItem) => item.tag === wanted.tag],
  ] as const;
  for (const [parameter, matches] of filters) {
    const listUrl = new URL(gradebook.lineItemsUrl);
    listUrl.searchParams.set(parameter, parameter === 'tag' ? wanted.tag : wanted.resourceId);
    const listed = await send(services, gradebook, readScopes(gradebook), listUrl.href, {
      headers: { accept: MEDIA_TYPES.lineItemContainer },
    });
    const found = (Array.isArray(listed) ? (listed as unknown[]) : [])
      .map(lineItemOf)
      .find((item) => item !== null && matches(item));
    if (found) return found;
  }
  return null;
}

/** Creates a line item in the course's gradebook (AGS 2.0 section 3.2.3). */
export async function createLineItem(
  services: PlatformServices,
  gradebook: Gradebook,
  item: { label: string; scoreMaximum: number; resourceId: string; tag: string },
): Promise<LineItem> {
  if (!gradebook.lineItemsUrl || !canManageLineItems(gradebook)) {
    throw new NoGradebookError('The tool may not create a line item in this course.');
  }
  const created = lineItemOf(
    await send(services, gradebook, [AGS_SCOPES.lineItem], gradebook.lineItemsUrl, {
      method: 'POST',
      headers: { 'content-type': MEDIA_TYPES.lineItem, accept: MEDIA_TYPES.lineItem },
      body: JSON.stringify(item),
    }),
  );
  if (!created)
    throw new AgsPlatformError('The LMS created a line item but did not answer its id.');
  return { ...created, scoreMaximum: created.scoreMaximum ?? item.scoreMaximum };
}

/** Deletes a line item the tool created (AGS 2.0 section 3.2.5). */
export async function deleteLineItem(
  services: PlatformServices,
  gradebook: Gradebook,
  url: string,
): Promise<void> {
  await send(services, gradebook, [AGS_SCOPES.lineItem], url, {
    method: 'DELETE',
    headers: {},
  });
}

function readScopes(gradebook: Gradebook): string[] {
  if (!canReadLineItems(gradebook)) {
    throw new NoGradebookError('The platform did not let the tool read line items.');
  }
  return gradebook.scopes.includes(AGS_SCOPES.lineItem)
    ? [AGS_SCOPES.lineItem]
    : [AGS_SCOPES.lineItemReadonly];
}

/** One AGS request with a token for `scopes`; the answer's JSON (null when empty). */
async function send(
  services: PlatformServices,
  gradebook: Gradebook,
  scopes: readonly string[],
  url: string,
  init: { method?: string; headers: Record<string, string>; body?: string },
): Promise<unknown> {
  const authorization = await services.authorization(gradebook, scopes);
  const request = `${init.method ?? 'GET'} ${url.split('?')[0]}`;
  let response;
  try {
    response = await services.outgoingFetch(url, {
      ...init,
      headers: { ...init.headers, authorization },
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
  } catch (error) {
    throw new AgsPlatformError(`${request} failed: ${(error as Error).message}`, null, {
      cause: error,
    });
  }
  const text = await response.text();
  if (!response.ok) {
    throw new AgsPlatformError(`${request} answered ${response.status}.`, response.status);
  }
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function lineItemOf(value: unknown): LineItem | null {
  const item = value as Record<string, unknown> | null;
  if (typeof item?.id !== 'string') return null;
  const maximum = item.scoreMaximum;
  return {
    id: item.id,
    scoreMaximum: typeof maximum === 'number' && maximum > 0 ? maximum : null,
    ...(typeof item.resourceId === 'string' && { resourceId: item.resourceId }),
    ...(typeof item.tag === 'string' && { tag: item.tag }),
  };
}

/** The scores endpoint of a line item: its path plus `/scores`, its query kept (AGS 3.4). */
function scoresUrl(lineItemUrl: string): string {
  const url = new URL(lineItemUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/scores`;
  return url.href;
}

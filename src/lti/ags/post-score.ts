import type ltijs from 'ltijs';

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

/**
 * Posts a final score (LTI AGS 2.0, Score publish service) through ltijs: to the line item of
 * the launch, else to the line item tagged for the achievement, which it creates when missing.
 * Throws NoGradebookError when the platform granted no gradebook access, and whatever the
 * HTTP client throws when the platform refuses or is down (the outbox retries those).
 */
export async function postScore(
  provider: typeof ltijs.Provider,
  target: GradeTarget,
  grade: Grade,
): Promise<void> {
  if (!target.scopes.includes(SCOPE_SCORE)) {
    throw new NoGradebookError('The platform did not grant the AGS score scope for this course.');
  }
  const idToken = {
    iss: target.platformIssuer,
    clientId: target.clientId,
    user: target.userSub,
    platformContext: {
      endpoint: {
        lineitem: target.lineItemUrl,
        lineitems: target.lineItemsUrl,
        scope: target.scopes,
      },
    },
  };
  const lineItemUrl =
    target.lineItemUrl ?? (await findOrCreateLineItem(provider, idToken, target, grade));
  await provider.Grade.submitScore(idToken, lineItemUrl, {
    userId: target.userSub,
    scoreGiven: Math.round(grade.scoreScaled * SCORE_MAXIMUM * 100) / 100,
    scoreMaximum: SCORE_MAXIMUM,
    comment: grade.comment,
    activityProgress: 'Completed',
    gradingProgress: 'FullyGraded',
  });
}

async function findOrCreateLineItem(
  provider: typeof ltijs.Provider,
  idToken: unknown,
  target: GradeTarget,
  grade: Grade,
): Promise<string> {
  if (!target.lineItemsUrl || !target.scopes.includes(SCOPE_LINE_ITEM)) {
    throw new NoGradebookError('The launch named no line item and the tool may not create one.');
  }
  const { lineItems } = await provider.Grade.getLineItems(idToken, { tag: grade.lineItemTag });
  const existing = lineItems.find((item) => item.tag === grade.lineItemTag);
  if (existing) return existing.id;
  const created = await provider.Grade.createLineItem(idToken, {
    scoreMaximum: SCORE_MAXIMUM,
    label: grade.lineItemLabel,
    tag: grade.lineItemTag,
  });
  return created.id;
}

/**
 * The platform's gradebook behind LTI Assignment and Grade Services 2.0: line items per
 * context (section 3.2), the scores the tool posts (section 3.4) and the results they give
 * (section 3.3).
 */
import express, {
  type Request,
  type RequestHandler,
  type Response as ExpressResponse,
  type Router,
} from 'express';
import { HttpRefusal, pathParam, requireMediaType, sendPage, stringParam } from './http-refusal.js';
import { AGS_SCOPES, MEDIA_TYPES } from './lti-vocabulary.js';

const ACTIVITY_PROGRESS = new Set([
  'Initialized',
  'Started',
  'InProgress',
  'Submitted',
  'Completed',
]);
const GRADING_PROGRESS = new Set(['FullyGraded', 'Pending', 'PendingManual', 'Failed', 'NotReady']);

/** A gradebook column (AGS 2.0 section 3.2). */
export interface LineItem {
  id: string;
  label: string;
  scoreMaximum: number;
  resourceLinkId?: string;
  resourceId?: string;
  tag?: string;
  startDateTime?: string;
  endDateTime?: string;
  gradesReleased?: boolean;
}

/** A score the platform accepted (AGS 2.0 section 3.4). */
export interface RecordedScore {
  readonly lineItemUrl: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly receivedAt: Date;
}

interface StoredLineItem {
  contextId: string;
  item: LineItem;
}

export class Gradebook {
  /** Scores accepted so far, oldest first. */
  readonly scores: RecordedScore[] = [];
  readonly #lineItems = new Map<string, StoredLineItem>();
  /** Latest score per line item URL and user id: the AGS result. */
  readonly #results = new Map<string, Map<string, Record<string, unknown>>>();
  #nextLineItemNumber = 1;

  /** `contextUrl` gives the URL under which a context's services answer. */
  constructor(private readonly contextUrl: (contextId: string) => string) {}

  /** The line item container URL of a context. */
  lineItemsUrl(contextId: string): string {
    return `${this.contextUrl(contextId)}/lineitems`;
  }

  /** Copies of the line items of a context, or of all contexts. */
  lineItems(contextId?: string): LineItem[] {
    return [...this.#lineItems.values()]
      .filter((stored) => contextId === undefined || stored.contextId === contextId)
      .map((stored) => ({ ...stored.item }));
  }

  /** Adds a column to a context's gradebook, as a teacher does in the LMS; returns a copy. */
  addLineItem(contextId: string, item: Omit<LineItem, 'id'>): LineItem {
    const id = `${this.lineItemsUrl(contextId)}/${this.#nextLineItemNumber++}`;
    this.#lineItems.set(id, { contextId, item: { ...item, id } });
    return { ...item, id };
  }

  /** The line item of a resource link, created with a maximum of 100 when missing. */
  lineItemForResourceLink(
    contextId: string,
    resourceLink: { id: string; title?: string },
  ): LineItem {
    const existing = [...this.#lineItems.values()].find(
      (stored) => stored.contextId === contextId && stored.item.resourceLinkId === resourceLink.id,
    );
    if (existing) return { ...existing.item };
    const id = `${this.lineItemsUrl(contextId)}/${this.#nextLineItemNumber++}`;
    const item: LineItem = {
      id,
      label: resourceLink.title ?? resourceLink.id,
      scoreMaximum: 100,
      resourceLinkId: resourceLink.id,
    };
    this.#lineItems.set(id, { contextId, item });
    return item;
  }

  /** Adds the service's routes; `requireScope` checks the bearer token of each request. */
  mount(app: Router, requireScope: (...scopes: string[]) => RequestHandler): void {
    const json = express.json({ type: ['application/json', 'application/*+json'] });
    const lineItems = '/contexts/:contextId/lineitems';
    const lineItem = `${lineItems}/:lineItemNumber`;
    const readLineItems = requireScope(AGS_SCOPES.lineItem, AGS_SCOPES.lineItemReadonly);
    const writeLineItems = requireScope(AGS_SCOPES.lineItem);
    app.get(lineItems, readLineItems, (req, res) => this.#listLineItems(req, res));
    app.post(lineItems, writeLineItems, json, (req, res) => this.#createLineItem(req, res));
    app.get(lineItem, readLineItems, (req, res) => this.#getLineItem(req, res));
    app.put(lineItem, writeLineItems, json, (req, res) => this.#updateLineItem(req, res));
    app.delete(lineItem, writeLineItems, (req, res) => this.#deleteLineItem(req, res));
    app.post(`${lineItem}/scores`, requireScope(AGS_SCOPES.score), json, (req, res) =>
      this.#postScore(req, res),
    );
    app.get(`${lineItem}/results`, requireScope(AGS_SCOPES.resultReadonly), (req, res) =>
      this.#listResults(req, res),
    );
  }

  /** AGS 2.0 section 3.2.4: line items of the context, filtered and paged. */
  #listLineItems(req: Request, res: ExpressResponse): void {
    const contextId = pathParam(req, 'contextId');
    const filters: [string, keyof LineItem][] = [
      ['resource_link_id', 'resourceLinkId'],
      ['resource_id', 'resourceId'],
      ['tag', 'tag'],
    ];
    const items = this.lineItems(contextId).filter((item) =>
      filters.every(([param, field]) => {
        const wanted = stringParam(req.query, param);
        return wanted === undefined || item[field] === wanted;
      }),
    );
    sendPage(req, res, this.lineItemsUrl(contextId), items, MEDIA_TYPES.lineItemContainer);
  }

  #createLineItem(req: Request, res: ExpressResponse): void {
    requireMediaType(req, MEDIA_TYPES.lineItem);
    const contextId = pathParam(req, 'contextId');
    const id = `${this.lineItemsUrl(contextId)}/${this.#nextLineItemNumber++}`;
    const item = { ...parseLineItem(req.body), id };
    this.#lineItems.set(id, { contextId, item });
    res.status(201).type(MEDIA_TYPES.lineItem).json(item);
  }

  #getLineItem(req: Request, res: ExpressResponse): void {
    res.type(MEDIA_TYPES.lineItem).json(this.#findLineItem(req).item);
  }

  #updateLineItem(req: Request, res: ExpressResponse): void {
    requireMediaType(req, MEDIA_TYPES.lineItem);
    const stored = this.#findLineItem(req);
    const update = parseLineItem(req.body);
    const bodyId = stringParam(req.body, 'id');
    if (bodyId !== undefined && bodyId !== stored.item.id) {
      throw new HttpRefusal(400, 'invalid_request', 'the id of a line item cannot change');
    }
    stored.item = { ...update, id: stored.item.id };
    res.type(MEDIA_TYPES.lineItem).json(stored.item);
  }

  #deleteLineItem(req: Request, res: ExpressResponse): void {
    const { item } = this.#findLineItem(req);
    this.#lineItems.delete(item.id);
    this.#results.delete(item.id);
    res.status(204).end();
  }

  /**
   * AGS 2.0 section 3.4: records a score. The result keeps the latest score by `timestamp`;
   * an older score is accepted but does not replace it (section 3.4.4).
   */
  #postScore(req: Request, res: ExpressResponse): void {
    const { item } = this.#findLineItem(req);
    requireMediaType(req, MEDIA_TYPES.score);
    const score = parseScore(req.body);
    this.scores.push({ lineItemUrl: item.id, body: score, receivedAt: new Date() });
    const results = this.#results.get(item.id) ?? new Map<string, Record<string, unknown>>();
    this.#results.set(item.id, results);
    const previous = results.get(String(score.userId));
    if (
      !previous ||
      Date.parse(String(previous.timestamp)) <= Date.parse(String(score.timestamp))
    ) {
      results.set(String(score.userId), score);
    }
    res.status(204).end();
  }

  /** AGS 2.0 section 3.3: one result per user who has a score. */
  #listResults(req: Request, res: ExpressResponse): void {
    const { item } = this.#findLineItem(req);
    const userId = stringParam(req.query, 'user_id');
    const results = [...(this.#results.get(item.id)?.values() ?? [])]
      .filter((score) => userId === undefined || score.userId === userId)
      .map((score) => ({
        id: `${item.id}/results/${encodeURIComponent(String(score.userId))}`,
        scoreOf: item.id,
        userId: score.userId,
        ...(typeof score.scoreGiven === 'number' && {
          resultScore: score.scoreGiven,
          resultMaximum: score.scoreMaximum,
        }),
        ...(typeof score.comment === 'string' && { comment: score.comment }),
      }));
    sendPage(req, res, `${item.id}/results`, results, MEDIA_TYPES.resultContainer);
  }

  #findLineItem(req: Request): StoredLineItem {
    const contextId = pathParam(req, 'contextId');
    const id = `${this.lineItemsUrl(contextId)}/${pathParam(req, 'lineItemNumber')}`;
    const stored = this.#lineItems.get(id);
    if (!stored) throw new HttpRefusal(404, 'not_found', `no line item ${id}`);
    return stored;
  }
}

/** Checks a line item body (AGS 2.0 section 3.2): label and a positive scoreMaximum. */
function parseLineItem(body: unknown): Omit<LineItem, 'id'> {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const label = stringParam(input, 'label');
  if (!label) throw new HttpRefusal(400, 'invalid_request', 'label is required');
  const { scoreMaximum } = input;
  if (typeof scoreMaximum !== 'number' || !(scoreMaximum > 0)) {
    throw new HttpRefusal(400, 'invalid_request', 'scoreMaximum must be a number above 0');
  }
  const item: Omit<LineItem, 'id'> = { label, scoreMaximum };
  for (const field of ['resourceLinkId', 'resourceId', 'tag', 'startDateTime', 'endDateTime']) {
    const value = input[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      throw new HttpRefusal(400, 'invalid_request', `${field} must be a string`);
    }
    Object.assign(item, { [field]: value });
  }
  if (typeof input.gradesReleased === 'boolean') item.gradesReleased = input.gradesReleased;
  return item;
}

/**
 * Checks a score (AGS 2.0 section 3.4.5 to 3.4.8): userId, activityProgress and
 * gradingProgress from their vocabularies, an ISO 8601 timestamp, and a scoreGiven between 0
 * and a positive scoreMaximum that must accompany it.
 */
function parseScore(body: unknown): Record<string, unknown> {
  const score = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const refuse = (message: string): never => {
    throw new HttpRefusal(400, 'invalid_request', message);
  };
  if (!stringParam(score, 'userId')) refuse('userId is required');
  if (!ACTIVITY_PROGRESS.has(String(score.activityProgress))) {
    refuse(`activityProgress must be one of ${[...ACTIVITY_PROGRESS].join(', ')}`);
  }
  if (!GRADING_PROGRESS.has(String(score.gradingProgress))) {
    refuse(`gradingProgress must be one of ${[...GRADING_PROGRESS].join(', ')}`);
  }
  const timestamp = stringParam(score, 'timestamp') ?? '';
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(timestamp) ||
    Number.isNaN(Date.parse(timestamp))
  ) {
    refuse('timestamp must be an ISO 8601 date-time');
  }
  const { scoreGiven, scoreMaximum } = score;
  if (scoreMaximum !== undefined && (typeof scoreMaximum !== 'number' || !(scoreMaximum > 0))) {
    refuse('scoreMaximum must be a number above 0');
  }
  if (scoreGiven !== undefined && scoreGiven !== null) {
    if (typeof scoreGiven !== 'number' || !(scoreGiven >= 0)) {
      refuse('scoreGiven must be a number from 0');
    }
    if (scoreMaximum === undefined) refuse('scoreMaximum is required with scoreGiven');
    if (Number(scoreGiven) > Number(scoreMaximum)) refuse('scoreGiven exceeds scoreMaximum');
  }
  if (score.comment !== undefined && typeof score.comment !== 'string') {
    refuse('comment must be a string');
  }
  return score;
}

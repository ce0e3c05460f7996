import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Executor, Tx } from '../db/database.js';
import { platforms, registrationInvitations } from '../db/schema.js';
import {
  BadRequestError,
  ConflictError,
  LtiRegistrationInvitationError,
  NotFoundError,
} from '../errors.js';
import { chooseAwardingBody } from './awarding-body.js';

export const DEFAULT_INVITATION_LIFETIME_SECONDS = 7 * 24 * 3600;
const MAX_INVITATION_LIFETIME_SECONDS = 90 * 24 * 3600;
const DURATION_UNIT_SECONDS = { d: 86_400, h: 3600, m: 60 } as const;

export type Invitation = typeof registrationInvitations.$inferSelect;
export type InvitationStatus = 'open' | 'used' | 'expired' | 'withdrawn';

/**
 * A lifetime written as a whole number of days, hours or minutes (`7d`, `12h`, `30m`), in
 * seconds. Throws BadRequestError for anything else, or beyond 90 days.
 */
export function parseInvitationLifetime(text: string): number {
  const match = /^([1-9][0-9]{0,5})([dhm])$/.exec(text.trim());
  if (!match) {
    throw new BadRequestError(
      `"${text}" is not a lifetime: write a number and a unit, such as 7d (days), 12h (hours) or 30m (minutes).`,
    );
  }
  return checkLifetime(Number(match[1]) * DURATION_UNIT_SECONDS[match[2] as 'd' | 'h' | 'm']);
}

function checkLifetime(seconds: number): number {
  if (seconds > MAX_INVITATION_LIFETIME_SECONDS) {
    throw new BadRequestError('An invitation may live at most 90 days.');
  }
  return seconds;
}

/** An invitation as an administrator asks for it (CLI or admin API). */
export const invitationRequestSchema = z
  .strictObject({
    awardingBody: z.string({ error: 'is required' }).trim().min(1, 'is required').max(200),
    trustLevel: z.enum(['registered', 'self-study'], {
      error: 'must be "registered" or "self-study"',
    }),
    expiresInSeconds: z.number().int().min(60).max(MAX_INVITATION_LIFETIME_SECONDS).optional(),
    expires: z.string().optional(),
  })
  .refine((request) => request.expires === undefined || request.expiresInSeconds === undefined, {
    message: 'give expiresInSeconds or expires, not both',
  });

/** A new invitation, with the one copy of its token (inside `url`) there will ever be. */
export interface CreatedInvitation {
  readonly id: string;
  readonly url: string;
  readonly expiresAt: string;
  readonly awardingBody: { id: string | null; name: string; isNew: boolean };
  readonly trustLevel: Invitation['trustLevel'];
}

/**
 * Creates a single-use registration invitation. The awarding body is resolved now
 * (chooseAwardingBody: an existing issuer profile by id or exact name, else a new body, which
 * the registration creates or finds by that name), so the administrator sees which one the LMS
 * will get. Throws BadRequestError.
 */
export async function createRegistrationInvitation(options: {
  db: Db;
  publicUrl: string;
  request: unknown;
  now?: Date;
}): Promise<CreatedInvitation> {
  const parsed = invitationRequestSchema.safeParse(options.request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadRequestError(
      `${issue?.path.join('.') || 'invitation'} ${issue?.message ?? 'is invalid'}`,
    );
  }
  const request = parsed.data;
  const lifetimeSeconds =
    request.expires !== undefined
      ? parseInvitationLifetime(request.expires)
      : (request.expiresInSeconds ?? DEFAULT_INVITATION_LIFETIME_SECONDS);
  const awardingBody = await chooseAwardingBody(options.db, request.awardingBody);
  const token = randomBytes(32).toString('base64url');
  const now = options.now ?? new Date();
  const [invitation] = await options.db
    .insert(registrationInvitations)
    .values({
      tokenHash: hashInvitationToken(token),
      issuerProfileId: awardingBody.issuerProfileId,
      awardingBodyName: awardingBody.name,
      trustLevel: request.trustLevel,
      expiresAt: new Date(now.getTime() + lifetimeSeconds * 1000),
    })
    .returning();
  if (!invitation) throw new Error('Insert returned no row');
  return {
    id: invitation.id,
    url: invitationUrl(options.publicUrl, token),
    expiresAt: invitation.expiresAt.toISOString(),
    awardingBody: {
      id: awardingBody.issuerProfileId,
      name: awardingBody.name,
      isNew: awardingBody.isNew,
    },
    trustLevel: invitation.trustLevel,
  };
}

/**
 * The registration URL an administrator pastes into the LMS. LMSs add `openid_configuration`
 * and `registration_token` to it, keeping its own query (Moodle's moodle_url, URLSearchParams).
 */
export function invitationUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/lti/register?${new URLSearchParams({ invitation: token })}`;
}

/** Every invitation, newest first, with its status and the platform that used it. */
export async function listRegistrationInvitations(db: Db, now: Date = new Date()) {
  const rows = await db
    .select({
      invitation: registrationInvitations,
      platform: { id: platforms.id, issuer: platforms.issuer, clientId: platforms.clientId },
    })
    .from(registrationInvitations)
    .leftJoin(platforms, eq(platforms.id, registrationInvitations.platformId))
    .orderBy(desc(registrationInvitations.createdAt));
  return rows.map(({ invitation, platform }) => ({
    id: invitation.id,
    status: invitationStatus(invitation, now),
    awardingBody: { id: invitation.issuerProfileId, name: invitation.awardingBodyName },
    trustLevel: invitation.trustLevel,
    createdAt: invitation.createdAt.toISOString(),
    expiresAt: invitation.expiresAt.toISOString(),
    usedAt: invitation.usedAt?.toISOString() ?? null,
    withdrawnAt: invitation.withdrawnAt?.toISOString() ?? null,
    platform,
  }));
}

/**
 * Withdraws an invitation that was not used: its URL is refused from then on. Throws
 * NotFoundError for an unknown id, ConflictError for a used invitation.
 */
export async function withdrawRegistrationInvitation(
  db: Db,
  id: string,
  now: Date = new Date(),
): Promise<void> {
  const [withdrawn] = await db
    .update(registrationInvitations)
    .set({ withdrawnAt: now })
    .where(and(eq(registrationInvitations.id, id), isNull(registrationInvitations.usedAt)))
    .returning({ id: registrationInvitations.id });
  if (withdrawn) return;
  const [existing] = await db
    .select({ id: registrationInvitations.id })
    .from(registrationInvitations)
    .where(eq(registrationInvitations.id, id));
  if (!existing) throw new NotFoundError(`No registration invitation has the id ${id}`);
  throw new ConflictError('This invitation was used already; it cannot be withdrawn.');
}

/**
 * The open invitation whose token is `token` (the `invitation` query parameter).
 * Throws LtiRegistrationInvitationError with the reason it cannot be used.
 */
export async function findOpenInvitation(
  executor: Executor,
  token: unknown,
  now: Date = new Date(),
): Promise<Invitation> {
  if (typeof token !== 'string' || token === '') {
    throw new LtiRegistrationInvitationError(
      'LTI_REGISTRATION_INVITATION_REQUIRED',
      "Registering an LMS needs an invitation from microcred's administrator: paste the registration URL with its invitation, exactly as you received it.",
      401,
    );
  }
  const [invitation] =
    token.length > 100
      ? []
      : await executor
          .select()
          .from(registrationInvitations)
          .where(eq(registrationInvitations.tokenHash, hashInvitationToken(token)));
  return checkOpen(invitation, now);
}

/** The invitation with this id, while it is open. Throws LtiRegistrationInvitationError. */
export async function findOpenInvitationById(
  executor: Executor,
  id: string,
  now: Date = new Date(),
): Promise<Invitation> {
  const [invitation] = await executor
    .select()
    .from(registrationInvitations)
    .where(eq(registrationInvitations.id, id));
  return checkOpen(invitation, now);
}

/**
 * Marks the invitation used by `platformId`, in the registration's transaction: of two
 * registrations with one invitation, exactly one commits. Throws
 * LtiRegistrationInvitationError when it is no longer open.
 */
export async function consumeInvitation(
  tx: Tx,
  invitationId: string,
  platformId: string,
  now: Date = new Date(),
): Promise<void> {
  const [consumed] = await tx
    .update(registrationInvitations)
    .set({ usedAt: now, platformId })
    .where(
      and(
        eq(registrationInvitations.id, invitationId),
        isNull(registrationInvitations.usedAt),
        isNull(registrationInvitations.withdrawnAt),
        gt(registrationInvitations.expiresAt, now),
      ),
    )
    .returning({ id: registrationInvitations.id });
  if (!consumed) await findOpenInvitationById(tx, invitationId, now);
}

function checkOpen(invitation: Invitation | undefined, now: Date): Invitation {
  const status = invitation ? invitationStatus(invitation, now) : 'unknown';
  if (invitation && status === 'open') return invitation;
  const refusals = {
    unknown: [
      'LTI_REGISTRATION_INVITATION_UNKNOWN',
      'This registration URL carries no invitation microcred issued. Ask its administrator for a new one.',
    ],
    used: [
      'LTI_REGISTRATION_INVITATION_USED',
      'This invitation was used already: each registers one LMS. Ask microcred’s administrator for a new one.',
    ],
    expired: [
      'LTI_REGISTRATION_INVITATION_EXPIRED',
      'This invitation has expired. Ask microcred’s administrator for a new one.',
    ],
    withdrawn: [
      'LTI_REGISTRATION_INVITATION_WITHDRAWN',
      'This invitation was withdrawn by microcred’s administrator. Ask them for a new one.',
    ],
  } as const;
  const [code, message] = refusals[status as Exclude<typeof status, 'open'>];
  throw new LtiRegistrationInvitationError(code, message, code.endsWith('UNKNOWN') ? 403 : 410);
}

function invitationStatus(invitation: Invitation, now: Date): InvitationStatus {
  if (invitation.usedAt) return 'used';
  if (invitation.withdrawnAt) return 'withdrawn';
  if (invitation.expiresAt <= now) return 'expired';
  return 'open';
}

function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The LMS side of cmi5 at run time (cmi5 sections 8 to 11), over the tables of cmi5-structure.ts
 * and the LRS:
 * - `launchAu` keeps one registration per learner and cmi5 course (section 9.6.1), abandons the
 *   registration's open sessions (9.3.6), opens a session, writes `LMS.LaunchData` (10) and the
 *   `launched` statement (9.3.1), and returns the launch URL with a one-time fetch URL (8.1, 8.2);
 * - `storeSessionStatements` stores what an AU sends with its launch token after checking the
 *   statement rules (check-session-statements.ts), records completed/passed/failed per
 *   registration and AU, and writes `satisfied` for blocks and the course whose AUs all met
 *   their moveOn (9.3.9), all in one transaction with the statements;
 * - `waiveAu` writes `waived` (9.3.7) for a learner's AU, once per registration;
 * - `abandonExpiredSessions` writes `abandoned` for sessions whose launch token expired while
 *   they were still open, `abandonSession` for one open session a teacher closes; an abandoned
 *   or terminated session's token is refused from then on (section 8.1.2).
 * Statements the LMS writes carry the launch actor, the registration, the cmi5 category, the
 * publisher id in `grouping` and the session id (sections 9.6.2 and 9.6.3), with source `tool`.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import {
  cmi5AuResults,
  cmi5Aus,
  cmi5Courses,
  cmi5Registrations,
  cmi5Satisfactions,
  cmi5Sessions,
  users,
  xapiLaunches,
} from '../../db/schema.js';
import { XapiCmi5SessionClosedError, XapiCmi5StatementRejectedError } from '../../errors.js';
import { createContentLaunch, type LaunchGrant } from '../content-launch.js';
import { writeDocument } from '../document-store.js';
import { agentKeyOf } from '../request-parameters.js';
import type { Agent, Statement } from '../statement.js';
import {
  storeStatements,
  type OnStatementsStored,
  type StatementWrite,
  type StatementWriteResult,
} from '../statement-store.js';
import {
  checkSessionStatementForms,
  checkSessionStatements,
  Cmi5RuleViolation,
  type Cmi5LaunchMode,
} from './check-session-statements.js';
import { cmi5ActivityIri } from './cmi5-iris.js';
import { loadCmi5Structure, type Cmi5AuListing } from './cmi5-structure.js';
import {
  ACTIVITY_TYPES,
  CMI5_CATEGORY,
  CMI5_EXTENSIONS,
  CMI5_VERBS,
  LAUNCH_DATA_STATE_ID,
  MOVE_ON_CATEGORY,
  REASON_EXTENSION,
  type Cmi5Verb,
  type WaiverReason,
} from './cmi5-vocabulary.js';
import { isMoveOnMet } from './move-on.js';

/** The credential key LMS statements record as their authority. */
const LMS_CREDENTIAL_KEY = 'cmi5-lms';

export interface Cmi5Lms {
  launchAu(options: {
    listing: Cmi5AuListing;
    userId: string;
    actor: Agent;
    launchMode: Cmi5LaunchMode;
    /** Where the AU sends the learner when it exits (section 10.2.6). */
    returnUrl: string;
    now?: Date;
  }): Promise<{ launchUrl: string; registration: string; sessionId: string }>;
  storeSessionStatements(
    grant: LaunchGrant & { cmi5SessionId: string },
    write: StatementWrite,
  ): Promise<StatementWriteResult>;
  /** Resolves false when the AU was already waived in the learner's registration. */
  waiveAu(options: {
    listing: Cmi5AuListing;
    userId: string;
    actor: Agent;
    reason: WaiverReason;
    waivedByUserId: string;
    now?: Date;
  }): Promise<boolean>;
  /** Abandons the open sessions whose launch token expired before `now`; resolves how many. */
  abandonExpiredSessions(now?: Date): Promise<number>;
  /**
   * Abandons one open session of a cmi5 course placed in `courseId` (a teacher closes a session
   * the AU left open); resolves false when the course has no such open session.
   */
  abandonSession(options: { courseId: string; sessionId: string; now?: Date }): Promise<boolean>;
  /** The sessions of the course's cmi5 AUs that are neither terminated nor abandoned. */
  listOpenSessions(courseId: string): Promise<OpenSession[]>;
}

export interface OpenSession {
  readonly sessionId: string;
  /** The user's name, or their LMS `sub` when the LMS sent no name. */
  readonly userName: string;
  readonly auTitle: string;
  readonly launchMode: Cmi5LaunchMode;
  readonly launchedAt: Date;
  readonly lastActivityAt: Date;
}

export function createCmi5Lms({
  db,
  publicUrl,
  onStatementsStored,
}: {
  db: Executor;
  publicUrl: string;
  onStatementsStored: OnStatementsStored;
}): Cmi5Lms {
  const base = publicUrl.replace(/\/$/, '');

  /** Stores statements the LMS makes about one learner, inside the caller's transaction. */
  async function storeLmsStatements(
    tx: Executor,
    userId: string,
    statements: readonly Statement[],
  ): Promise<boolean> {
    if (statements.length === 0) return false;
    const { queuedWork } = await storeStatements({
      db: tx,
      publicUrl,
      onStatementsStored,
      statements,
      credential: { key: LMS_CREDENTIAL_KEY },
      source: 'tool',
      resolveActors: async (_executor, actors) => actors.map(() => userId),
    });
    return queuedWork;
  }

  /**
   * Records what the registration newly met: AUs whose moveOn holds, then blocks and the course
   * whose AUs all hold (section 9.3.9). Returns the `satisfied` statements to store.
   */
  async function newSatisfactions(
    tx: Executor,
    options: {
      registration: string;
      cmi5CourseId: string;
      sessionId: string;
      actor: Agent;
      now: Date;
    },
  ): Promise<Statement[]> {
    const { course, blocks, aus } = await loadCmi5Structure(tx, options.cmi5CourseId);
    const results = await tx
      .select()
      .from(cmi5AuResults)
      .where(eq(cmi5AuResults.registration, options.registration));
    const resultOf = new Map(results.map((row) => [row.auId, row]));
    const metAuIds = new Set<string>();
    for (const au of aus) {
      const row = resultOf.get(au.id);
      const record = {
        completed: Boolean(row?.completedAt),
        passed: Boolean(row?.passedAt),
        waived: Boolean(row?.waivedAt),
      };
      if (!isMoveOnMet(au.moveOn, record)) continue;
      metAuIds.add(au.id);
      if (!row?.satisfiedAt) {
        await tx
          .insert(cmi5AuResults)
          .values({ registration: options.registration, auId: au.id, satisfiedAt: options.now })
          .onConflictDoUpdate({
            target: [cmi5AuResults.registration, cmi5AuResults.auId],
            set: { satisfiedAt: options.now },
          });
      }
    }
    const childrenOf = (blockId: string | null) => ({
      aus: aus.filter((au) => au.parentBlockId === blockId),
      blocks: blocks.filter((block) => block.parentBlockId === blockId),
    });
    const isBlockMet = (blockId: string | null): boolean => {
      const children = childrenOf(blockId);
      return (
        children.aus.every((au) => metAuIds.has(au.id)) &&
        children.blocks.every((block) => isBlockMet(block.id))
      );
    };
    const candidates = [
      ...blocks
        .filter((block) => isBlockMet(block.id))
        .map((block) => ({
          iri: cmi5ActivityIri(publicUrl, 'block', block.id),
          publisherIri: block.blockIri,
          type: ACTIVITY_TYPES.block,
          title: block.title,
        })),
      ...(isBlockMet(null)
        ? [
            {
              iri: cmi5ActivityIri(publicUrl, 'course', course.id),
              publisherIri: course.courseIri,
              type: ACTIVITY_TYPES.course,
              title: course.title,
            },
          ]
        : []),
    ];
    if (candidates.length === 0) return [];
    const inserted = await tx
      .insert(cmi5Satisfactions)
      .values(
        candidates.map((candidate) => ({
          registration: options.registration,
          activityIri: candidate.iri,
          satisfiedAt: options.now,
        })),
      )
      .onConflictDoNothing()
      .returning({ activityIri: cmi5Satisfactions.activityIri });
    const isNew = new Set(inserted.map((row) => row.activityIri));
    return candidates
      .filter((candidate) => isNew.has(candidate.iri))
      .map((candidate) =>
        lmsStatement({
          verb: 'satisfied',
          actor: options.actor,
          object: {
            objectType: 'Activity',
            id: candidate.iri,
            definition: { type: candidate.type, name: { und: candidate.title } },
          },
          registration: options.registration,
          sessionId: options.sessionId,
          publisherIri: candidate.publisherIri,
          now: options.now,
        }),
      );
  }

  /**
   * The open sessions of a registration, one session of a course, or those whose token expired,
   * abandoned; their launch tokens stop working (cmi5 section 8.1.2). Returns the `abandoned`
   * statements to store.
   */
  async function abandonOpenSessions(
    tx: Executor,
    where:
      { registration: string } | { expiredBefore: Date } | { sessionId: string; courseId: string },
    now: Date,
  ): Promise<{ userId: string; statements: Statement[] }[]> {
    const condition =
      'registration' in where
        ? eq(cmi5Sessions.registration, where.registration)
        : 'sessionId' in where
          ? and(
              eq(cmi5Sessions.sessionId, where.sessionId),
              inArray(
                cmi5Registrations.cmi5CourseId,
                tx
                  .select({ id: cmi5Courses.id })
                  .from(cmi5Courses)
                  .where(eq(cmi5Courses.courseId, where.courseId)),
              ),
            )
          : lt(xapiLaunches.expiresAt, where.expiredBefore);
    const open = await tx
      .select({
        sessionId: cmi5Sessions.sessionId,
        registration: cmi5Sessions.registration,
        auId: cmi5Sessions.auId,
        launchedAt: cmi5Sessions.launchedAt,
        lastActivityAt: cmi5Sessions.lastActivityAt,
        actor: xapiLaunches.actor,
        userId: cmi5Registrations.userId,
        activityId: xapiLaunches.activityId,
      })
      .from(cmi5Sessions)
      .innerJoin(xapiLaunches, eq(xapiLaunches.cmi5SessionId, cmi5Sessions.sessionId))
      .innerJoin(cmi5Registrations, eq(cmi5Registrations.registration, cmi5Sessions.registration))
      .where(and(condition, isNull(cmi5Sessions.terminatedAt), isNull(cmi5Sessions.abandonedAt)))
      .for('update', { of: cmi5Sessions, skipLocked: true });
    if (open.length === 0) return [];
    await tx
      .update(cmi5Sessions)
      .set({ abandonedAt: now })
      .where(
        inArray(
          cmi5Sessions.sessionId,
          open.map((session) => session.sessionId),
        ),
      );
    await tx
      .update(xapiLaunches)
      .set({ expiresAt: now })
      .where(
        and(
          inArray(
            xapiLaunches.cmi5SessionId,
            open.map((session) => session.sessionId),
          ),
          gt(xapiLaunches.expiresAt, now),
        ),
      );
    const auRows = await tx
      .select({ id: cmi5Aus.id, auIri: cmi5Aus.auIri })
      .from(cmi5Aus)
      .where(inArray(cmi5Aus.id, [...new Set(open.map((session) => session.auId))]));
    const publisherOf = new Map(auRows.map((row) => [row.id, row.auIri]));
    return open.map((session) => ({
      userId: session.userId,
      statements: [
        lmsStatement({
          verb: 'abandoned',
          actor: session.actor as unknown as Agent,
          object: { objectType: 'Activity', id: session.activityId },
          registration: session.registration,
          sessionId: session.sessionId,
          publisherIri: publisherOf.get(session.auId) ?? session.activityId,
          result: {
            duration: isoDuration(session.lastActivityAt.getTime() - session.launchedAt.getTime()),
          },
          now,
        }),
      ],
    }));
  }

  return {
    async launchAu({ listing, userId, actor, launchMode, returnUrl, now = new Date() }) {
      const { au, course, activityIri } = listing;
      const sessionId = randomUUID();
      const result = await db.transaction(async (tx) => {
        let [registrationRow] = await tx
          .insert(cmi5Registrations)
          .values({ cmi5CourseId: course.id, userId })
          .onConflictDoNothing()
          .returning();
        const isNewRegistration = registrationRow !== undefined;
        registrationRow ??= (
          await tx
            .select()
            .from(cmi5Registrations)
            .where(
              and(
                eq(cmi5Registrations.cmi5CourseId, course.id),
                eq(cmi5Registrations.userId, userId),
              ),
            )
            .for('update')
        )[0];
        const registration = registrationRow!.registration;
        let queued = false;
        for (const abandoned of await abandonOpenSessions(tx, { registration }, now)) {
          queued = (await storeLmsStatements(tx, abandoned.userId, abandoned.statements)) || queued;
        }
        if (isNewRegistration) {
          // Section 9.6.1: moveOn is evaluated at registration (NotApplicable AUs count at once).
          const satisfied = await newSatisfactions(tx, {
            registration,
            cmi5CourseId: course.id,
            sessionId: randomUUID(),
            actor,
            now,
          });
          queued = (await storeLmsStatements(tx, userId, satisfied)) || queued;
        }
        await tx.insert(cmi5Sessions).values({
          sessionId,
          registration,
          auId: au.id,
          launchMode,
          launchedAt: now,
          lastActivityAt: now,
        });
        const contextTemplate = {
          contextActivities: { grouping: [{ objectType: 'Activity', id: au.auIri }] },
          extensions: { [CMI5_EXTENSIONS.sessionId]: sessionId },
        };
        const launchData = {
          contextTemplate,
          launchMode,
          moveOn: au.moveOn,
          returnURL: returnUrl,
          ...(au.launchParameters !== null && { launchParameters: au.launchParameters }),
          ...(au.masteryScore !== null && { masteryScore: au.masteryScore }),
          ...(au.entitlementKey !== null && {
            entitlementKey: { courseStructure: au.entitlementKey },
          }),
        };
        await writeDocument({
          db: tx,
          key: {
            kind: 'state',
            activityId: activityIri,
            agentKey: agentKeyOf(actor),
            registration: registration.toLowerCase(),
            documentId: LAUNCH_DATA_STATE_ID,
          },
          method: 'PUT',
          contentType: 'application/json',
          content: Buffer.from(JSON.stringify(launchData)),
          preconditions: {},
          requireHeaderToReplace: false,
          now,
        });
        const launched = lmsStatement({
          verb: 'launched',
          actor,
          object: {
            objectType: 'Activity',
            id: activityIri,
            definition: { name: { und: au.title } },
          },
          registration,
          sessionId,
          publisherIri: au.auIri,
          extensions: {
            [CMI5_EXTENSIONS.launchMode]: launchMode,
            [CMI5_EXTENSIONS.launchUrl]: au.url,
            [CMI5_EXTENSIONS.moveOn]: au.moveOn,
            ...(au.masteryScore !== null && { [CMI5_EXTENSIONS.masteryScore]: au.masteryScore }),
            ...(au.launchParameters !== null && {
              [CMI5_EXTENSIONS.launchParameters]: au.launchParameters,
            }),
          },
          now,
        });
        queued = (await storeLmsStatements(tx, userId, [launched])) || queued;
        const launch = await createContentLaunch({
          db: tx,
          publicUrl: base,
          contentUrl: au.url,
          userId,
          actor,
          activityId: activityIri,
          registration,
          cmi5SessionId: sessionId,
          now,
        });
        return { launchUrl: launch.launchUrl, registration, queued };
      });
      return { launchUrl: result.launchUrl, registration: result.registration, sessionId };
    },

    async storeSessionStatements(grant, write) {
      try {
        checkSessionStatementForms(write.statements);
      } catch (error) {
        if (!(error instanceof Cmi5RuleViolation)) throw error;
        throw new XapiCmi5StatementRejectedError(error.message);
      }
      return storeStatements({
        db,
        publicUrl,
        ...write,
        onStatementsStored: async (tx, stored) => {
          const [session] = await tx
            .select()
            .from(cmi5Sessions)
            .where(eq(cmi5Sessions.sessionId, grant.cmi5SessionId))
            .for('update');
          if (!session) throw new XapiCmi5SessionClosedError('This cmi5 session is unknown');
          // Locked, as a waiver locks it: what satisfies the course or a block is decided on
          // the results of every AU of the registration, one writer at a time.
          const [registrationRow] = await tx
            .select()
            .from(cmi5Registrations)
            .where(eq(cmi5Registrations.registration, session.registration))
            .for('update');
          const { aus } = await loadCmi5Structure(tx, registrationRow!.cmi5CourseId);
          const au = aus.find((candidate) => candidate.id === session.auId)!;
          const [results] = await tx
            .select()
            .from(cmi5AuResults)
            .where(
              and(
                eq(cmi5AuResults.registration, session.registration),
                eq(cmi5AuResults.auId, session.auId),
              ),
            );
          let checked;
          try {
            checked = checkSessionStatements(
              {
                sessionId: session.sessionId,
                launchMode: session.launchMode,
                auActivityId: grant.activityId,
                publisherIri: au.auIri,
                masteryScore: au.masteryScore,
                hasReadPreferences: session.preferencesReadAt !== null,
                isInitialized: session.initializedAt !== null,
                isTerminated: session.terminatedAt !== null,
                isAbandoned: session.abandonedAt !== null,
                hasCompleted: Boolean(results?.completedAt),
                hasPassed: Boolean(results?.passedAt),
                hasJudgedInSession: [results?.passedAt, results?.failedAt].some(
                  (at) => at && at >= session.launchedAt,
                ),
              },
              stored.map((statement) => ({ ...statement.statement, id: statement.id })),
            );
          } catch (error) {
            if (!(error instanceof Cmi5RuleViolation)) throw error;
            throw error.kind === 'session-closed'
              ? new XapiCmi5SessionClosedError(error.message)
              : new XapiCmi5StatementRejectedError(error.message);
          }
          const now = stored[0]!.stored;
          const seen = new Set(checked.events.map((event) => event.verb));
          await tx
            .update(cmi5Sessions)
            .set({
              lastActivityAt: now,
              ...(seen.has('initialized') && { initializedAt: now }),
              ...(seen.has('terminated') && { terminatedAt: now }),
            })
            .where(eq(cmi5Sessions.sessionId, session.sessionId));
          if (seen.has('terminated')) {
            // Section 8.1.2: the token of a terminated session is refused from now on.
            await tx
              .update(xapiLaunches)
              .set({ expiresAt: now })
              .where(eq(xapiLaunches.cmi5SessionId, session.sessionId));
          }
          let queued = (await onStatementsStored(tx, stored)) === true;
          const recorded = {
            ...(seen.has('completed') && { completedAt: now }),
            ...(seen.has('passed') && { passedAt: now }),
            ...(seen.has('failed') && { failedAt: now }),
          };
          if (Object.keys(recorded).length > 0) {
            await tx
              .insert(cmi5AuResults)
              .values({ registration: session.registration, auId: session.auId, ...recorded })
              .onConflictDoUpdate({
                target: [cmi5AuResults.registration, cmi5AuResults.auId],
                set: recorded,
              });
            const satisfied = await newSatisfactions(tx, {
              registration: session.registration,
              cmi5CourseId: registrationRow!.cmi5CourseId,
              sessionId: session.sessionId,
              actor: grant.actor,
              now,
            });
            queued = (await storeLmsStatements(tx, registrationRow!.userId, satisfied)) || queued;
          }
          return queued;
        },
      });
    },

    async waiveAu({ listing, userId, actor, reason, waivedByUserId, now = new Date() }) {
      const { au, course, activityIri } = listing;
      return db.transaction(async (tx) => {
        let [registrationRow] = await tx
          .insert(cmi5Registrations)
          .values({ cmi5CourseId: course.id, userId })
          .onConflictDoNothing()
          .returning();
        registrationRow ??= (
          await tx
            .select()
            .from(cmi5Registrations)
            .where(
              and(
                eq(cmi5Registrations.cmi5CourseId, course.id),
                eq(cmi5Registrations.userId, userId),
              ),
            )
            .for('update')
        )[0];
        const registration = registrationRow!.registration;
        const waived = await tx
          .insert(cmi5AuResults)
          .values({
            registration,
            auId: au.id,
            waivedAt: now,
            waivedReason: reason,
            waivedByUserId,
          })
          .onConflictDoUpdate({
            target: [cmi5AuResults.registration, cmi5AuResults.auId],
            set: { waivedAt: now, waivedReason: reason, waivedByUserId },
            setWhere: sql`${cmi5AuResults.waivedAt} is null`,
          })
          .returning({ auId: cmi5AuResults.auId });
        if (waived.length === 0) return false;
        // Section 9.3.7: a session id of its own, shared only with the satisfied statements.
        const sessionId = randomUUID();
        const statement = lmsStatement({
          verb: 'waived',
          actor,
          object: { objectType: 'Activity', id: activityIri },
          registration,
          sessionId,
          publisherIri: au.auIri,
          result: { success: true, completion: true, extensions: { [REASON_EXTENSION]: reason } },
          isMoveOn: true,
          now,
        });
        const satisfied = await newSatisfactions(tx, {
          registration,
          cmi5CourseId: course.id,
          sessionId,
          actor,
          now,
        });
        await storeLmsStatements(tx, userId, [statement, ...satisfied]);
        return true;
      });
    },

    async abandonSession({ courseId, sessionId, now = new Date() }) {
      return db.transaction(async (tx) => {
        const abandoned = await abandonOpenSessions(tx, { sessionId, courseId }, now);
        for (const { userId, statements } of abandoned) {
          await storeLmsStatements(tx, userId, statements);
        }
        return abandoned.length > 0;
      });
    },

    async listOpenSessions(courseId) {
      return db
        .select({
          sessionId: cmi5Sessions.sessionId,
          userName: sql<string>`coalesce(${users.name}, ${users.sub})`,
          auTitle: cmi5Aus.title,
          launchMode: cmi5Sessions.launchMode,
          launchedAt: cmi5Sessions.launchedAt,
          lastActivityAt: cmi5Sessions.lastActivityAt,
        })
        .from(cmi5Sessions)
        .innerJoin(cmi5Registrations, eq(cmi5Registrations.registration, cmi5Sessions.registration))
        .innerJoin(cmi5Courses, eq(cmi5Courses.id, cmi5Registrations.cmi5CourseId))
        .innerJoin(cmi5Aus, eq(cmi5Aus.id, cmi5Sessions.auId))
        .innerJoin(users, eq(users.id, cmi5Registrations.userId))
        .where(
          and(
            eq(cmi5Courses.courseId, courseId),
            isNull(cmi5Sessions.terminatedAt),
            isNull(cmi5Sessions.abandonedAt),
          ),
        )
        .orderBy(asc(cmi5Sessions.launchedAt));
    },

    async abandonExpiredSessions(now = new Date()) {
      return db.transaction(async (tx) => {
        const abandoned = await abandonOpenSessions(tx, { expiredBefore: now }, now);
        for (const { userId, statements } of abandoned) {
          await storeLmsStatements(tx, userId, statements);
        }
        return abandoned.length;
      });
    },
  };
}

/** A statement the LMS makes (sections 9.6.2, 9.6.3). */
function lmsStatement({
  verb,
  actor,
  object,
  registration,
  sessionId,
  publisherIri,
  result,
  extensions = {},
  isMoveOn = false,
  now,
}: {
  verb: Cmi5Verb;
  actor: Agent;
  object: Statement['object'];
  registration: string;
  sessionId: string;
  publisherIri: string;
  result?: Statement['result'];
  extensions?: Record<string, unknown>;
  isMoveOn?: boolean;
  now: Date;
}): Statement {
  return {
    id: randomUUID(),
    actor: { ...actor, objectType: 'Agent' },
    verb: { id: CMI5_VERBS[verb], display: { 'en-US': verb } },
    object,
    ...(result && { result }),
    context: {
      registration,
      contextActivities: {
        category: [
          { objectType: 'Activity', id: CMI5_CATEGORY },
          ...(isMoveOn ? [{ objectType: 'Activity' as const, id: MOVE_ON_CATEGORY }] : []),
        ],
        grouping: [{ objectType: 'Activity', id: publisherIri }],
      },
      extensions: { [CMI5_EXTENSIONS.sessionId]: sessionId, ...extensions },
    },
    timestamp: now.toISOString(),
  };
}

/** An ISO 8601 duration of whole and hundredth seconds, as xAPI durations are written. */
function isoDuration(milliseconds: number): string {
  const seconds = Math.max(0, milliseconds) / 1000;
  return `PT${seconds.toFixed(2).replace(/\.?0+$/, '')}S`;
}

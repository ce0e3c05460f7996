import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** Keys the tool signs with: the LTI tool key (RS256) and each issuer's credential keys. */
export const signingKeys = pgTable(
  'signing_keys',
  {
    kid: text('kid').primaryKey(),
    purpose: text('purpose', { enum: ['lti', 'issuer'] }).notNull(),
    issuerProfileId: text('issuer_profile_id').references(() => issuerProfiles.id),
    algorithm: text('algorithm', { enum: ['RS256', 'Ed25519'] }).notNull(),
    publicJwk: jsonb('public_jwk').$type<Record<string, unknown>>().notNull(),
    /** The private key, encrypted with the tool secret (see db/encryption.ts). */
    privateKeyEncrypted: text('private_key_encrypted').notNull(),
    createdAt: createdAt(),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
  },
  (table) => [index('signing_keys_purpose_idx').on(table.purpose, table.issuerProfileId)],
);

/** Awarding bodies. Each has a did:web identity served by the tool. */
export const issuerProfiles = pgTable('issuer_profiles', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  url: text('url'),
  email: text('email'),
  countryCode: text('country_code'),
  createdAt: createdAt(),
});

export const platforms = pgTable(
  'platforms',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    issuer: text('issuer').notNull(),
    clientId: text('client_id').notNull(),
    name: text('name').notNull(),
    authUrl: text('auth_url').notNull(),
    tokenUrl: text('token_url').notNull(),
    jwksUrl: text('jwks_url').notNull(),
    /** Registered students earn credits; open self-study learners earn badges only. */
    trustLevel: text('trust_level', { enum: ['registered', 'self-study'] })
      .notNull()
      .default('registered'),
    issuerProfileId: text('issuer_profile_id')
      .notNull()
      .references(() => issuerProfiles.id),
    isActive: boolean('is_active').notNull().default(true),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('platforms_issuer_client_uq').on(table.issuer, table.clientId)],
);

export const deployments = pgTable(
  'deployments',
  {
    platformId: uuid('platform_id')
      .notNull()
      .references(() => platforms.id, { onDelete: 'cascade' }),
    deploymentId: text('deployment_id').notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.platformId, table.deploymentId] })],
);

/** Records ltijs keeps (nonces, states, id tokens, context tokens, access tokens). */
export const ltijsRecords = pgTable(
  'ltijs_records',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    collection: text('collection').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    index('ltijs_records_data_idx').using('gin', table.data.op('jsonb_path_ops')),
    index('ltijs_records_expiry_idx').on(table.expiresAt),
  ],
);

export const courses = pgTable(
  'courses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    platformId: uuid('platform_id')
      .notNull()
      .references(() => platforms.id),
    contextId: text('context_id').notNull(),
    title: text('title'),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('courses_platform_context_uq').on(table.platformId, table.contextId)],
);

/** People known from LTI launches: learners and teachers alike, one row per platform `sub`. */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    platformId: uuid('platform_id')
      .notNull()
      .references(() => platforms.id),
    sub: text('sub').notNull(),
    name: text('name'),
    email: text('email'),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('users_platform_sub_uq').on(table.platformId, table.sub),
    index('users_email_idx').on(table.platformId, table.email),
  ],
);

/** A user's membership of a course as the last launch told it, with its AGS endpoint. */
export const enrolments = pgTable(
  'enrolments',
  {
    courseId: uuid('course_id')
      .notNull()
      .references(() => courses.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    role: text('role', { enum: ['teacher', 'learner', 'observer'] }).notNull(),
    deploymentId: text('deployment_id').notNull(),
    agsLineItemUrl: text('ags_line_item_url'),
    agsLineItemsUrl: text('ags_line_items_url'),
    agsScopes: text('ags_scopes').array(),
    lastLaunchAt: timestamp('last_launch_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.courseId, table.userId] }),
    index('enrolments_user_idx').on(table.userId),
  ],
);

/** Sessions opened by LTI launches; the cookie or bearer token is stored only as a hash. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    courseId: uuid('course_id')
      .notNull()
      .references(() => courses.id),
    role: text('role', { enum: ['teacher', 'learner', 'observer'] }).notNull(),
    locale: text('locale'),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('sessions_expiry_idx').on(table.expiresAt)],
);

/** Basic credentials for xAPI clients such as Moodle's logstore_xapi. */
export const xapiCredentials = pgTable('xapi_credentials', {
  key: text('key').primaryKey(),
  name: text('name').notNull(),
  secretHash: text('secret_hash').notNull(),
  platformId: uuid('platform_id').references(() => platforms.id),
  createdAt: createdAt(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

export const statements = pgTable(
  'statements',
  {
    id: uuid('id').primaryKey(),
    /** Insertion order, for stable paging. */
    seq: bigserial('seq', { mode: 'number' }).notNull().unique(),
    userId: uuid('user_id').references(() => users.id),
    verbId: text('verb_id').notNull(),
    activityId: text('activity_id'),
    registration: uuid('registration'),
    scoreScaled: doublePrecision('score_scaled'),
    success: boolean('success'),
    completion: boolean('completion'),
    source: text('source', { enum: ['platform', 'content', 'tool'] }).notNull(),
    credentialKey: text('credential_key'),
    isVoided: boolean('is_voided').notNull().default(false),
    stored: timestamp('stored', { withTimezone: true, precision: 3 }).notNull(),
    /** The statement as the LRS returns it (with id, stored, authority, version). */
    statement: jsonb('statement').$type<Record<string, unknown>>().notNull(),
  },
  (table) => [
    index('statements_user_activity_idx').on(table.userId, table.activityId),
    index('statements_stored_idx').on(table.stored),
  ],
);

/** Outcome rules are JSON trees; see awards/rules. */
export const achievements = pgTable(
  'achievements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    courseId: uuid('course_id')
      .notNull()
      .references(() => courses.id),
    version: integer('version').notNull().default(1),
    name: text('name').notNull(),
    description: text('description').notNull(),
    criteria: text('criteria').notNull(),
    ects: doublePrecision('ects'),
    eqfLevel: integer('eqf_level'),
    rule: jsonb('rule').$type<unknown>().notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('achievements_course_idx').on(table.courseId)],
);

/** One issued credential per learner and achievement version. */
export const awards = pgTable(
  'awards',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    achievementId: uuid('achievement_id')
      .notNull()
      .references(() => achievements.id),
    achievementVersion: integer('achievement_version').notNull(),
    evidenceStatementIds: uuid('evidence_statement_ids').array().notNull(),
    credential: jsonb('credential').$type<Record<string, unknown>>().notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('awards_user_achievement_version_uq').on(
      table.userId,
      table.achievementId,
      table.achievementVersion,
    ),
  ],
);

/**
 * Work that must happen after a commit and survive a crash: rule evaluation after statements,
 * grade passback. `dedupeKey` makes enqueueing the same work twice a no-op.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind').notNull(),
    dedupeKey: text('dedupe_key').notNull().unique(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: ['pending', 'done', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: createdAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (table) => [
    index('outbox_pending_idx')
      .on(table.nextAttemptAt)
      .where(sql`status = 'pending'`),
  ],
);

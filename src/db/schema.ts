import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  customType,
  check,
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
  date,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** Keys the tool signs with: the LTI tool key (RS256) and each issuer's credential keys. */
export const signingKeys = pgTable(
  'signing_keys',
  {
    kid: text('kid').primaryKey(),
    purpose: text('purpose', { enum: ['lti', 'issuer'] }).notNull(),
    issuerProfileId: text('issuer_profile_id').references(() => issuerProfiles.id),
    algorithm: text('algorithm', { enum: ['RS256', 'Ed25519', 'ES256'] }).notNull(),
    publicJwk: jsonb('public_jwk').$type<Record<string, unknown>>().notNull(),
    /** The private key, encrypted with the tool secret (see db/encryption.ts). */
    privateKeyEncrypted: text('private_key_encrypted').notNull(),
    createdAt: createdAt(),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
  },
  (table) => [
    index('signing_keys_purpose_idx').on(table.purpose, table.issuerProfileId),
    // One live LTI tool key at a time, however many processes start at once.
    uniqueIndex('signing_keys_one_live_tool_key_uq')
      .on(table.purpose)
      .where(sql`purpose = 'lti' and retired_at is null`),
  ],
);

/** Awarding bodies. Each has a did:web identity served by the tool. */
export const issuerProfiles = pgTable('issuer_profiles', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  url: text('url'),
  email: text('email'),
  /** ISO 3166-1 alpha-2, the EU element "country(ies) of the issuer". */
  countryCode: text('country_code'),
  description: text('description'),
  /** An https URL or a `data:` image URI. */
  image: text('image'),
  /** Address lines; the region is the EU element "region(s) of the issuer". */
  address: jsonb('address').$type<IssuerAddress>(),
  /** Erasmus code, PIC, ROR ... as OB 3.0 IdentifierEntry (identifierType, identifier). */
  identifiers: jsonb('identifiers')
    .$type<{ identifierType: string; identifier: string }[]>()
    .notNull()
    .default([]),
  /** The parent organisation, such as a university alliance. */
  parentOrg: jsonb('parent_org').$type<{ id: string; name: string; url?: string }>(),
  /** Whether the learner's name may appear in credentials (else only identifiers). */
  publishRecipientName: boolean('publish_recipient_name').notNull().default(true),
  createdAt: createdAt(),
});

export type IssuerAddress = {
  streetAddress?: string;
  postalCode?: string;
  addressLocality?: string;
  addressRegion?: string;
  /** ISO 3166-1 alpha-2. */
  addressCountryCode?: string;
  addressCountry?: string;
};

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
    /** The `aud` of client assertions when the platform names one apart from its token URL (Brightspace). */
    tokenAudience: text('token_audience'),
    /** Registered students earn credits; open self-study learners earn badges only. */
    trustLevel: text('trust_level', { enum: ['registered', 'self-study'] })
      .notNull()
      .default('registered'),
    issuerProfileId: text('issuer_profile_id')
      .notNull()
      .references(() => issuerProfiles.id),
    isActive: boolean('is_active').notNull().default(true),
    /** Origins of the LMS pages that posted verified launches (lti/platform-registry.ts platformFrameOrigins). */
    frameOrigins: text('frame_origins')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /**
     * What `account.name` means in the actors of the platform's xAPI emitter: the LTI `sub`
     * (the LMS user id; Moodle logstore_xapi's default) or the LMS username (its "send username").
     */
    xapiAccountName: text('xapi_account_name', { enum: ['lti-sub', 'username'] })
      .notNull()
      .default('lti-sub'),
    /** The `account.homePage` of those actors when it is not the issuer (logstore_xapi "account_homepage"). */
    xapiAccountHomePage: text('xapi_account_home_page'),
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
    /** A deactivated deployment's launches are refused; the platform's other deployments still launch. */
    isActive: boolean('is_active').notNull().default(true),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.platformId, table.deploymentId] })],
);

/**
 * An administrator's invitation to register one LMS by LTI Dynamic Registration: single use,
 * expiring, carrying the awarding body and trust level the new platform gets. Only a SHA-256
 * hash of the token in the registration URL is kept.
 */
export const registrationInvitations = pgTable('registration_invitations', {
  id: uuid('id').primaryKey().defaultRandom(),
  tokenHash: text('token_hash').notNull().unique(),
  /** The existing awarding body the platform joins; null: a new body is created for it. */
  issuerProfileId: text('issuer_profile_id').references(() => issuerProfiles.id),
  /** The awarding body's name: the existing body's, or the new body's. */
  awardingBodyName: text('awarding_body_name').notNull(),
  trustLevel: text('trust_level', { enum: ['registered', 'self-study'] }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  /** The platform registered with this invitation. */
  platformId: uuid('platform_id').references(() => platforms.id),
  withdrawnAt: timestamp('withdrawn_at', { withTimezone: true }),
  createdAt: createdAt(),
});

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

/**
 * Nonces the tool sent in OIDC authentication requests (LTI 1.3 core 5.1.1.3), each good for
 * one launch with the state it was sent with; with the login parameters that started it, to
 * restart the launch in a window of its own when the LMS frame blocked the tool's cookie.
 * A launch deletes its nonce when it is recorded; abandoned ones expire.
 */
export const ltiIssuedNonces = pgTable('lti_issued_nonces', {
  nonce: text('nonce').primaryKey(),
  state: text('state').notNull(),
  login: jsonb('login').$type<Record<string, string>>().notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

export const courses = pgTable(
  'courses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    platformId: uuid('platform_id')
      .notNull()
      .references(() => platforms.id),
    contextId: text('context_id').notNull(),
    title: text('title'),
    /** NRPS 2.0: the membership service of the course, from the launch's namesroleservice claim. */
    nrpsMembershipsUrl: text('nrps_memberships_url'),
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
    /** The LMS username (Moodle: the launch's `ext.user_username`, the roster's `ext_user_username`). */
    username: text('username'),
    /** SHA-1 of `mailto:` + email in lower case, as an xAPI `mbox_sha1sum` names the user. */
    mboxSha1sum: text('mbox_sha1sum'),
    /** The learner's choice on their page: an email when a credential is awarded or revoked. */
    isEmailNotified: boolean('is_email_notified').notNull().default(true),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('users_platform_sub_uq').on(table.platformId, table.sub),
    // Actors are matched to users by email in any case (xapi/resolve-actor.ts).
    index('users_email_idx').on(table.platformId, sql`lower(${table.email})`),
    index('users_username_idx').on(table.platformId, table.username),
    index('users_mbox_sha1sum_idx').on(table.platformId, table.mboxSha1sum),
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
    agsLineItemsUrl: text('ags_line_items_url'),
    agsScopes: text('ags_scopes').array(),
    lastLaunchAt: timestamp('last_launch_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.courseId, table.userId] }),
    index('enrolments_user_idx').on(table.userId),
  ],
);

/**
 * The course roster as the platform's membership service (NRPS 2.0) last listed it, in the
 * platform's order; replaced as a whole on each fetch (see lti/nrps/course-roster.ts).
 */
export const rosterMembers = pgTable(
  'roster_members',
  {
    courseId: uuid('course_id')
      .notNull()
      .references(() => courses.id),
    /** The member's `user_id`, the `sub` of their launches. */
    userSub: text('user_sub').notNull(),
    position: integer('position').notNull(),
    name: text('name'),
    email: text('email'),
    /** The LMS username where the platform lists it (Moodle: `ext_user_username`). */
    username: text('username'),
    roles: text('roles').array().notNull(),
    status: text('status').notNull(),
    fetchedAt: timestamp('fetched_at', { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.courseId, table.userSub] })],
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
    /** The launch came from an administrator of the LMS (lti/roles.ts isLmsAdministrator). */
    isLmsAdministrator: boolean('is_lms_administrator').notNull().default(false),
    locale: text('locale'),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    index('sessions_expiry_idx').on(table.expiresAt),
    // A learner's latest launch locale, read for every credential issued to them.
    index('sessions_user_idx').on(table.userId, table.createdAt),
  ],
);

/**
 * A deep linking launch (LTI Deep Linking 2.0) waiting for the teacher's choice: where to send
 * the answer and the platform's opaque `data` to echo. Good once, for a short while.
 */
export const deepLinkingRequests = pgTable('deep_linking_requests', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id),
  courseId: uuid('course_id')
    .notNull()
    .references(() => courses.id),
  deploymentId: text('deployment_id').notNull(),
  returnUrl: text('return_url').notNull(),
  data: text('data'),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  answeredAt: timestamp('answered_at', { withTimezone: true }),
  /**
   * The signed answer and the title it links, kept so that the form sent again (a double click
   * in the LMS's frame) gets the same answer instead of a second activity.
   */
  answerJwt: text('answer_jwt'),
  answerTitle: text('answer_title'),
});

/** Basic credentials for xAPI clients such as Moodle's logstore_xapi. */
export const xapiCredentials = pgTable('xapi_credentials', {
  key: text('key').primaryKey(),
  name: text('name').notNull(),
  secretHash: text('secret_hash').notNull(),
  platformId: uuid('platform_id').references(() => platforms.id),
  createdAt: createdAt(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  /** When a request with this credential last stored statements (recorded at most once a minute). */
  lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
  /** The last refused request: when, its error code and the message the client was given. */
  lastFailureAt: timestamp('last_failure_at', { withTimezone: true }),
  lastFailureCode: text('last_failure_code'),
  lastFailureReason: text('last_failure_reason'),
  /** How many requests naming this credential's key were refused (wrong secret, bad statements …). */
  refusedCount: integer('refused_count').notNull().default(0),
});

/**
 * Refused xAPI requests whose key no credential has (a mistyped key in an emitter's settings),
 * per key; only the most recent few keys are kept (xapi/credential-usage.ts).
 */
export const xapiUnknownKeyRefusals = pgTable('xapi_unknown_key_refusals', {
  key: text('key').primaryKey(),
  refusedCount: integer('refused_count').notNull().default(1),
  lastRefusedAt: timestamp('last_refused_at', { withTimezone: true }).notNull(),
});

export const statements = pgTable(
  'statements',
  {
    id: uuid('id').primaryKey(),
    /**
     * Insertion order, for stable paging: unique by its sequence (no index of its own; the
     * indexes in page order end in it).
     */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
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
    /**
     * Set while the actor of a statement an LMS sent stands for no known user of that platform
     * (xapi/pending-statements.ts): the platform, and the actor's key (`actorKey`).
     */
    pendingPlatformId: uuid('pending_platform_id'),
    pendingActorKey: text('pending_actor_key'),
    /**
     * What GET /statements filters on beyond the columns above, taken from the statement when
     * it is stored (xapi/statement-search-keys.ts): the `agent` keys, what `related_agents`
     * and `related_activities` add, and the statement a StatementRef object points to.
     */
    agentKeys: text('agent_keys')
      .array()
      .notNull()
      .default(sql`'{}'`),
    /** The actor's own `agent` key (one of agent_keys), or null for an anonymous group. */
    actorAgentKey: text('actor_agent_key'),
    /** Whether agent_keys holds keys beyond the actor's (an Agent or Group object, members). */
    hasOtherAgentKeys: boolean('has_other_agent_keys').notNull().default(false),
    relatedAgentKeys: text('related_agent_keys')
      .array()
      .notNull()
      .default(sql`'{}'`),
    relatedActivityIds: text('related_activity_ids')
      .array()
      .notNull()
      .default(sql`'{}'`),
    objectStatementId: uuid('object_statement_id'),
    /**
     * For a statement whose object is a StatementRef: the filter keys of the statement it points
     * to, as the SQL function `statement_target_keys` gives them (drizzle/0028), taken when the
     * statement is stored, so the filters find it through its target with an index. Empty when
     * the target was not stored yet (the query then joins the target; an empty array, not null,
     * so the planner counts these few apart from the other statements, which have null).
     */
    targetKeys: text('target_keys').array(),
  },
  (table) => [
    index('statements_pending_actor_idx')
      .on(table.pendingPlatformId, table.pendingActorKey)
      .where(sql`pending_platform_id is not null`),
    index('statements_user_activity_idx').on(table.userId, table.activityId),
    index('statements_stored_idx').on(table.stored, table.seq),
    // Each filter of GET /statements with the page order (stored, seq) behind it, so a page
    // reads only its own rows (query-statements.ts).
    index('statements_activity_idx').on(table.activityId, table.stored, table.seq),
    index('statements_verb_idx').on(table.verbId, table.stored, table.seq),
    index('statements_registration_idx')
      .on(table.registration, table.stored, table.seq)
      .where(sql`registration is not null`),
    // An agent's statements as actor, in page order; the few statements with other agent keys
    // (an Agent or Group object, group members) are found through the GIN index after it.
    index('statements_actor_idx').on(table.actorAgentKey, table.stored, table.seq),
    index('statements_other_agent_keys_idx')
      .using('gin', table.agentKeys)
      .where(sql`has_other_agent_keys`),
    index('statements_search_keys_idx').using(
      'gin',
      table.relatedAgentKeys,
      table.relatedActivityIds,
    ),
    index('statements_statement_ref_idx')
      .on(table.objectStatementId)
      .where(sql`object_statement_id is not null`),
    // Without GIN's pending list: StatementRefs are few, and every query of a filter reads this
    // index, which would otherwise scan the whole list of entries not yet merged.
    index('statements_ref_target_keys_idx')
      .using('gin', table.targetKeys)
      .with({ fastupdate: false })
      .where(sql`object_statement_id is not null`),
    index('statements_unresolved_ref_idx')
      .on(table.stored, table.seq)
      .where(sql`object_statement_id is not null and target_keys = '{}'`),
    /** The statements a voiding statement points to (xAPI Data 2.3.2), looked up per insert. */
    index('statements_voiding_target_idx')
      .on(sql`(${table.statement} -> 'object' ->> 'id')`)
      .where(sql`verb_id = 'http://adlnet.gov/expapi/verbs/voided'`),
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
    /**
     * Goes up with every change of the row. A form or API client sends the revision it read, so
     * that a save based on a stale read is refused instead of undoing a change it never saw.
     */
    revision: integer('revision').notNull().default(1),
    name: text('name').notNull(),
    description: text('description').notNull(),
    criteria: text('criteria').notNull(),
    ects: doublePrecision('ects'),
    eqfLevel: integer('eqf_level'),
    /**
     * The other EU micro-credential elements and the translations (badges/eu-elements.ts
     * MicroCredentialElements); `{}` for a plain badge.
     */
    eu: jsonb('eu').$type<Record<string, unknown>>().notNull().default({}),
    /** BCP 47 language of name, description and criteria. */
    language: text('language').notNull().default('en'),
    /** An https URL or a `data:image/png|svg+xml` URI; a default image is generated without. */
    image: text('image'),
    /**
     * The badge designer's choices that drew `image` (badges/badge-design.ts BadgeDesign), so the
     * designer opens with them again; null when the image was not designed or was replaced since.
     */
    badgeDesign: jsonb('badge_design').$type<Record<string, unknown>>(),
    /** The rule (awards/rules); null while a draft has none yet. */
    rule: jsonb('rule').$type<unknown>(),
    /**
     * When the teacher published the rule; null for a draft, which awards nothing and has no
     * rule index entries (awards/rule-index.ts). A published achievement always has a rule.
     */
    publishedAt: timestamp('published_at', { withTimezone: true }),
    /**
     * What the LMS gradebook gets for an award: the learner's result scaled to the column's
     * maximum (none for an achievement without a score), or the maximum for any pass.
     */
    gradeMode: text('grade_mode', { enum: ['result', 'pass'] })
      .notNull()
      .default('result'),
    /**
     * For a stack (a rule that stacks other achievements' credentials): the ECTS its credential
     * carries, those of the credentials that met the rule or the fixed `ects`; never more than
     * the rule's stacking cap (awards/stack-credit.ts).
     */
    stackCredit: text('stack_credit', { enum: ['components', 'fixed'] })
      .notNull()
      .default('components'),
    /**
     * For a stack: the result its credential carries: none, a pass, or the ECTS-weighted average
     * of the stacked credentials' results.
     */
    stackResult: text('stack_result', { enum: ['none', 'pass', 'weighted-average'] })
      .notNull()
      .default('none'),
    /**
     * How long a credential stays valid after it is issued, as an ISO 8601 duration of whole
     * years, months, weeks or days (`P2Y`); it becomes the credential's `validUntil`. Null with
     * `expiresOn` null: credentials never expire.
     */
    expiresAfter: text('expires_after'),
    /** The day (UTC) every credential expires at its end, instead of `expiresAfter`. */
    expiresOn: date('expires_on', { mode: 'string' }),
    /**
     * The achievement of another course this one was copied from (awards/copy-achievement.ts),
     * so that a stack copied later finds the copies of the achievements it stacks.
     */
    copiedFromId: uuid('copied_from_id').references((): AnyPgColumn => achievements.id, {
      onDelete: 'set null',
    }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('achievements_course_idx').on(table.courseId),
    index('achievements_copied_from_idx')
      .on(table.copiedFromId)
      .where(sql`copied_from_id is not null`),
    check(
      'achievements_published_rule_ck',
      sql`${table.publishedAt} is null or ${table.rule} is not null`,
    ),
    check(
      'achievements_one_expiry_ck',
      sql`${table.expiresAfter} is null or ${table.expiresOn} is null`,
    ),
  ],
);

/**
 * The LMS gradebook column (AGS line item) of each achievement of a course: the column of the
 * activity deep-linked for it (learned from a launch of that activity), or the one the tool found
 * or created through the line items service.
 */
export const achievementLineItems = pgTable(
  'achievement_line_items',
  {
    courseId: uuid('course_id')
      .notNull()
      .references(() => courses.id),
    achievementId: uuid('achievement_id')
      .notNull()
      .references(() => achievements.id),
    lineItemUrl: text('line_item_url').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.courseId, table.achievementId] })],
);

/**
 * Every version of an achievement as it was when credentials were issued from it: editing an
 * achievement that has credentials bumps `achievements.version` and keeps the old one here.
 */
export const achievementVersions = pgTable(
  'achievement_versions',
  {
    achievementId: uuid('achievement_id')
      .notNull()
      .references(() => achievements.id),
    version: integer('version').notNull(),
    /** The achievements row of that version, as JSON. */
    definition: jsonb('definition').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.achievementId, table.version] })],
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
    /** Awards section: registered learners earn the micro-credential form, self-study the badge. */
    form: text('form', { enum: ['micro-credential', 'badge'] })
      .notNull()
      .default('micro-credential'),
    /** Awards section: what met the rule (see awards/award-evidence.ts). */
    evidence: jsonb('evidence').$type<Record<string, unknown>>(),
    /** The learner's result for the achievement (0 to 1), as the credential states it; null: none. */
    scoreScaled: doublePrecision('score_scaled'),
    /** Awards section: set by revokeAward; stacks built on it are flagged, not revoked. */
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    /**
     * The learner's choice: whether the public page, JSON and images of the credential answer
     * anyone holding its unguessable link (the default), or only the learner (README, "Privacy").
     */
    isPublic: boolean('is_public').notNull().default(true),
    /** The credential's `validUntil`, from its achievement's expiry; null: it never expires. */
    validUntil: timestamp('valid_until', { withTimezone: true }),
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
 * The badges part's record of each credential it signed, keyed by the credential UUID (the
 * award id): the VC-JWT form beside the Data Integrity JSON, and the status list entry. It is
 * written when the credential is signed, before the award row, so it has no foreign key.
 */
export const credentialRecords = pgTable(
  'credential_records',
  {
    id: uuid('id').primaryKey(),
    issuerProfileId: text('issuer_profile_id')
      .notNull()
      .references(() => issuerProfiles.id),
    credential: jsonb('credential').$type<Record<string, unknown>>().notNull(),
    jwt: text('jwt').notNull(),
    statusListId: uuid('status_list_id')
      .notNull()
      .references(() => statusLists.id),
    statusIndex: integer('status_index').notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('credential_records_status_uq').on(table.statusListId, table.statusIndex),
  ],
);

/** Bitstring status lists (W3C Bitstring Status List v1.0), one sequence per issuer. */
export const statusLists = pgTable('status_lists', {
  id: uuid('id').primaryKey().defaultRandom(),
  issuerProfileId: text('issuer_profile_id')
    .notNull()
    .references(() => issuerProfiles.id),
  purpose: text('purpose', { enum: ['revocation'] })
    .notNull()
    .default('revocation'),
  /** Number of bits; indexes are handed out from 0 upwards. */
  size: integer('size').notNull(),
  nextIndex: integer('next_index').notNull().default(0),
  createdAt: createdAt(),
});

/** Every revoke and reinstate, with who asked and why. */
export const credentialStatusChanges = pgTable(
  'credential_status_changes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    credentialId: uuid('credential_id')
      .notNull()
      .references(() => credentialRecords.id),
    action: text('action', { enum: ['revoke', 'reinstate'] }).notNull(),
    reason: text('reason').notNull(),
    actor: text('actor'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('credential_status_changes_credential_idx').on(table.credentialId)],
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

// ---------------------------------------------------------------------------------------------
// xAPI documents, attachments and launch sessions (owned by src/xapi; see its store contracts)
// ---------------------------------------------------------------------------------------------

/**
 * State, activity profile and agent profile documents (xAPI Communication 2.3, 2.6, 2.7). Key
 * parts a kind does not use are '' (an agent profile has no activity), so one primary key
 * covers all three kinds. Content is kept as base64: documents may be any media type.
 */
export const xapiDocuments = pgTable(
  'xapi_documents',
  {
    kind: text('kind', { enum: ['state', 'activity_profile', 'agent_profile'] }).notNull(),
    activityId: text('activity_id').notNull(),
    /** The agent's inverse functional identifier in canonical JSON, or ''. */
    agentKey: text('agent_key').notNull(),
    /** The registration UUID, or ''. */
    registration: text('registration').notNull(),
    documentId: text('document_id').notNull(),
    contentType: text('content_type').notNull(),
    contentBase64: text('content_base64').notNull(),
    /** SHA-1 hex of the content, the ETag without quotes. */
    etag: text('etag').notNull(),
    updated: timestamp('updated', { withTimezone: true, precision: 3 }).notNull(),
  },
  (table) => [
    primaryKey({
      columns: [table.kind, table.activityId, table.agentKey, table.registration, table.documentId],
    }),
  ],
);

/** Attachment content received in multipart/mixed statement requests, by SHA-256 hex. */
export const xapiAttachments = pgTable('xapi_attachments', {
  sha2: text('sha2').primaryKey(),
  contentType: text('content_type').notNull(),
  contentBase64: text('content_base64').notNull(),
});

/**
 * cmi5-style launches of xAPI content for one learner: the one-time `fetch` code, and the
 * SHA-256 of the token it handed out, which is good for that actor and registration only.
 */
export const xapiLaunches = pgTable('xapi_launches', {
  fetchCode: text('fetch_code').primaryKey(),
  userId: uuid('user_id').references(() => users.id),
  actor: jsonb('actor').$type<Record<string, unknown>>().notNull(),
  registration: uuid('registration').notNull(),
  activityId: text('activity_id').notNull(),
  tokenKey: text('token_key').unique(),
  tokenHash: text('token_hash'),
  /** The cmi5 session this launch opened (null for a plain xAPI launch). */
  cmi5SessionId: uuid('cmi5_session_id'),
  fetchedAt: timestamp('fetched_at', { withTimezone: true }),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  createdAt: createdAt(),
});

// ---------------------------------------------------------------------------------------------
// Awards section (owned by src/awards): outcome state, rule index, group tags, flags, refusals.
// ---------------------------------------------------------------------------------------------

/**
 * A learner's outcome on one activity, per registration ('' for none) and statement source,
 * folded from their stored statements as they arrive: the first statement that passed or
 * completed it, and the best scaled score with its statement.
 */
export const outcomeStates = pgTable(
  'outcome_states',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    activityId: text('activity_id').notNull(),
    registration: text('registration').notNull().default(''),
    source: text('source', { enum: ['platform', 'content', 'tool'] }).notNull(),
    passedBy: uuid('passed_by'),
    completedBy: uuid('completed_by'),
    /** The first `satisfied` statement about it (cmi5 moveOn met for an AU, block or course). */
    satisfiedBy: uuid('satisfied_by'),
    bestScaled: doublePrecision('best_scaled'),
    bestScoreBy: uuid('best_score_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.userId, table.activityId, table.registration, table.source] }),
  ],
);

/**
 * The rule index: which achievements' rules look at which activity IRI or stacked achievement
 * id, so a new statement or credential re-evaluates only the rules listed for it.
 */
export const ruleReferences = pgTable(
  'rule_references',
  {
    achievementId: uuid('achievement_id')
      .notNull()
      .references(() => achievements.id, { onDelete: 'cascade' }),
    /** `recognised` (ref `*`): the rule counts credentials recognised from partners. */
    kind: text('kind', { enum: ['activity', 'achievement', 'recognised'] }).notNull(),
    ref: text('ref').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.achievementId, table.kind, table.ref] }),
    index('rule_references_ref_idx').on(table.kind, table.ref),
  ],
);

/** The rule and version each achievement's `rule_references` were computed from. */
export const indexedRules = pgTable('indexed_rules', {
  achievementId: uuid('achievement_id')
    .primaryKey()
    .references(() => achievements.id, { onDelete: 'cascade' }),
  version: integer('version').notNull(),
  rule: jsonb('rule').$type<unknown>().notNull(),
});

/**
 * The activities of a course as its teacher describes them: the xAPI activity IRI, its name
 * (with translations by language), the URL learners launch it at, and its group tags such as
 * {"pillar": "environmental"}, which `distinctGroupsAtLeast` rules count.
 */
export const courseActivities = pgTable(
  'course_activities',
  {
    courseId: uuid('course_id')
      .notNull()
      .references(() => courses.id),
    activityId: text('activity_id').notNull(),
    name: text('name'),
    /** The name in other languages, by language code: {"de": "Abschlusstest"}. */
    names: jsonb('names').$type<Record<string, string>>().notNull().default({}),
    /** An http(s) URL of the content; learners open it through the tool's content launch. */
    launchUrl: text('launch_url'),
    tags: jsonb('tags').$type<Record<string, string>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.courseId, table.activityId] }),
    index('course_activities_activity_idx').on(table.activityId),
  ],
);

/** Group tags of an achievement when stacked, e.g. {"pillar": "economic"}. */
export const achievementTags = pgTable('achievement_tags', {
  achievementId: uuid('achievement_id')
    .primaryKey()
    .references(() => achievements.id, { onDelete: 'cascade' }),
  tags: jsonb('tags').$type<Record<string, string>>().notNull(),
});

/** Something a teacher must look at on an award, e.g. a stacked component was revoked. */
export const awardFlags = pgTable(
  'award_flags',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    awardId: uuid('award_id')
      .notNull()
      .references(() => awards.id),
    kind: text('kind', { enum: ['component-revoked'] }).notNull(),
    componentAwardId: uuid('component_award_id').notNull(),
    message: text('message').notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('award_flags_award_component_uq').on(table.awardId, table.componentAwardId),
  ],
);

/** The key of a learner's state on one achievement version: user, achievement, version. */
function learnerAchievementVersion() {
  return {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    achievementId: uuid('achievement_id')
      .notNull()
      .references(() => achievements.id, { onDelete: 'cascade' }),
    achievementVersion: integer('achievement_version').notNull(),
  };
}

/** A rule whose conditions a learner met but that was still not awarded, with the reason. */
export const awardRefusals = pgTable(
  'award_refusals',
  {
    ...learnerAchievementVersion(),
    reason: text('reason').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.userId, table.achievementId, table.achievementVersion] }),
  ],
);

/**
 * Who is issuing the credential of a learner and achievement version right now: the first
 * evaluation to claim it signs, racing ones step aside, so no second credential is ever signed.
 * A claim older than the outbox lease is taken over (its evaluation crashed).
 */
export const awardClaims = pgTable(
  'award_claims',
  {
    ...learnerAchievementVersion(),
    awardId: uuid('award_id').notNull(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.userId, table.achievementId, table.achievementVersion] }),
  ],
);

/**
 * Hand-offs of one award's credential to a Learner Credential Wallet: the DCC "direct" deep
 * link (`lcw-direct`) or a VC-API exchange (`vc-api`). The wallet answers our challenge with a
 * DIDAuth presentation and receives the credential; an exchange completes once.
 */
export const walletExchanges = pgTable('wallet_exchanges', {
  id: uuid('id').primaryKey().defaultRandom(),
  awardId: uuid('award_id')
    .notNull()
    .references(() => awards.id),
  protocol: text('protocol', { enum: ['lcw-direct', 'vc-api'] }).notNull(),
  challenge: text('challenge').notNull(),
  /** The learner asked for the credential subject to be the wallet's DID. */
  bindToHolder: boolean('bind_to_holder').notNull().default(false),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  completedAt: timestamp('completed_at', { withTimezone: true }),
  holderDid: text('holder_did'),
  createdAt: createdAt(),
});

/**
 * OpenID4VCI credential offers with a pre-authorized code, one per offer of one award. Codes,
 * transaction codes and access tokens are stored as SHA-256 hashes only.
 */
export const credentialOffers = pgTable('credential_offers', {
  id: uuid('id').primaryKey().defaultRandom(),
  awardId: uuid('award_id')
    .notNull()
    .references(() => awards.id),
  preAuthorizedCodeHash: text('pre_authorized_code_hash').notNull().unique(),
  txCodeHash: text('tx_code_hash'),
  /** Wrong transaction codes tried; the offer is spent after a few. */
  txCodeFailures: integer('tx_code_failures').notNull().default(0),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  codeUsedAt: timestamp('code_used_at', { withTimezone: true }),
  accessTokenHash: text('access_token_hash').unique(),
  accessTokenExpiresAt: timestamp('access_token_expires_at', { withTimezone: true }),
  /** The credential configurations already delivered with this offer's access token. */
  issuedConfigurations: text('issued_configurations').array().notNull().default([]),
  holderDid: text('holder_did'),
  createdAt: createdAt(),
});

/** Nonces from the OpenID4VCI nonce endpoint: each accepted in one key proof, before it expires. */
export const credentialNonces = pgTable('credential_nonces', {
  nonce: text('nonce').primaryKey(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
});

// ---------------------------------------------------------------------------------------------
// External LRSs (owned by src/xapi/external): connections to forward statements to and pull
// statements from.
// ---------------------------------------------------------------------------------------------

/**
 * An external LRS connected to one platform, or to one course of it: statements about that
 * platform's (or course's) learners are forwarded to it, statements stored in it are pulled
 * into the tool's LRS, or both. The Basic secret is encrypted with the tool secret.
 */
export const externalLrsConnections = pgTable(
  'external_lrs_connections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    platformId: uuid('platform_id')
      .notNull()
      .references(() => platforms.id),
    /** Narrows forwarding to the learners enrolled in this course. */
    courseId: uuid('course_id').references(() => courses.id),
    /** The xAPI base URL, ending in a slash (statements are at `<endpoint>statements`). */
    endpoint: text('endpoint').notNull(),
    basicKey: text('basic_key').notNull(),
    /** The Basic secret, encrypted with the tool secret (see db/encryption.ts). */
    basicSecretEncrypted: text('basic_secret_encrypted').notNull(),
    direction: text('direction', { enum: ['forward', 'pull', 'both'] }).notNull(),
    /** The X-Experience-API-Version header sent to the external LRS. */
    xapiVersion: text('xapi_version', { enum: ['2.0.0', '1.0.3'] })
      .notNull()
      .default('2.0.0'),
    isActive: boolean('is_active').notNull().default(true),
    /** Pull cursor: the `stored` of the last statement pulled, as the external LRS wrote it. */
    pullSince: text('pull_since'),
    /** Pull cursor: the `more` IRL of the next page, while a listing is being followed. */
    pullMore: text('pull_more'),
    lastPulledAt: timestamp('last_pulled_at', { withTimezone: true }),
    lastPullError: text('last_pull_error'),
    lastForwardError: text('last_forward_error'),
    createdAt: createdAt(),
  },
  (table) => [index('external_lrs_connections_platform_idx').on(table.platformId)],
);

// ---------------------------------------------------------------------------------------------
// cmi5 (owned by src/xapi/cmi5): course structures (imported from cmi5.xml, or one AU a teacher
// defined by hand), and the LMS side of the runtime: registrations, sessions, AU results.
// ---------------------------------------------------------------------------------------------

/** A language map from cmi5.xml (`<langstring lang="de">`), by language code. */
export type Cmi5LangStrings = Record<string, string>;

export const CMI5_MOVE_ON = [
  'Passed',
  'Completed',
  'CompletedAndPassed',
  'CompletedOrPassed',
  'NotApplicable',
] as const;
export const CMI5_LAUNCH_METHODS = ['AnyWindow', 'OwnWindow'] as const;
export const CMI5_LAUNCH_MODES = ['Normal', 'Browse', 'Review'] as const;

/**
 * A cmi5 course (cmi5 section 13.1.1) placed in one tool course: from a package's cmi5.xml
 * (`source` 'package', `packageId` names the stored package) or one AU defined by hand
 * (`source` 'manual', with a course IRI the tool minted). The course IRI is the `id` of the
 * `<course>` element.
 */
export const cmi5Courses = pgTable(
  'cmi5_courses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    courseId: uuid('course_id')
      .notNull()
      .references(() => courses.id),
    courseIri: text('course_iri').notNull(),
    title: text('title').notNull(),
    titles: jsonb('titles').$type<Cmi5LangStrings>().notNull().default({}),
    description: text('description').notNull().default(''),
    descriptions: jsonb('descriptions').$type<Cmi5LangStrings>().notNull().default({}),
    source: text('source', { enum: ['package', 'manual'] }).notNull(),
    /** The stored package the course came from (the package import's own id), or null. */
    packageId: text('package_id'),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('cmi5_courses_course_iri_uq').on(table.courseId, table.courseIri)],
);

/** A `<block>` of a cmi5 course (section 13.1.2), nested under another block or the course. */
export const cmi5Blocks = pgTable(
  'cmi5_blocks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    cmi5CourseId: uuid('cmi5_course_id')
      .notNull()
      .references(() => cmi5Courses.id, { onDelete: 'cascade' }),
    blockIri: text('block_iri').notNull(),
    /** The enclosing block; null: directly under the course. */
    parentBlockId: uuid('parent_block_id'),
    title: text('title').notNull(),
    titles: jsonb('titles').$type<Cmi5LangStrings>().notNull().default({}),
    description: text('description').notNull().default(''),
    descriptions: jsonb('descriptions').$type<Cmi5LangStrings>().notNull().default({}),
    /** Document order in cmi5.xml among all blocks and AUs of the course. */
    position: integer('position').notNull(),
  },
  (table) => [uniqueIndex('cmi5_blocks_iri_uq').on(table.cmi5CourseId, table.blockIri)],
);

/**
 * An assignable unit (section 13.1.4): its IRI is the `activityId` of its launches and the
 * object of its cmi5 defined statements. `url` is absolute: a package's relative URL is
 * resolved against where the tool serves the package when it is imported.
 */
export const cmi5Aus = pgTable(
  'cmi5_aus',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    cmi5CourseId: uuid('cmi5_course_id')
      .notNull()
      .references(() => cmi5Courses.id, { onDelete: 'cascade' }),
    auIri: text('au_iri').notNull(),
    /** The enclosing block; null: directly under the course. */
    parentBlockId: uuid('parent_block_id'),
    title: text('title').notNull(),
    titles: jsonb('titles').$type<Cmi5LangStrings>().notNull().default({}),
    description: text('description').notNull().default(''),
    descriptions: jsonb('descriptions').$type<Cmi5LangStrings>().notNull().default({}),
    url: text('url').notNull(),
    moveOn: text('move_on', { enum: CMI5_MOVE_ON }).notNull().default('NotApplicable'),
    /** 0 to 1; null: none given. */
    masteryScore: doublePrecision('mastery_score'),
    launchMethod: text('launch_method', { enum: CMI5_LAUNCH_METHODS })
      .notNull()
      .default('AnyWindow'),
    launchParameters: text('launch_parameters'),
    entitlementKey: text('entitlement_key'),
    position: integer('position').notNull(),
  },
  (table) => [
    uniqueIndex('cmi5_aus_iri_uq').on(table.cmi5CourseId, table.auIri),
    index('cmi5_aus_iri_idx').on(table.auIri),
  ],
);

/** One registration per learner and cmi5 course (section 9.6.1): every launch reuses it. */
export const cmi5Registrations = pgTable(
  'cmi5_registrations',
  {
    registration: uuid('registration').primaryKey().defaultRandom(),
    cmi5CourseId: uuid('cmi5_course_id')
      .notNull()
      .references(() => cmi5Courses.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('cmi5_registrations_user_uq').on(table.cmi5CourseId, table.userId)],
);

/**
 * A cmi5 session (section 9.6.3.1): one launch of an AU in a registration, from `launched`
 * through `initialized` to `terminated` or, when left open, `abandoned` by the LMS.
 */
export const cmi5Sessions = pgTable(
  'cmi5_sessions',
  {
    sessionId: uuid('session_id').primaryKey(),
    registration: uuid('registration')
      .notNull()
      .references(() => cmi5Registrations.registration, { onDelete: 'cascade' }),
    auId: uuid('au_id')
      .notNull()
      .references(() => cmi5Aus.id, { onDelete: 'cascade' }),
    launchMode: text('launch_mode', { enum: CMI5_LAUNCH_MODES }).notNull(),
    launchedAt: timestamp('launched_at', { withTimezone: true, precision: 3 }).notNull(),
    /** When the AU read the learner preferences, which it must do before `initialized` (section 11). */
    preferencesReadAt: timestamp('preferences_read_at', { withTimezone: true, precision: 3 }),
    initializedAt: timestamp('initialized_at', { withTimezone: true, precision: 3 }),
    terminatedAt: timestamp('terminated_at', { withTimezone: true, precision: 3 }),
    abandonedAt: timestamp('abandoned_at', { withTimezone: true, precision: 3 }),
    /** The last statement the AU sent in this session, for the abandoned statement's duration. */
    lastActivityAt: timestamp('last_activity_at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (table) => [
    index('cmi5_sessions_registration_au_idx').on(table.registration, table.auId),
    index('cmi5_sessions_open_idx')
      .on(table.lastActivityAt)
      .where(sql`terminated_at is null and abandoned_at is null`),
  ],
);

/**
 * What a registration recorded for one AU (cmi5 section 9.3): each of completed, passed and
 * failed at most once per registration (sections 9.3.3 to 9.3.5), or the teacher's waiver
 * (9.3.8), and when the AU's moveOn was met (`satisfied`, 9.3.9).
 */
export const cmi5AuResults = pgTable(
  'cmi5_au_results',
  {
    registration: uuid('registration')
      .notNull()
      .references(() => cmi5Registrations.registration, { onDelete: 'cascade' }),
    auId: uuid('au_id')
      .notNull()
      .references(() => cmi5Aus.id, { onDelete: 'cascade' }),
    completedAt: timestamp('completed_at', { withTimezone: true, precision: 3 }),
    passedAt: timestamp('passed_at', { withTimezone: true, precision: 3 }),
    failedAt: timestamp('failed_at', { withTimezone: true, precision: 3 }),
    waivedAt: timestamp('waived_at', { withTimezone: true, precision: 3 }),
    /** cmi5 section 9.5.5.4: Tested Out, Equivalent AU, Equivalent Outside Activity, Administrative. */
    waivedReason: text('waived_reason'),
    waivedByUserId: uuid('waived_by_user_id').references(() => users.id),
    satisfiedAt: timestamp('satisfied_at', { withTimezone: true, precision: 3 }),
  },
  (table) => [primaryKey({ columns: [table.registration, table.auId] })],
);

/** Blocks and the course a registration satisfied (section 9.3.9), each once. */
export const cmi5Satisfactions = pgTable(
  'cmi5_satisfactions',
  {
    registration: uuid('registration')
      .notNull()
      .references(() => cmi5Registrations.registration, { onDelete: 'cascade' }),
    /** The block or course IRI. */
    activityIri: text('activity_iri').notNull(),
    satisfiedAt: timestamp('satisfied_at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.registration, table.activityIri] })],
);

/** Binary data: Buffer in, Buffer out (PGlite hands back a Uint8Array, pg a Buffer). */
const bytea = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value.buffer, value.byteOffset, value.byteLength),
});

/**
 * cmi5 packages a teacher imported into a course (cmi5 14): the course structure as read from
 * cmi5.xml (course, objectives, blocks and AUs with their moveOn, masteryScore, launchMethod
 * and url), and whether it came as a zip (its files are in `cmi5_package_files`) or as a bare
 * cmi5.xml whose AUs live elsewhere.
 */
export const cmi5Packages = pgTable(
  'cmi5_packages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    courseId: uuid('course_id')
      .notNull()
      .references(() => courses.id),
    /** The cmi5 course IRI (`<course id>`). */
    cmi5CourseId: text('cmi5_course_id').notNull(),
    structure: jsonb('structure').$type<unknown>().notNull(),
    hasFiles: boolean('has_files').notNull(),
    fileCount: integer('file_count').notNull().default(0),
    totalBytes: bigint('total_bytes', { mode: 'number' }).notNull().default(0),
    createdAt: createdAt(),
  },
  (table) => [index('cmi5_packages_course_idx').on(table.courseId)],
);

/**
 * The files of a zipped cmi5 package, served under `/content/cmi5/<package id>/<path>`. Kept in
 * the database rather than the data folder so that app nodes stay stateless and one backup
 * holds a course whole; packages are bounded (read-package.ts PACKAGE_LIMITS).
 */
export const cmi5PackageFiles = pgTable(
  'cmi5_package_files',
  {
    packageId: uuid('package_id')
      .notNull()
      .references(() => cmi5Packages.id, { onDelete: 'cascade' }),
    path: text('path').notNull(),
    body: bytea('body').notNull(),
  },
  (table) => [primaryKey({ columns: [table.packageId, table.path] })],
);

/**
 * H5P packages (.h5p) imported into a course: each is one activity, `<public url>/h5p/<id>`,
 * played by the tool's H5P player at `/content/h5p/<id>/player`. `mainLibrary` is the content
 * type that runs it (`H5P.TrueFalse 1.8`).
 */
export const h5pPackages = pgTable(
  'h5p_packages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    courseId: uuid('course_id')
      .notNull()
      .references(() => courses.id),
    title: text('title').notNull(),
    mainLibrary: text('main_library').notNull(),
    fileCount: integer('file_count').notNull(),
    totalBytes: bigint('total_bytes', { mode: 'number' }).notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('h5p_packages_course_idx').on(table.courseId)],
);

/**
 * The files of an H5P package (h5p.json, content/, the libraries), served under
 * `/content/h5p/<package id>/files/<path>`; bounded by read-h5p-package.ts H5P_PACKAGE_LIMITS.
 */
export const h5pPackageFiles = pgTable(
  'h5p_package_files',
  {
    packageId: uuid('package_id')
      .notNull()
      .references(() => h5pPackages.id, { onDelete: 'cascade' }),
    path: text('path').notNull(),
    body: bytea('body').notNull(),
  },
  (table) => [primaryKey({ columns: [table.packageId, table.path] })],
);

/**
 * Alliance recognition (docs/recognition.md): the issuers an awarding body trusts, whose
 * credentials learners may bring and its stacks may count. `issuerId` is the partner's issuer as
 * its credentials name it (a DID or an issuer profile URL). Empty recognised lists: every
 * achievement of the partner is recognised; otherwise a credential must match one achievement id
 * or one alignment (target URL or code). `maxEcts` caps what one recognised credential counts.
 */
export const partnerIssuers = pgTable(
  'partner_issuers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    issuerProfileId: text('issuer_profile_id')
      .notNull()
      .references(() => issuerProfiles.id),
    issuerId: text('issuer_id').notNull(),
    name: text('name').notNull(),
    /** ISO 3166-1 alpha-2. */
    countryCode: text('country_code'),
    /** Why the awarding body trusts the partner's quality assurance and assessment, in its words. */
    qualityAssurance: text('quality_assurance').notNull(),
    recognisedAchievementIds: text('recognised_achievement_ids').array().notNull().default([]),
    recognisedAlignments: text('recognised_alignments').array().notNull().default([]),
    maxEcts: doublePrecision('max_ects'),
    /** A removed partner stays for the credentials recognised while it was trusted. */
    removedAt: timestamp('removed_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('partner_issuers_body_issuer_uq').on(table.issuerProfileId, table.issuerId),
  ],
);

/**
 * Credentials learners brought from partner issuers, verified (signature, status, validity,
 * schema, issuer in the registry) and bound to the learner. One credential is recognised for one
 * learner only (`credentialId` is the credential's own `id`). `status`: recognised, or waiting for
 * a teacher's review when neither a holder's presentation nor the learner's LMS identity binds it.
 */
export const recognisedCredentials = pgTable(
  'recognised_credentials',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    partnerIssuerId: uuid('partner_issuer_id')
      .notNull()
      .references(() => partnerIssuers.id),
    /** The course the learner brought it in: its teachers review it when nothing else binds it. */
    courseId: uuid('course_id').references(() => courses.id),
    credentialId: text('credential_id').notNull(),
    /** The credential as received: the JSON-LD document, or the decoded `vc` of a VC-JWT. */
    credential: jsonb('credential').$type<Record<string, unknown>>().notNull(),
    /** The compact VC-JWT when it came as one. */
    jwt: text('jwt'),
    /** The partner's achievement (`credentialSubject.achievement.id`) and its name. */
    achievementId: text('achievement_id').notNull(),
    achievementName: text('achievement_name').notNull(),
    /** The achievement's alignment targets (target URLs and codes), for rules that match them. */
    alignments: text('alignments').array().notNull().default([]),
    /** The ECTS the credential states, and what it counts for here (capped by the partner). */
    statedEcts: doublePrecision('stated_ects'),
    countedEcts: doublePrecision('counted_ects'),
    validUntil: timestamp('valid_until', { withTimezone: true }),
    binding: text('binding', { enum: ['presentation', 'identity', 'teacher-review'] }).notNull(),
    status: text('status', { enum: ['recognised', 'awaiting-review'] }).notNull(),
    reviewedByUserId: uuid('reviewed_by_user_id').references(() => users.id),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('recognised_credentials_credential_uq').on(table.credentialId),
    index('recognised_credentials_user_idx').on(table.userId),
  ],
);

/**
 * VC-API exchanges in which a learner's wallet presents credentials for recognition: the
 * learner opens one on their recognitions page, the wallet answers its presentation request
 * once, with a presentation signed for `challenge` before `expiresAt`.
 */
export const presentationRequests = pgTable('presentation_requests', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id),
  courseId: uuid('course_id')
    .notNull()
    .references(() => courses.id),
  challenge: text('challenge').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  completedAt: timestamp('completed_at', { withTimezone: true }),
  holderDid: text('holder_did'),
  createdAt: createdAt(),
});

/**
 * Endorsements an awarding body issued (docs/endorsements.md): OB 3.0 EndorsementCredentials
 * for another issuer's achievement or profile. The signed document is the `credential_records`
 * row with the same id, so the awarding body's status list revokes it like a credential.
 * `subjectId` is the endorsed achievement's id URL or the endorsed issuer's id (DID or URL).
 */
export const issuedEndorsements = pgTable(
  'issued_endorsements',
  {
    id: uuid('id')
      .primaryKey()
      .references(() => credentialRecords.id),
    issuerProfileId: text('issuer_profile_id')
      .notNull()
      .references(() => issuerProfiles.id),
    subjectKind: text('subject_kind', { enum: ['achievement', 'profile'] }).notNull(),
    subjectId: text('subject_id').notNull(),
    subjectName: text('subject_name').notNull(),
    comment: text('comment').notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('issued_endorsements_body_idx').on(table.issuerProfileId)],
);

/**
 * EndorsementCredentials other issuers made for one of our awarding bodies (its profile, when
 * `achievementId` is null) or one of its achievements, verified when attached and embedded in
 * every credential issued after (`endorsement` of the Profile or the Achievement). A removed
 * endorsement stays for the record and is embedded no more.
 */
export const receivedEndorsements = pgTable(
  'received_endorsements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    issuerProfileId: text('issuer_profile_id')
      .notNull()
      .references(() => issuerProfiles.id),
    achievementId: uuid('achievement_id').references(() => achievements.id),
    /** The endorsement's own `id`. */
    credentialId: text('credential_id').notNull(),
    credential: jsonb('credential').$type<Record<string, unknown>>().notNull(),
    endorserId: text('endorser_id').notNull(),
    endorserName: text('endorser_name').notNull(),
    comment: text('comment'),
    validUntil: timestamp('valid_until', { withTimezone: true }),
    /** Who attached it: `admin` or `user:<id>` of a teacher. */
    attachedBy: text('attached_by').notNull(),
    removedAt: timestamp('removed_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('received_endorsements_credential_uq')
      .on(table.credentialId)
      .where(sql`removed_at is null`),
    index('received_endorsements_body_idx').on(table.issuerProfileId),
  ],
);

/**
 * Every error code microcred answers with, in one table: its HTTP status, where it is answered
 * (the surface) and what it means. A code never changes once shipped.
 *
 * Adding a code is one row here, then `npm run docs:errors` to regenerate docs/errors.md. The
 * `code` of a MicrocredError is typed {@link ErrorCode}, so a class whose code has no row does
 * not compile, and test/error-codes.test.ts names any other code in src/ that has no row.
 */

/**
 * Where a code is answered:
 * - `api`: the JSON API and the pages (`{ error: { code, message } }`, or the error page);
 * - `launch`: the LTI launch error page, which fits the LMS's iframe;
 * - `lrs`: the xAPI LRS under `/xapi/`, as JSON;
 * - `wallet`: the wallet exchanges (LCW, VC-API) under `/wallets/`, as JSON;
 * - `cli`: the `microcred` command and the server's start, as a message on stderr;
 * - `internal`: never shown; logged with a request id and answered as a 500 `INTERNAL_ERROR`.
 */
export type ErrorSurface = 'api' | 'launch' | 'lrs' | 'wallet' | 'cli' | 'internal';

export interface ErrorCodeEntry {
  readonly status: number;
  readonly surface: ErrorSurface;
  /** One sentence: what went wrong, for whoever reads the code. */
  readonly meaning: string;
  /** Set when ltijs names the failure: the code is `LTI_` followed by ltijs's reason. */
  readonly origin?: 'ltijs';
}

export const ERROR_CODES = {
  // Generic codes of src/errors.ts and the JSON error handler.
  MICROCRED_ERROR: {
    status: 500,
    surface: 'internal',
    meaning: 'A failure inside microcred that has no more specific code.',
  },
  INTERNAL_ERROR: {
    status: 500,
    surface: 'api',
    meaning:
      'Something failed on the server; the answer carries a request id that the log line also carries.',
  },
  BAD_REQUEST: {
    status: 400,
    surface: 'api',
    meaning: 'The request is malformed or a value in it is not acceptable.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    surface: 'api',
    meaning: 'The request body is larger than the endpoint accepts.',
  },
  UNAUTHORIZED: {
    status: 401,
    surface: 'api',
    meaning: 'The request carries no credentials, or credentials that are not valid.',
  },
  FORBIDDEN: {
    status: 403,
    surface: 'api',
    meaning: 'The caller is known but may not do this (for example a learner on a teacher page).',
  },
  NOT_FOUND: { status: 404, surface: 'api', meaning: 'Nothing the caller may see has this id.' },
  CONFLICT: {
    status: 409,
    surface: 'api',
    meaning: 'The request contradicts what is stored (for example a duplicate).',
  },
  PRECONDITION_FAILED: {
    status: 412,
    surface: 'api',
    meaning:
      'The change was based on a version of what it changes that is no longer the current one (If-Match); read it again and apply the change to that.',
  },
  EMBEDDED_DATABASE_IN_USE: {
    status: 409,
    surface: 'cli',
    meaning:
      'Another process (usually the running server) holds the embedded database in this data folder; a second process would write into a copy nobody reads.',
  },
  DATABASE_NOT_EMPTY: {
    status: 409,
    surface: 'cli',
    meaning:
      'A restore or a move to PostgreSQL was given a database that already holds data; it writes only into an empty one.',
  },
  BACKUP_FILE_INVALID: {
    status: 400,
    surface: 'cli',
    meaning:
      'The file given to restore is not a whole microcred backup (another file, or one cut short).',
  },
  BACKUP_MIGRATION_MISMATCH: {
    status: 409,
    surface: 'cli',
    meaning:
      'The backup was written at another database migration than this microcred has; restore it with the version that wrote it, then upgrade.',
  },
  SECRET_MISMATCH: {
    status: 403,
    surface: 'cli',
    meaning:
      'The secret set is not the one the stored private keys (or the backup) were sealed with; a backup, restore or move refuses before writing.',
  },
  SECRET_MISSING: {
    status: 400,
    surface: 'cli',
    meaning:
      'A restore or a move needs the secret that seals the private keys (MICROCRED_SECRET or the secret file of the data folder), and none is set.',
  },
  SESSION_REQUIRED: {
    status: 401,
    surface: 'api',
    meaning: 'The page needs the session that an LTI launch opens, and there is none or it ended.',
  },
  ADMIN_SESSION_REQUIRED: {
    status: 401,
    surface: 'api',
    meaning:
      'An admin page was posted to without the session that signing in with the admin token opens, or after it ended.',
  },
  CSRF_TOKEN_INVALID: {
    status: 403,
    surface: 'api',
    meaning:
      'A form was posted without the token of the session that rendered it, or with an old one.',
  },

  // Endorsements (badges/endorsements/): refusals of a received EndorsementCredential.
  ENDORSEMENT_UNREADABLE: {
    status: 400,
    surface: 'api',
    meaning: 'The file sent as an endorsement is not a JSON document.',
  },
  ENDORSEMENT_NOT_AN_ENDORSEMENT: {
    status: 422,
    surface: 'api',
    meaning:
      'The document is not an Open Badges 3.0 EndorsementCredential (its type says otherwise).',
  },
  ENDORSEMENT_SCHEMA_INVALID: {
    status: 422,
    surface: 'api',
    meaning:
      'The endorsement does not match the official OB 3.0 EndorsementCredential JSON Schema.',
  },
  ENDORSEMENT_CONTEXT_UNSUPPORTED: {
    status: 422,
    surface: 'api',
    meaning:
      'The endorsement uses JSON-LD contexts other than VC 2.0 and OB 3.0.3 (with its extensions), so it cannot be embedded in our credentials.',
  },
  ENDORSEMENT_OF_SOMETHING_ELSE: {
    status: 422,
    surface: 'api',
    meaning:
      'The endorsement endorses another achievement or issuer than the one it was attached to.',
  },
  ENDORSEMENT_NOT_YET_VALID: {
    status: 422,
    surface: 'api',
    meaning: 'The endorsement is valid only from a later date (validFrom).',
  },
  ENDORSEMENT_EXPIRED: {
    status: 422,
    surface: 'api',
    meaning: 'The endorsement has expired (validUntil).',
  },
  ENDORSEMENT_ISSUER_KEY_UNRESOLVED: {
    status: 422,
    surface: 'api',
    meaning:
      "The endorser's signing key could not be found: its did:web DID document could not be fetched or does not list the key.",
  },
  ENDORSEMENT_SIGNATURE_INVALID: {
    status: 422,
    surface: 'api',
    meaning:
      "The endorsement has no Data Integrity proof (eddsa-rdfc-2022), or its proof does not verify with the endorser's key: it was changed or not signed by its issuer.",
  },
  ENDORSEMENT_STATUS_UNCHECKABLE: {
    status: 422,
    surface: 'api',
    meaning:
      "The endorsement's status list could not be read or verified, or its status is of a kind the tool cannot check.",
  },
  ENDORSEMENT_REVOKED: {
    status: 422,
    surface: 'api',
    meaning: 'The endorser revoked the endorsement (its status list says so).',
  },
  ENDORSEMENT_ALREADY_ATTACHED: {
    status: 409,
    surface: 'api',
    meaning: 'This endorsement is attached already.',
  },

  // Credentials and their exports.
  CREDENTIAL_REVOKED: {
    status: 409,
    surface: 'api',
    meaning: 'The credential was revoked, so it is no longer handed to wallets or exported.',
  },
  CREDENTIAL_NOT_YOURS: {
    status: 403,
    surface: 'api',
    meaning: 'The credential belongs to another learner.',
  },
  ELM_EXPORT_UNAVAILABLE: {
    status: 409,
    surface: 'api',
    meaning: 'The ELM export of this credential cannot be made from what is stored.',
  },
  ELM_ISSUER_COUNTRY_MISSING: {
    status: 409,
    surface: 'api',
    meaning:
      'The ELM export needs the awarding body’s country, and its issuer profile names none the EU list knows.',
  },
  BADGE_IMAGE_INVALID: {
    status: 400,
    surface: 'api',
    meaning:
      'An uploaded or given badge image is not a PNG, JPEG or SVG within the limits the tool accepts.',
  },
  BADGE_SCHEMA_INVALID: {
    status: 500,
    surface: 'internal',
    meaning:
      'A credential the tool built does not validate against the official Open Badges 3.0 JSON Schema, so it is not issued.',
  },
  BADGE_DOCUMENT_NOT_BUNDLED: {
    status: 500,
    surface: 'internal',
    meaning:
      'Signing or verifying asked for a JSON-LD context or DID document the tool does not bundle; it never fetches one.',
  },
  ACHIEVEMENT_SUPERVISION_NOT_ALLOWED: {
    status: 400,
    surface: 'api',
    meaning:
      'The achievement declares a supervision and identity verification level that learners of its course’s platform cannot have (identity verification on an open self-study platform).',
  },
  COURSE_SETUP_INVALID: {
    status: 422,
    surface: 'api',
    meaning:
      'A course set-up file could not be imported into the course (a row the course refuses, such as a supervision level its platform cannot declare); nothing of it was stored.',
  },
  ACHIEVEMENT_PUBLISH_INVALID: {
    status: 400,
    surface: 'api',
    meaning:
      'An achievement was to be published without a rule, or a published one sent back to draft (publish: false).',
  },
  ACHIEVEMENT_COPY_STACKED_MISSING: {
    status: 409,
    surface: 'api',
    meaning:
      'A stack was to be copied to another course before the achievements it stacks were copied there; copy those first, so its rule points at the copies.',
  },
  ACHIEVEMENT_CHANGED: {
    status: 412,
    surface: 'api',
    meaning:
      'An achievement was changed (by another teacher, page or client) after the revision the change was based on: its If-Match, or the revision of the form it was saved from. Nothing was stored; read it again and apply the change to that.',
  },
  ACHIEVEMENT_EXPIRY_PASSED: {
    status: 400,
    surface: 'api',
    meaning:
      'An achievement was given a fixed expiry day that has already passed: every credential issued from it would be expired at once.',
  },
  AWARD_LEARNER_NOT_IN_COURSE: {
    status: 404,
    surface: 'api',
    meaning:
      'A teacher’s award named someone who is neither on the course’s LMS roster as a learner nor launched the tool as one.',
  },
  AWARD_ACHIEVEMENT_NOT_PUBLISHED: {
    status: 409,
    surface: 'api',
    meaning: 'A teacher tried to award a draft achievement by hand; publish it first.',
  },
  AWARD_STACK_COMPONENTS_MISSING: {
    status: 409,
    surface: 'api',
    meaning:
      'A teacher tried to award by hand a stack that carries the credits of its components to a learner who holds none of them with credits; award those first, or give the stack a fixed credit.',
  },
  AWARD_ALREADY_HELD: {
    status: 409,
    surface: 'api',
    meaning:
      'A teacher tried to award a learner an achievement they already hold (a revoked credential of the current version is reinstated instead).',
  },
  AWARD_RULE_INVALID: {
    status: 400,
    surface: 'api',
    meaning:
      'An achievement’s rule is not a valid rule tree (unknown operator, missing activity, bad number).',
  },
  AWARD_RULE_OPERATOR_UNKNOWN: {
    status: 500,
    surface: 'internal',
    meaning:
      'A stored rule reached evaluation with an operator no descriptor handles; it is never treated as not met.',
  },
  BADGE_SIGNATURE_SELF_CHECK_FAILED: {
    status: 500,
    surface: 'internal',
    meaning:
      "A Data Integrity proof the tool just made did not verify with the issuer's public key; the credential was not issued and nothing was stored.",
  },
  RECOGNITION_NOT_AN_OPEN_BADGE: {
    status: 422,
    surface: 'api',
    meaning:
      'A credential a learner brought is not an Open Badges 3.0 credential, or does not follow its schema.',
  },
  RECOGNITION_ISSUER_NOT_PARTNER: {
    status: 422,
    surface: 'api',
    meaning:
      "A credential a learner brought was issued by an issuer not in the registry of partners of the course's awarding body.",
  },
  RECOGNITION_PROOF_INVALID: {
    status: 422,
    surface: 'api',
    meaning:
      'A credential a learner brought was changed after signing, or is not signed by a key of its partner issuer.',
  },
  RECOGNITION_REVOKED: {
    status: 422,
    surface: 'api',
    meaning: 'A credential a learner brought was revoked by its issuer.',
  },
  RECOGNITION_EXPIRED: {
    status: 422,
    surface: 'api',
    meaning: 'A credential a learner brought has expired.',
  },
  RECOGNITION_NOT_YET_VALID: {
    status: 422,
    surface: 'api',
    meaning: 'A credential a learner brought is not valid yet.',
  },
  RECOGNITION_NOT_CHECKABLE: {
    status: 422,
    surface: 'api',
    meaning:
      "A credential a learner brought could not be checked to the end: the partner's keys or status list could not be read.",
  },
  RECOGNITION_ACHIEVEMENT_NOT_RECOGNISED: {
    status: 422,
    surface: 'api',
    meaning:
      "A credential a learner brought is for an achievement the partner's entry in the registry does not recognise.",
  },
  RECOGNITION_SUBJECT_MISMATCH: {
    status: 403,
    surface: 'api',
    meaning: 'A credential a learner brought was issued to another person.',
  },
  RECOGNITION_OF_ANOTHER_LEARNER: {
    status: 409,
    surface: 'api',
    meaning: 'A credential a learner brought is already recognised for another learner.',
  },
  VERIFY_BUSY: {
    status: 503,
    surface: 'api',
    meaning:
      'Every verification worker is busy and the queue is full; try again after the Retry-After seconds.',
  },
  VERIFY_TIMEOUT: {
    status: 504,
    surface: 'api',
    meaning:
      'A verification ran past its time budget; the verification report carries this error and verified false instead of the tool hanging.',
  },
  JOB_DEFERRED: {
    status: 503,
    surface: 'internal',
    meaning:
      'A job found another worker doing its part (such as issuing the same credential) and runs again shortly; never a failure.',
  },
  JOB_PAYLOAD_INVALID: {
    status: 500,
    surface: 'internal',
    meaning:
      "A stored job's payload does not pass its kind's schema; that job fails at once, logged, and the others run.",
  },
  OUTGOING_REQUEST_FAILED: {
    status: 502,
    surface: 'api',
    meaning:
      'A server the tool had to fetch from (an LMS, an LRS) did not answer, answered too slowly or too much, redirected, or is at an address the tool may not reach; the reason is in the debug log only.',
  },

  // LTI: registration, services and the launch checks microcred adds to ltijs.
  LTI_REGISTRATION_FAILED: {
    status: 400,
    surface: 'launch',
    meaning: 'LTI Dynamic Registration with the platform failed; the page says at which step.',
  },
  LTI_REGISTRATION_INVITATION_REQUIRED: {
    status: 401,
    surface: 'launch',
    meaning:
      "Dynamic registration was opened without an invitation; the tool's administrator creates one (microcred platform invite).",
  },
  LTI_REGISTRATION_INVITATION_UNKNOWN: {
    status: 403,
    surface: 'launch',
    meaning: 'The registration URL carries an invitation the tool does not know.',
  },
  LTI_REGISTRATION_INVITATION_USED: {
    status: 410,
    surface: 'launch',
    meaning:
      'The invitation was used by an earlier registration; each invitation registers one LMS.',
  },
  LTI_REGISTRATION_INVITATION_EXPIRED: {
    status: 410,
    surface: 'launch',
    meaning: 'The invitation expired before the registration was completed.',
  },
  LTI_REGISTRATION_INVITATION_WITHDRAWN: {
    status: 410,
    surface: 'launch',
    meaning: 'The administrator withdrew the invitation.',
  },
  LTI_REGISTRATION_PLATFORM_EXISTS: {
    status: 409,
    surface: 'launch',
    meaning:
      'A registration named an issuer and client id that are registered already; the existing registration is left as it is.',
  },
  LTI_ACCESS_TOKEN_REFUSED: {
    status: 500,
    surface: 'internal',
    meaning:
      'The LMS did not issue an access token for its services (AGS, NRPS): its token endpoint refused or could not be reached.',
  },
  LTI_SERVICES_PLATFORM_INACTIVE: {
    status: 500,
    surface: 'internal',
    meaning:
      'A service call (AGS, NRPS) was made for an LMS registration that is unknown or no longer active.',
  },
  AGS_PLATFORM_ERROR: {
    status: 500,
    surface: 'internal',
    meaning:
      'The LMS refused or failed a gradebook request (line items or scores); the grade job is retried from the outbox.',
  },
  LTI_PLATFORM_UNKNOWN: {
    status: 400,
    surface: 'launch',
    meaning:
      'A login or launch came from a platform (issuer and client id) that is not registered.',
  },
  LTI_PLATFORM_INACTIVE: {
    status: 401,
    surface: 'launch',
    meaning: 'The platform is registered but its registration is not active yet.',
  },
  LTI_LAUNCH_INVALID: {
    status: 401,
    surface: 'launch',
    meaning: 'The launch could not be verified, for a reason with no more specific code.',
  },
  LTI_ID_TOKEN_MISSING: {
    status: 401,
    surface: 'launch',
    meaning: 'The launch request carried no id_token.',
  },
  LTI_ID_TOKEN_MALFORMED: {
    status: 401,
    surface: 'launch',
    meaning: 'The launch carried an id_token that is not a JWT.',
  },
  LTI_STATE_MISSING: {
    status: 401,
    surface: 'launch',
    meaning: 'The launch carried no state, so it cannot be tied to a login microcred started.',
  },
  LTI_NONCE_NOT_ISSUED: {
    status: 401,
    surface: 'launch',
    meaning:
      'The id_token’s nonce was not issued by microcred with this state, or was used already.',
  },
  LTI_ALG_NOT_RS256: {
    status: 401,
    surface: 'launch',
    meaning: 'The id_token is not signed with RS256, as LTI 1.3 requires.',
  },
  LTI_KID_NOT_FOUND: {
    status: 401,
    surface: 'launch',
    meaning: 'The id_token’s header names no key id (kid).',
  },
  LTI_KEY_NOT_FOUND: {
    status: 401,
    surface: 'launch',
    meaning: 'The platform’s key set has no key with the id_token’s key id.',
  },
  LTI_KEYSET_UNAVAILABLE: {
    status: 502,
    surface: 'launch',
    meaning: 'The platform’s key set could not be fetched to check the id_token.',
  },
  LTI_IAT_MISSING: {
    status: 401,
    surface: 'launch',
    meaning: 'The id_token has no issued-at time (iat).',
  },
  LTI_IAT_IN_FUTURE: {
    status: 401,
    surface: 'launch',
    meaning: 'The id_token was issued further in the future than the allowed clock skew.',
  },
  LTI_DEPLOYMENT_MISSING: {
    status: 401,
    surface: 'launch',
    meaning: 'The id_token names no deployment id.',
  },
  LTI_DEPLOYMENT_UNKNOWN: {
    status: 403,
    surface: 'launch',
    meaning:
      'The id_token names a deployment that is not registered for the platform (401 when it disappears while the launch is recorded).',
  },
  LTI_DEPLOYMENT_INACTIVE: {
    status: 403,
    surface: 'launch',
    meaning:
      'The id_token names a deployment an administrator deactivated (other deployments of the platform still launch).',
  },
  LTI_CONTEXT_MISSING: {
    status: 401,
    surface: 'launch',
    meaning: 'The launch names no course (context claim), which microcred needs.',
  },
  LTI_DEEP_LINKING_TEACHERS_ONLY: {
    status: 401,
    surface: 'launch',
    meaning: 'A deep linking request came from someone who is not a teacher of the course.',
  },
  LTI_DEEP_LINKING_RETURN_MISSING: {
    status: 401,
    surface: 'launch',
    meaning: 'A deep linking request carried no return URL to send the chosen items to.',
  },
  NRPS_NOT_GRANTED: {
    status: 409,
    surface: 'api',
    meaning: 'The platform gave this course no membership service (no NRPS claim in its launches).',
  },
  NRPS_PLATFORM_ERROR: {
    status: 502,
    surface: 'api',
    meaning:
      'The platform’s membership service refused, failed or answered something that is not a roster.',
  },

  // Launch failures ltijs reports: the code is `LTI_` and ltijs's reason (describe-launch-error.ts).
  LTI_MISSING_VALIDATION_COOKIE: {
    status: 401,
    surface: 'launch',
    origin: 'ltijs',
    meaning:
      'The browser did not send back the cookie set when the launch began (often blocked in iframes).',
  },
  LTI_TOKEN_TOO_OLD: {
    status: 401,
    surface: 'launch',
    origin: 'ltijs',
    meaning: 'The id_token was issued too long ago, or the platform’s clock is off.',
  },
  LTI_NONCE_ALREADY_RECEIVED: {
    status: 401,
    surface: 'launch',
    origin: 'ltijs',
    meaning: 'The id_token’s nonce was received before: the launch was replayed.',
  },
  LTI_UNREGISTERED_PLATFORM: {
    status: 401,
    surface: 'launch',
    origin: 'ltijs',
    meaning: 'The id_token comes from a platform ltijs does not know.',
  },
  LTI_NO_LTIK_OR_IDTOKEN_FOUND: {
    status: 401,
    surface: 'launch',
    origin: 'ltijs',
    meaning: 'A tool page was opened without a launch (no ltik and no id_token).',
  },
  LTI_INVALID_SIGNATURE: {
    status: 401,
    surface: 'launch',
    origin: 'ltijs',
    meaning: 'The id_token’s signature does not verify with the platform’s key.',
  },
  LTI_JWT_EXPIRED: {
    status: 401,
    surface: 'launch',
    origin: 'ltijs',
    meaning: 'The id_token’s expiry (exp) has passed.',
  },
  LTI_ISS_CLAIM_DOES_NOT_MATCH: {
    status: 401,
    surface: 'launch',
    origin: 'ltijs',
    meaning: 'The id_token’s issuer is not the platform the login began with.',
  },
  LTI_AZP_DOES_NOT_MATCH_CLIENTID: {
    status: 401,
    surface: 'launch',
    origin: 'ltijs',
    meaning: 'The id_token’s authorized party (azp) is not microcred’s client id.',
  },
  LTI_NO_DEPLOYMENT_ID_CLAIM: {
    status: 401,
    surface: 'launch',
    origin: 'ltijs',
    meaning: 'The id_token has no deployment id claim.',
  },
  LTI_NO_LTI_VERSION_CLAIM: {
    status: 401,
    surface: 'launch',
    origin: 'ltijs',
    meaning: 'The id_token has no LTI version claim.',
  },
  LTI_WRONG_LTI_VERSION_CLAIM: {
    status: 401,
    surface: 'launch',
    origin: 'ltijs',
    meaning: 'The id_token’s LTI version is not 1.3.0.',
  },
  LTI_NO_MESSAGE_TYPE_CLAIM: {
    status: 401,
    surface: 'launch',
    origin: 'ltijs',
    meaning: 'The id_token has no message type claim.',
  },
  LTI_NO_RESOURCE_LINK_ID_CLAIM: {
    status: 401,
    surface: 'launch',
    origin: 'ltijs',
    meaning: 'A resource link launch names no resource link id.',
  },
  LTI_NO_ROLES_CLAIM: {
    status: 401,
    surface: 'launch',
    origin: 'ltijs',
    meaning: 'The id_token has no roles claim.',
  },
  LTI_NO_SUB_CLAIM: {
    status: 401,
    surface: 'launch',
    origin: 'ltijs',
    meaning: 'A launch names no user (sub claim).',
  },
  LTI_NO_TARGET_LINK_URI_CLAIM: {
    status: 401,
    surface: 'launch',
    origin: 'ltijs',
    meaning: 'The id_token has no target link URI claim.',
  },

  // The xAPI LRS and its external LRS connections.
  XAPI_CREDENTIALS_INVALID: {
    status: 401,
    surface: 'lrs',
    meaning: 'The LRS request carries no Basic credentials, or unknown, expired or revoked ones.',
  },
  XAPI_STATEMENT_INVALID: {
    status: 400,
    surface: 'lrs',
    meaning:
      'A statement breaks the xAPI specification or the credential’s scope; nothing of the batch is stored.',
  },
  XAPI_STATEMENT_CONFLICT: {
    status: 409,
    surface: 'lrs',
    meaning: 'A statement id is stored already with different content.',
  },
  XAPI_PRECONDITION_FAILED: {
    status: 412,
    surface: 'lrs',
    meaning: 'A document request’s If-Match or If-None-Match does not hold.',
  },
  XAPI_DOCUMENT_CONFLICT: {
    status: 409,
    surface: 'lrs',
    meaning:
      'A PUT would overwrite a document the client did not say it knows (no If-Match or If-None-Match).',
  },
  XAPI_CMI5_STATEMENT_REJECTED: {
    status: 403,
    surface: 'lrs',
    meaning:
      'A cmi5 AU sent a statement that breaks the cmi5 statement rules (order, result, category, mastery score, a second passed or completed), so the batch is refused.',
  },
  XAPI_CMI5_SESSION_CLOSED: {
    status: 403,
    surface: 'lrs',
    meaning: 'A cmi5 AU sent a statement after its session was terminated or abandoned.',
  },
  XAPI_LAUNCH_FETCH_INVALID: {
    status: 400,
    surface: 'lrs',
    meaning:
      'A cmi5 fetch URL was used already or has expired, so it gives no token; the fetch URL says so with HTTP status 200, `error-code` 1 and `error-text`, as cmi5 sections 8.2.2 and 8.2.3 require.',
  },
  XAPI_ACTIVITY_OUT_OF_SCOPE: {
    status: 403,
    surface: 'lrs',
    meaning:
      'A content launch token wrote about an activity other than the one it was launched for (or one under its IRI); nothing of the request was stored.',
  },
  XAPI_LAUNCH_FORBIDDEN: {
    status: 403,
    surface: 'lrs',
    meaning:
      'A content launch token tried what content may not do: write about another learner or registration, void, or read statements.',
  },
  CMI5_PACKAGE_INVALID: {
    status: 422,
    surface: 'api',
    meaning:
      'An uploaded cmi5 package breaks the cmi5 specification or the tool’s limits (unsafe paths, size, file count, zip bomb); the answer lists each problem with its reason, and nothing is imported.',
  },
  H5P_PACKAGE_INVALID: {
    status: 422,
    surface: 'api',
    meaning:
      'An uploaded H5P package (.h5p) lacks h5p.json, content/content.json or a library it needs, holds a file type H5P does not allow, or breaks the tool’s limits (unsafe paths, size, file count, zip bomb); the answer lists each problem, and nothing is imported.',
  },
  H5P_CONTENT_URL_MISSING: {
    status: 503,
    surface: 'api',
    meaning:
      'An H5P package was uploaded but the tool has no content host name (MICROCRED_CONTENT_URL) to play H5P content on, apart from its own origin; nothing is imported.',
  },
  XAPI_EXTERNAL_LRS_REQUEST_FAILED: {
    status: 500,
    surface: 'internal',
    meaning:
      'An external LRS answered with an error or could not be reached; the outbox retries and the connection page shows it.',
  },

  // Wallet exchanges (LCW, VC-API).
  WALLET_PRESENTATION_INVALID: {
    status: 400,
    surface: 'wallet',
    meaning: 'The wallet’s message is not the JSON this step of the exchange expects.',
  },
  WALLET_DID_AUTH_FAILED: {
    status: 401,
    surface: 'wallet',
    meaning:
      'The wallet did not prove control of its DID for this exchange’s challenge and domain.',
  },
  WALLET_EXCHANGE_UNKNOWN: {
    status: 404,
    surface: 'wallet',
    meaning: 'No exchange of this kind has this id.',
  },
  WALLET_EXCHANGE_USED: {
    status: 409,
    surface: 'wallet',
    meaning: 'The exchange handed its credential out already: each link works once.',
  },
  WALLET_EXCHANGE_EXPIRED: {
    status: 410,
    surface: 'wallet',
    meaning: 'The exchange outlived its life; the learner opens a new one.',
  },
} as const satisfies Record<string, ErrorCodeEntry>;

/** A code with a row in {@link ERROR_CODES}; MicrocredError codes must be one. */
export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * The codes of the OpenID4VCI endpoints, as the protocols define them (RFC 6749 §5.2 at the
 * token endpoint, RFC 6750 §3.1 for the access token, OpenID4VCI 1.0 §8.3.1.2 at the credential
 * endpoint), answered as `{ error, error_description }`. They are the protocols', not ours.
 */
export const PROTOCOL_ERROR_CODES = {
  invalid_request: {
    status: 400,
    protocol: 'RFC 6749 §5.2',
    meaning: 'The request is missing a parameter, repeats one or is otherwise malformed.',
  },
  invalid_grant: {
    status: 400,
    protocol: 'RFC 6749 §5.2',
    meaning: 'The pre-authorized code or transaction code is wrong, used or expired.',
  },
  unsupported_grant_type: {
    status: 400,
    protocol: 'RFC 6749 §5.2',
    meaning: 'The token endpoint only takes the pre-authorized code grant.',
  },
  invalid_token: {
    status: 401,
    protocol: 'RFC 6750 §3.1',
    meaning: 'The access token is missing, unknown or expired.',
  },
  invalid_credential_request: {
    status: 400,
    protocol: 'OpenID4VCI 1.0 §8.3.1.2',
    meaning: 'The credential request is malformed.',
  },
  unknown_credential_configuration: {
    status: 400,
    protocol: 'OpenID4VCI 1.0 §8.3.1.2',
    meaning: 'The credential request names a configuration the issuer does not offer.',
  },
  invalid_proof: {
    status: 400,
    protocol: 'OpenID4VCI 1.0 §8.3.1.2',
    meaning: 'The key proof is missing or does not verify.',
  },
  invalid_nonce: {
    status: 400,
    protocol: 'OpenID4VCI 1.0 §8.3.1.2',
    meaning: 'The key proof carries no nonce or one the issuer did not give or that expired.',
  },
  invalid_encryption_parameters: {
    status: 400,
    protocol: 'OpenID4VCI 1.0 §8.3.1.2',
    meaning: 'The request asks for response encryption the issuer does not support.',
  },
  credential_request_denied: {
    status: 400,
    protocol: 'OpenID4VCI 1.0 §8.3.1.2',
    meaning: 'The credential is not issued to this wallet (for example it was revoked).',
  },
} as const satisfies Record<string, { status: number; protocol: string; meaning: string }>;

export type ProtocolErrorCode = keyof typeof PROTOCOL_ERROR_CODES;

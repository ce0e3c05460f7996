import type { ErrorCode } from './error-codes.js';

/**
 * Errors with stable codes. A code never changes once shipped, and has a row in
 * src/error-codes.ts (its type says so). `expose` errors carry a message a person can act on
 * and keep their status; anything else becomes a plain 500 with a request id.
 */
export class MicrocredError extends Error {
  readonly code: ErrorCode = 'MICROCRED_ERROR';
  readonly status: number = 500;
  readonly expose: boolean = false;
}

abstract class ExposedError extends MicrocredError {
  override readonly expose = true;
}

export class BadRequestError extends ExposedError {
  override readonly code: ErrorCode = 'BAD_REQUEST';
  override readonly status: number = 400;
}

export class NotFoundError extends ExposedError {
  override readonly code: ErrorCode = 'NOT_FOUND';
  override readonly status: number = 404;
}

export class UnauthorizedError extends ExposedError {
  override readonly code: ErrorCode = 'UNAUTHORIZED';
  override readonly status: number = 401;
}

export class ForbiddenError extends ExposedError {
  override readonly code: ErrorCode = 'FORBIDDEN';
  override readonly status: number = 403;
}

export class ConflictError extends ExposedError {
  override readonly code: ErrorCode = 'CONFLICT';
  override readonly status: number = 409;
}

/** Another process holds the embedded database of this data folder. */
/** The change was based on a version of the resource that is no longer the current one. */
export class PreconditionFailedError extends ExposedError {
  override readonly code: ErrorCode = 'PRECONDITION_FAILED';
  override readonly status: number = 412;
}

export class EmbeddedDatabaseInUseError extends ConflictError {
  override readonly code = 'EMBEDDED_DATABASE_IN_USE';
}

/** The credential was revoked: it is no longer handed to wallets or exported. */
export class CredentialRevokedError extends ConflictError {
  override readonly code = 'CREDENTIAL_REVOKED';
}

/** The credential belongs to another learner. */
export class CredentialNotYoursError extends ForbiddenError {
  override readonly code = 'CREDENTIAL_NOT_YOURS';
}

export class XapiStatementInvalidError extends BadRequestError {
  override readonly code = 'XAPI_STATEMENT_INVALID';
}

export class XapiStatementConflictError extends ConflictError {
  override readonly code = 'XAPI_STATEMENT_CONFLICT';
}

/** Why Basic credentials were refused: for the log and the administrator, never the client. */
export type XapiAuthRefusal =
  | { readonly reason: 'header-missing' }
  | { readonly reason: 'key-unknown'; readonly key: string }
  | {
      readonly reason: 'secret-wrong' | 'revoked';
      readonly key: string;
      readonly credentialName: string;
    };

export class XapiAuthError extends UnauthorizedError {
  override readonly code = 'XAPI_CREDENTIALS_INVALID';

  constructor(
    message: string,
    /** Absent for launch tokens. */
    readonly refusal?: XapiAuthRefusal,
  ) {
    super(message);
  }
}

/** A content launch token used for an activity outside its own (xapi/launch-scope.ts). */
export class XapiActivityOutOfScopeError extends ForbiddenError {
  override readonly code = 'XAPI_ACTIVITY_OUT_OF_SCOPE';
}

/**
 * A content launch token used for what content may never do: another learner or registration,
 * voiding, reading statements, writing shared documents (xapi/launch-scope.ts).
 */
export class XapiLaunchForbiddenError extends ForbiddenError {
  override readonly code = 'XAPI_LAUNCH_FORBIDDEN';
}

/** A statement a cmi5 AU sent that breaks cmi5's statement rules (xapi/cmi5/check-session-statements.ts). */
export class XapiCmi5StatementRejectedError extends ForbiddenError {
  override readonly code = 'XAPI_CMI5_STATEMENT_REJECTED';
}

/** A statement sent in a cmi5 session that is terminated or abandoned. */
export class XapiCmi5SessionClosedError extends ForbiddenError {
  override readonly code = 'XAPI_CMI5_SESSION_CLOSED';
}

export class LtiLaunchError extends UnauthorizedError {
  override readonly code: ErrorCode = 'LTI_LAUNCH_INVALID';
}

export class LtiContextMissingError extends LtiLaunchError {
  override readonly code = 'LTI_CONTEXT_MISSING';
}

export class LtiDeepLinkingTeachersOnlyError extends LtiLaunchError {
  override readonly code = 'LTI_DEEP_LINKING_TEACHERS_ONLY';
}

export class LtiDeepLinkingReturnMissingError extends LtiLaunchError {
  override readonly code = 'LTI_DEEP_LINKING_RETURN_MISSING';
}

export class LtiPlatformUnknownError extends BadRequestError {
  override readonly code = 'LTI_PLATFORM_UNKNOWN';
}

/**
 * A dynamic registration without a usable invitation (LTI Dynamic Registration needs an
 * administrator's invitation here): missing, unknown, used, expired or withdrawn.
 */
export class LtiRegistrationInvitationError extends MicrocredError {
  override readonly expose = true;
  constructor(
    override readonly code:
      | 'LTI_REGISTRATION_INVITATION_REQUIRED'
      | 'LTI_REGISTRATION_INVITATION_UNKNOWN'
      | 'LTI_REGISTRATION_INVITATION_USED'
      | 'LTI_REGISTRATION_INVITATION_EXPIRED'
      | 'LTI_REGISTRATION_INVITATION_WITHDRAWN',
    message: string,
    override readonly status: number = 403,
  ) {
    super(message);
  }
}

/** A registration named an issuer and client id registered already. */
export class LtiPlatformExistsError extends ConflictError {
  override readonly code = 'LTI_REGISTRATION_PLATFORM_EXISTS';
}

export class LtiDeploymentUnknownError extends LtiLaunchError {
  override readonly code = 'LTI_DEPLOYMENT_UNKNOWN';
}

export class SessionRequiredError extends UnauthorizedError {
  override readonly code = 'SESSION_REQUIRED';
}

export class BadgeSchemaInvalidError extends MicrocredError {
  override readonly code = 'BADGE_SCHEMA_INVALID';
}

export class DocumentNotBundledError extends MicrocredError {
  override readonly code = 'BADGE_DOCUMENT_NOT_BUNDLED';
}

/** The declared supervision level is not open to the learners of the course's platform. */
export class AchievementSupervisionNotAllowedError extends BadRequestError {
  override readonly code = 'ACHIEVEMENT_SUPERVISION_NOT_ALLOWED';
}

export class AwardRuleInvalidError extends BadRequestError {
  override readonly code = 'AWARD_RULE_INVALID';
}

/**
 * A rule node that no operator in awards/rules/rule-operators.ts handles reached evaluation:
 * the rule bypassed parseRule. Never treated as "not met".
 */
export class AwardRuleOperatorUnknownError extends MicrocredError {
  override readonly code = 'AWARD_RULE_OPERATOR_UNKNOWN';
}

/**
 * A Data Integrity proof the tool just made did not verify with the issuer's public key: the
 * credential is not issued (and nothing is stored), rather than handed out unverifiable.
 */
export class BadgeSignatureSelfCheckError extends MicrocredError {
  override readonly code = 'BADGE_SIGNATURE_SELF_CHECK_FAILED';
}

/** Every verification worker is busy and the queue is full: try again after `retryAfterSeconds`. */
export class VerifierBusyError extends MicrocredError {
  override readonly code = 'VERIFY_BUSY';
  override readonly status = 503;
  override readonly expose = true;

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/**
 * A credential a learner brought from a partner issuer was not recognised (src/recognition/):
 * each reason has its own code and a message in plain words the learner can act on. Nothing is
 * stored for a refused credential.
 */
abstract class RecognitionRefusedError extends ExposedError {
  override readonly status: number = 422;
}

/** Whether `error` is one of the refusals of a brought credential below. */
export function isRecognitionRefusal(error: unknown): error is MicrocredError {
  return error instanceof RecognitionRefusedError;
}

export class RecognitionNotOpenBadgeError extends RecognitionRefusedError {
  override readonly code = 'RECOGNITION_NOT_AN_OPEN_BADGE';
}

export class RecognitionIssuerNotPartnerError extends RecognitionRefusedError {
  override readonly code = 'RECOGNITION_ISSUER_NOT_PARTNER';
}

export class RecognitionTamperedError extends RecognitionRefusedError {
  override readonly code = 'RECOGNITION_PROOF_INVALID';
}

export class RecognitionRevokedError extends RecognitionRefusedError {
  override readonly code = 'RECOGNITION_REVOKED';
}

export class RecognitionExpiredError extends RecognitionRefusedError {
  override readonly code = 'RECOGNITION_EXPIRED';
}

export class RecognitionNotYetValidError extends RecognitionRefusedError {
  override readonly code = 'RECOGNITION_NOT_YET_VALID';
}

export class RecognitionNotCheckableError extends RecognitionRefusedError {
  override readonly code = 'RECOGNITION_NOT_CHECKABLE';
}

export class RecognitionAchievementNotRecognisedError extends RecognitionRefusedError {
  override readonly code = 'RECOGNITION_ACHIEVEMENT_NOT_RECOGNISED';
}

export class RecognitionSubjectMismatchError extends RecognitionRefusedError {
  override readonly code = 'RECOGNITION_SUBJECT_MISMATCH';
  override readonly status = 403;
}

export class RecognitionOfAnotherLearnerError extends RecognitionRefusedError {
  override readonly code = 'RECOGNITION_OF_ANOTHER_LEARNER';
  override readonly status = 409;
}

/** Why a received endorsement was refused; each is its own error code (src/error-codes.ts). */
export type EndorsementRefusal =
  | 'ENDORSEMENT_UNREADABLE'
  | 'ENDORSEMENT_NOT_AN_ENDORSEMENT'
  | 'ENDORSEMENT_SCHEMA_INVALID'
  | 'ENDORSEMENT_CONTEXT_UNSUPPORTED'
  | 'ENDORSEMENT_OF_SOMETHING_ELSE'
  | 'ENDORSEMENT_NOT_YET_VALID'
  | 'ENDORSEMENT_EXPIRED'
  | 'ENDORSEMENT_ISSUER_KEY_UNRESOLVED'
  | 'ENDORSEMENT_SIGNATURE_INVALID'
  | 'ENDORSEMENT_STATUS_UNCHECKABLE'
  | 'ENDORSEMENT_REVOKED'
  | 'ENDORSEMENT_ALREADY_ATTACHED';

/**
 * A received EndorsementCredential was not attached: the code says why, the message says it in
 * plain words with what to do. Nothing is stored.
 */
export class EndorsementRefusedError extends ExposedError {
  override readonly code: EndorsementRefusal;
  override readonly status: number;

  constructor(code: EndorsementRefusal, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.status =
      code === 'ENDORSEMENT_UNREADABLE' ? 400 : code === 'ENDORSEMENT_ALREADY_ATTACHED' ? 409 : 422;
  }
}

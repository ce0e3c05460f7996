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

export class XapiAuthError extends UnauthorizedError {
  override readonly code = 'XAPI_CREDENTIALS_INVALID';
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

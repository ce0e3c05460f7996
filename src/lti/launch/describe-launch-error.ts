import { MicrocredError } from '../../errors.js';

export interface LaunchErrorPage {
  status: number;
  code: string;
  message: string;
  /** Where to restart the launch in a new window, when the frame's cookies were blocked. */
  newWindowUrl?: string;
  /** The code's translated text says all the message says: the English details are left out. */
  isMessageTranslated?: boolean;
}

/** ltijs reports failures as `{ status, details: { message: CODE } }`; make them readable. */
export function describeLaunchError(error: unknown): LaunchErrorPage {
  if (error instanceof MicrocredError && error.expose) {
    return { status: error.status, code: error.code, message: error.message };
  }
  const reason = (error as { details?: { message?: string } } | undefined)?.details?.message ?? '';
  // ltijs gives codes (TOKEN_TOO_OLD) or jsonwebtoken's words (jwt expired); make both codes.
  const words = reason
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
  const code = words ? `LTI_${words.slice(0, 60)}` : 'LTI_LAUNCH_INVALID';
  return { status: 401, code, message: LAUNCH_ERROR_MESSAGES[reason] ?? DEFAULT_LAUNCH_MESSAGE };
}

const DEFAULT_LAUNCH_MESSAGE =
  'The launch from your LMS could not be verified. Go back to your course and open the activity again; if it keeps failing, tell your LMS administrator.';

const LAUNCH_ERROR_MESSAGES: Record<string, string> = {
  MISSING_VALIDATION_COOKIE:
    'Your browser did not send back the cookie set when the launch began (it may block cookies in embedded pages). Open the activity in a new window, or allow cookies for this tool.',
  TOKEN_TOO_OLD:
    'The launch took too long to arrive or your LMS clock is off. Go back to your course and open the activity again.',
  NONCE_ALREADY_RECEIVED:
    'This launch was already used. Go back to your course and open the activity again.',
  UNREGISTERED_PLATFORM:
    'This LMS is not registered with microcred. Ask your LMS administrator to register it.',
  NO_LTIK_OR_IDTOKEN_FOUND:
    'This page must be opened from your LMS course. Go back to your course and open the activity there.',
};

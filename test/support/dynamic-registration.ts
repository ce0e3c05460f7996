/**
 * LTI Dynamic Registration as an LMS administrator runs it against the tool: an invitation
 * from the tool's administrator (admin API), the registration URL opened the way an LMS opens
 * it (its own query kept, `openid_configuration` and `registration_token` added, as Moodle's
 * moodle_url and URLSearchParams do), and the administrator's go.
 */
import type { CreatedInvitation } from '../../src/lti/registration-invitations.js';
import type { Browser, BrowserResponse } from './http-client.js';

export const ADMIN_TOKEN = 'admin-token-for-tests-0123456789abcdef';

/** Asks the tool's admin API for an invitation; throws unless it answers 201. */
export async function inviteLms(
  toolUrl: string,
  request: { awardingBody: string; trustLevel: string; expiresInSeconds?: number },
): Promise<CreatedInvitation> {
  const response = await fetch(`${toolUrl}/api/admin/registration-invitations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  if (response.status !== 201) throw new Error(`invitation refused: ${await response.text()}`);
  return ((await response.json()) as { invitation: CreatedInvitation }).invitation;
}

/** The URL an LMS opens: `registrationUrl` with the LMS's two parameters added. */
export function registrationUrlFromLms(
  registrationUrl: string,
  lms: { openIdConfigurationUrl: string; registrationToken: string },
): string {
  const url = new URL(registrationUrl);
  url.searchParams.set('openid_configuration', lms.openIdConfigurationUrl);
  url.searchParams.set('registration_token', lms.registrationToken);
  return url.href;
}

/** Opens the registration page in `browser`, coming from the LMS page `referer`. */
export function openRegistration(
  browser: Browser,
  registrationUrl: string,
  lms: { openIdConfigurationUrl: string; registrationToken: string },
  referer: string | null,
): Promise<BrowserResponse> {
  return browser.request(registrationUrlFromLms(registrationUrl, lms), {
    headers: referer ? { referer } : {},
  });
}

/** The pending registration id in the registration page's form ('' when there is none). */
export function registrationIdIn(html: string): string {
  return /name="registration" value="([^"]+)"/.exec(html)?.[1] ?? '';
}

/** The administrator presses Register on the page of `registrationId`. */
export function confirmRegistration(
  browser: Browser,
  toolUrl: string,
  registrationId: string,
): Promise<BrowserResponse> {
  return browser.request(`${toolUrl}/lti/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ registration: registrationId }).toString(),
  });
}

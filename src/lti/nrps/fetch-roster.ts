import { MicrocredError } from '../../errors.js';
import {
  PlatformInactiveError,
  PlatformTokenError,
  type PlatformServices,
} from '../platform-services.js';
import { nextLink } from './next-link.js';

/** The OAuth scope of Names and Role Provisioning Services 2.0 (section 3.6.2). */
export const NRPS_SCOPE =
  'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly';

const MEMBERSHIP_CONTAINER = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json';

/** A member of the course as the membership service lists it (NRPS 2.0 section 2.2). */
export interface RosterMember {
  /** The member's `user_id`: the `sub` of their launches. */
  readonly userId: string;
  readonly name: string | null;
  readonly email: string | null;
  /** The LMS username, where the platform lists it (Moodle's `ext_user_username`). */
  readonly username: string | null;
  /** Role URIs, as the platform gave them. */
  readonly roles: readonly string[];
  /** `Active` or `Inactive` (section 2.2: `Active` when the platform leaves it out). */
  readonly status: string;
}

export interface FetchRosterOptions {
  /** The platform and the tool's client id on it, which the access token is asked for. */
  readonly platformIssuer: string;
  readonly clientId: string;
  /** The `context_memberships_url` of the course's NRPS claim. */
  readonly membershipsUrl: string;
}

/** Roster pages can be long: a few thousand members with names and emails. */
const MAX_PAGE_BYTES = 8 * 1024 * 1024;

/** The platform refused, failed or answered something that is not a membership container. */
export class NrpsPlatformError extends MicrocredError {
  override readonly code = 'NRPS_PLATFORM_ERROR';
  override readonly status = 502;
  override readonly expose = true;
}

/** Guards against a platform whose `next` links never end. */
const MAX_PAGES = 1000;
const PAGE_TIMEOUT_MS = 15_000;

/**
 * Fetches the whole roster of a course from the platform's membership service (NRPS 2.0):
 * every page, following `Link: rel="next"` (section 2.4.2), in the platform's order, each user
 * once (the first listing wins when the roster shifts between pages). `services` supplies the
 * access token (LTI Security Framework 1.0 section 4.1, client credentials with a signed
 * assertion); the pages are fetched here rather than through ltijs's
 * `NamesAndRoles.getMembers` because that one sends the bearer token to wherever a `next` link
 * points, follows links without end when asked for every page, cannot resolve relative links
 * and has no timeout. Here `next` links must stay on the origin of the membership service,
 * and pages are fetched through `services.outgoingFetch` (address checks, no redirects, size
 * limit).
 *
 * Throws NrpsPlatformError when the platform is unknown or inactive, refuses the token or a
 * page, does not answer in time, or answers something that is not a membership container.
 */
export async function fetchRoster(
  services: PlatformServices,
  options: FetchRosterOptions,
): Promise<RosterMember[]> {
  const origin = new URL(options.membershipsUrl).origin;
  const authorization = await accessToken(services, options);

  const members = new Map<string, RosterMember>();
  const visited = new Set<string>();
  let url: string | null = options.membershipsUrl;
  while (url) {
    if (visited.size >= MAX_PAGES || visited.has(url)) {
      throw new NrpsPlatformError(
        `The LMS keeps sending more roster pages (more than ${visited.size}, or a page twice); microcred stopped reading them.`,
      );
    }
    visited.add(url);
    const response = await fetchPage(services, url, authorization);
    for (const member of readMembers(await response.json().catch(() => null))) {
      if (!members.has(member.userId)) members.set(member.userId, member);
    }
    url = nextLink(response.headers.get('link'), url);
    if (url && new URL(url).origin !== origin) {
      throw new NrpsPlatformError(
        `The LMS pointed the next roster page to another site (${new URL(url).origin}); microcred does not send its access token there.`,
      );
    }
  }
  return [...members.values()];
}

async function accessToken(
  services: PlatformServices,
  options: FetchRosterOptions,
): Promise<string> {
  try {
    return await services.authorization(options, [NRPS_SCOPE]);
  } catch (error) {
    if (error instanceof PlatformInactiveError) {
      throw new NrpsPlatformError(
        'The LMS registration of this course is no longer active in microcred, so the roster cannot be read.',
        { cause: error },
      );
    }
    if (!(error instanceof PlatformTokenError)) throw error;
    throw new NrpsPlatformError(
      `The LMS did not issue an access token for the roster${describeRefusal(error)}. Ask your LMS administrator to allow the Names and Role Provisioning service for microcred.`,
      { cause: error },
    );
  }
}

async function fetchPage(services: PlatformServices, url: string, authorization: string) {
  let response;
  try {
    response = await services.outgoingFetch(url, {
      headers: { authorization, accept: MEMBERSHIP_CONTAINER },
      timeoutMs: PAGE_TIMEOUT_MS,
      maxResponseBytes: MAX_PAGE_BYTES,
    });
  } catch (error) {
    throw new NrpsPlatformError('The LMS did not answer the roster request; try again later.', {
      cause: error,
    });
  }
  if (!response.ok) {
    throw new NrpsPlatformError(
      `The LMS refused the roster request (HTTP ${response.status}). If it keeps refusing, ask your LMS administrator to check that microcred may read course memberships.`,
    );
  }
  return response;
}

/** The members of one membership container page (NRPS 2.0 section 2.2), checked. */
function readMembers(body: unknown): RosterMember[] {
  const members = (body as { members?: unknown } | null)?.members;
  if (!Array.isArray(members)) {
    throw new NrpsPlatformError('The LMS answered the roster request with no list of members.');
  }
  return members.map((entry: unknown, index) => {
    const member = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<
      string,
      unknown
    >;
    const text = (name: string) => {
      const value = member[name];
      return typeof value === 'string' && value.trim() !== '' ? value : null;
    };
    const userId = text('user_id');
    const { roles } = member;
    if (!userId || !Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
      throw new NrpsPlatformError(
        `The LMS listed a roster member (number ${index + 1} of a page) without a user_id or roles.`,
      );
    }
    const fullName = [text('given_name'), text('family_name')].filter(Boolean).join(' ');
    return {
      userId,
      name: text('name') ?? (fullName || null),
      email: text('email'),
      username: text('ext_user_username'),
      roles,
      status: text('status') ?? 'Active',
    };
  });
}

function describeRefusal(error: PlatformTokenError): string {
  if (error.upstreamStatus === null) return '';
  return ` (HTTP ${error.upstreamStatus}${error.oauthError ? `: ${error.oauthError}` : ''})`;
}

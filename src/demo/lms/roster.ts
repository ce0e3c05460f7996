/**
 * The platform's course rosters behind LTI Names and Role Provisioning Services 2.0: the users
 * who launched in a context and those added to it.
 */
import type { Request, RequestHandler, Response as ExpressResponse, Router } from 'express';
import type { JWTPayload } from 'jose';
import { pathParam, selectPage, stringParam } from './http-refusal.js';
import { LTI_CLAIMS, MEDIA_TYPES, NRPS_SCOPE } from './lti-vocabulary.js';

/** A platform user; the optional names and email get defaults derived from `id`. */
export interface LmsUser {
  /** The `sub` of the id_token and the `login_hint`. */
  id: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  email?: string;
  /** The LMS username, listed as Moodle does (`ext_user_username`) when set. */
  username?: string;
}

/** A member of a context's roster, as the membership service lists it (NRPS 2.0 section 2.2). */
export interface LmsMember {
  user: LmsUser;
  /** Full role URIs (see {@link LTI_ROLES}). */
  roles: string[];
  /** Defaults to `Active`. */
  status?: 'Active' | 'Inactive';
}

type Member = Required<Pick<LmsMember, 'roles' | 'status'>> & { user: LmsUser };

export class Roster {
  /** Members per context id and user id. */
  readonly #members = new Map<string, Map<string, Member>>();
  #membershipPageSize: number | undefined;

  /** `contextUrl` gives the URL under which a context's services answer. */
  constructor(private readonly contextUrl: (contextId: string) => string) {}

  /**
   * Adds members to the roster of a context, after those already there; a member with the user
   * id of one already listed replaces it in place. Users who launch are added as they launch.
   */
  addMembers(contextId: string, members: readonly LmsMember[]): void {
    const roster = this.#roster(contextId);
    for (const { user, roles, status = 'Active' } of members) {
      roster.set(user.id, { user: userWithDefaults(user), roles, status });
    }
  }

  /** Takes users off the roster of a context. */
  removeMembers(contextId: string, userIds: readonly string[]): void {
    const roster = this.#roster(contextId);
    for (const userId of userIds) roster.delete(userId);
  }

  /**
   * How many members a page of the membership service holds when the request names no `limit`
   * (NRPS 2.0 section 2.4.2 lets the platform page on its own); `undefined`, the default, sends
   * the whole roster in one answer.
   */
  setMembershipPageSize(size: number | undefined): void {
    if (size !== undefined && !(Number.isInteger(size) && size > 0)) {
      throw new TypeError('The membership page size must be a positive integer');
    }
    this.#membershipPageSize = size;
  }

  /** Adds the service's route; `requireScope` checks the bearer token of each request. */
  mount(app: Router, requireScope: (...scopes: string[]) => RequestHandler): void {
    app.get('/contexts/:contextId/memberships', requireScope(NRPS_SCOPE), (req, res) =>
      this.#listMembers(req, res),
    );
  }

  /** Puts the user an id_token names on the roster of its context, as they launch. */
  recordLaunch(claims: JWTPayload, user: LmsUser): void {
    const context = claims[LTI_CLAIMS.context] as { id?: unknown } | undefined;
    if (typeof context?.id !== 'string' || typeof claims.sub !== 'string') return;
    const roles = claims[LTI_CLAIMS.roles];
    this.#roster(context.id).set(claims.sub, {
      user: {
        id: claims.sub,
        name: stringParam(claims, 'name') ?? user.name,
        givenName: stringParam(claims, 'given_name') ?? user.givenName,
        familyName: stringParam(claims, 'family_name') ?? user.familyName,
        email: stringParam(claims, 'email') ?? user.email,
        ...(user.username === undefined ? {} : { username: user.username }),
      },
      roles: Array.isArray(roles) ? roles.map(String) : [],
      status: 'Active',
    });
  }

  #roster(contextId: string): Map<string, Member> {
    const members = this.#members.get(contextId) ?? new Map<string, Member>();
    this.#members.set(contextId, members);
    return members;
  }

  /**
   * NRPS 2.0 section 2.2: the roster of the context (the users who launched and those added),
   * paged by `limit` or the membership page size with a `next` link (section 2.4.2).
   */
  #listMembers(req: Request, res: ExpressResponse): void {
    const contextId = pathParam(req, 'contextId');
    const membershipsUrl = `${this.contextUrl(contextId)}/memberships`;
    const members = [...(this.#members.get(contextId)?.values() ?? [])].map(
      ({ user, roles, status }) => ({
        status,
        user_id: user.id,
        name: user.name,
        given_name: user.givenName,
        family_name: user.familyName,
        email: user.email,
        ext_user_username: user.username,
        roles,
      }),
    );
    res.type(MEDIA_TYPES.membershipContainer).json({
      id: membershipsUrl,
      context: { id: contextId },
      members: selectPage(req, res, membershipsUrl, members, this.#membershipPageSize),
    });
  }
}

/** A platform user with the names and email a launch would give them by default. */
function userWithDefaults(user: LmsUser): LmsUser {
  const givenName = user.givenName ?? 'Test';
  const familyName = user.familyName ?? user.id;
  return {
    id: user.id,
    name: user.name ?? `${givenName} ${familyName}`,
    givenName,
    familyName,
    email: user.email ?? `${user.id}@lms.test`,
    ...(user.username === undefined ? {} : { username: user.username }),
  };
}

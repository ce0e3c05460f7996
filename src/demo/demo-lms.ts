/**
 * A real LTI 1.3 platform that keeps everything in memory: it signs id_tokens with its own RS256
 * key, answers the OpenID Connect third-party login (LTI Core 1.3 section 5.1.1, LTI Security
 * Framework 1.0 section 5.1), issues OAuth 2 access tokens against JWT client assertions
 * (Security Framework section 4.1, RFC 7523), serves LTI Assignment and Grade Services 2.0 and
 * Names and Role Provisioning Services 2.0 behind them, takes LTI Deep Linking 2.0 answers and
 * LTI Dynamic Registration 1.0 requests.
 *
 * `npm run demo` mounts it as the demo LMS (demo-server.ts); the tests extend it with launches
 * driven from their HTTP client (test/support/test-lms.ts). Instances share no state. A few
 * options only serve tests of the tool's refusals: `signWith` and `tamper` on a launch, and
 * `failNextScores`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Router,
  type Response as ExpressResponse,
} from 'express';
import {
  SignJWT,
  UnsecuredJWT,
  createRemoteJWKSet,
  errors,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  type CryptoKey,
  type JWK,
  type JWTPayload,
  type KeyInput,
  type RemoteJWKSet,
} from 'jose';

/** Claim names of LTI 1.3 messages and of the LTI Advantage services. */
export const LTI_CLAIMS = {
  messageType: 'https://purl.imsglobal.org/spec/lti/claim/message_type',
  version: 'https://purl.imsglobal.org/spec/lti/claim/version',
  deploymentId: 'https://purl.imsglobal.org/spec/lti/claim/deployment_id',
  targetLinkUri: 'https://purl.imsglobal.org/spec/lti/claim/target_link_uri',
  resourceLink: 'https://purl.imsglobal.org/spec/lti/claim/resource_link',
  roles: 'https://purl.imsglobal.org/spec/lti/claim/roles',
  context: 'https://purl.imsglobal.org/spec/lti/claim/context',
  toolPlatform: 'https://purl.imsglobal.org/spec/lti/claim/tool_platform',
  launchPresentation: 'https://purl.imsglobal.org/spec/lti/claim/launch_presentation',
  custom: 'https://purl.imsglobal.org/spec/lti/claim/custom',
  agsEndpoint: 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint',
  namesRoleService: 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice',
  deepLinkingSettings: 'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings',
} as const;

/** Context (course membership) roles of LTI 1.3 (LTI Core appendix A.2.3), as full URIs. */
export const LTI_ROLES = {
  learner: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner',
  instructor: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
  teachingAssistant:
    'http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant',
  contentDeveloper: 'http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper',
  mentor: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor',
  administrator: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator',
} as const;

/** OAuth scopes of Assignment and Grade Services 2.0 (section 3.1). */
export const AGS_SCOPES = {
  lineItem: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  lineItemReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  resultReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
  score: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
} as const;

/** The OAuth scope of Names and Role Provisioning Services 2.0. */
export const NRPS_SCOPE =
  'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly';

/** Media types of the services (AGS 2.0 section 3.2 to 3.4, NRPS 2.0 section 2.2). */
export const MEDIA_TYPES = {
  lineItem: 'application/vnd.ims.lis.v2.lineitem+json',
  lineItemContainer: 'application/vnd.ims.lis.v2.lineitemcontainer+json',
  score: 'application/vnd.ims.lis.v1.score+json',
  resultContainer: 'application/vnd.ims.lis.v2.resultcontainer+json',
  membershipContainer: 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json',
} as const;

const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const COURSE_OFFERING = 'http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering';
const ACCESS_TOKEN_LIFETIME_SECONDS = 3600;
const ID_TOKEN_LIFETIME_SECONDS = 300;
const GRANTABLE_SCOPES: ReadonlySet<string> = new Set([...Object.values(AGS_SCOPES), NRPS_SCOPE]);
const ACTIVITY_PROGRESS = new Set([
  'Initialized',
  'Started',
  'InProgress',
  'Submitted',
  'Completed',
]);
const GRADING_PROGRESS = new Set(['FullyGraded', 'Pending', 'PendingManual', 'Failed', 'NotReady']);

/** The platform's RS256 signing key and its public JWK, as its JWKS serves it. */
export interface PlatformSigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

/** Generates a platform signing key with a random `kid`. */
export async function generatePlatformSigningKey(): Promise<PlatformSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomBytes(8).toString('hex');
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

/** What a platform is made of. */
export interface DemoLmsInit {
  /** The platform's issuer and base URL: where its routes are mounted (see `mount`). */
  issuer: string;
  /** The client_id the platform gave the tool. */
  clientId: string;
  /** The deployment of the tool on this platform. */
  deploymentId: string;
  signingKey: PlatformSigningKey;
}

/** A platform user; the optional names and email get defaults derived from `id`. */
export interface LmsUser {
  /** The `sub` of the id_token and the `login_hint`. */
  id: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  email?: string;
}

/** A member of a context's roster, as the membership service lists it (NRPS 2.0 section 2.2). */
export interface LmsMember {
  user: LmsUser;
  /** Full role URIs (see {@link LTI_ROLES}). */
  roles: string[];
  /** Defaults to `Active`. */
  status?: 'Active' | 'Inactive';
}

/** The LTI context (course) of a launch. */
export interface LmsContext {
  id: string;
  label?: string;
  title?: string;
  /** Context types; defaults to a CourseOffering. */
  type?: string[];
}

/** The resource link (placement of the tool in the course) of a launch. */
export interface LmsResourceLink {
  id: string;
  title?: string;
  description?: string;
}

/** How to sign an id_token other than with the platform's key, for forged-token tests. */
export interface SignWith {
  /** Defaults to the platform's private key. */
  key?: KeyInput;
  /** Defaults to RS256; `none` produces an unsecured JWT. */
  alg?: string;
  /** Defaults to the platform's `kid`; `null` leaves the header without a kid. */
  kid?: string | null;
}

/** What the id_token of a launch says. */
export interface LaunchClaimsOptions {
  user: LmsUser;
  /** Full role URIs (see {@link LTI_ROLES}). Defaults to Learner. */
  roles?: string[];
  /** Defaults to the context `course-1`. */
  context?: LmsContext;
  /** Defaults to the resource link `resource-link-1`. */
  resourceLink?: LmsResourceLink;
  /**
   * Defaults to `LtiResourceLinkRequest`. Other message types get no resource link and no
   * `lineitem` in the AGS claim; pass their own claims (say deep linking settings) in `claims`.
   */
  messageType?: string;
  /** Defaults to the tool's launch URL. */
  targetLinkUri?: string;
  /** Defaults to `en`. */
  locale?: string;
  /** Claims to add or replace, applied last; a claim set to `undefined` is removed. */
  claims?: Record<string, unknown>;
}

/** What the platform signs and posts for a launch, beyond its claims. */
export interface LaunchAnswerOptions extends LaunchClaimsOptions {
  signWith?: SignWith;
  /** Values the platform puts in place of the ones the tool sent, to test the tool's checks. */
  tamper?: {
    /** The nonce written into the id_token. */
    nonce?: string;
    /** The state posted back with the id_token. */
    state?: string;
  };
}

/** A login the platform initiated and whose authentication request it awaits. */
export interface PendingAuthRequest {
  /** The `login_hint` the authentication request must carry. */
  loginHint: string;
  launch: LaunchAnswerOptions;
}

/** An authentication request the platform answered with an id_token. */
export interface AuthRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly loginHint: string;
  readonly messageHint: string;
  /** The state the tool sent (the form may carry a tampered one). */
  readonly state: string | undefined;
  /** The nonce the tool sent (the id_token may carry a tampered one). */
  readonly nonce: string;
  readonly idToken: string;
}

/** A resource link the platform made from the tool's deep linking answer. */
export interface DeepLink {
  readonly resourceLinkId: string;
  readonly contextId: string;
  readonly title: string;
  readonly custom: Readonly<Record<string, string>>;
  readonly lineItem: LineItem | undefined;
}

/** A gradebook column (AGS 2.0 section 3.2). */
export interface LineItem {
  id: string;
  label: string;
  scoreMaximum: number;
  resourceLinkId?: string;
  resourceId?: string;
  tag?: string;
  startDateTime?: string;
  endDateTime?: string;
  gradesReleased?: boolean;
}

/** A score the platform accepted (AGS 2.0 section 3.4). */
export interface RecordedScore {
  readonly lineItemUrl: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly receivedAt: Date;
}

interface StoredLineItem {
  contextId: string;
  item: LineItem;
}

type Member = Required<Pick<LmsMember, 'roles' | 'status'>> & { user: LmsUser };

interface AccessToken {
  scopes: ReadonlySet<string>;
  expiresAt: number;
}

/** A refusal the routes turn into `{ error, error_description }` with an HTTP status. */
class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * An LTI 1.3 platform. Create it with its issuer and key, `mount` its routes at the issuer's
 * path, and tell it where the tool is (`setToolEndpoints`, `setToolJwksUrl`) or let the tool
 * register itself through dynamic registration.
 */
export class DemoLms {
  /** The platform's issuer and base URL. */
  readonly issuer: string;
  readonly clientId: string;
  readonly deploymentId: string;
  /** OIDC authentication endpoint. */
  readonly authUrl: string;
  /** OAuth 2 token endpoint (also the `aud` it expects in client assertions). */
  readonly tokenUrl: string;
  readonly jwksUrl: string;
  /** The `kid` of the platform's signing key. */
  readonly kid: string;
  /** The platform's public key, as its JWKS serves it. */
  readonly publicJwk: JWK;
  /**
   * Logins the platform initiated whose authentication request has not arrived yet, by
   * `lti_message_hint`. The authentication endpoint consumes them. A test that sends the login
   * initiation by hand adds an entry here so that the platform answers it.
   */
  readonly pendingAuthRequests = new Map<string, PendingAuthRequest>();
  /** Scores accepted so far, oldest first. */
  readonly scores: RecordedScore[] = [];
  /** Client registrations the tool posted (LTI Dynamic Registration 1.0, section 3.5). */
  readonly registrations: Record<string, unknown>[] = [];
  /** The URLs of the membership requests that carried a valid token, oldest first. */
  readonly membershipRequests: string[] = [];
  /** Resource links the tool created by answering deep linking requests, oldest first. */
  readonly deepLinks: DeepLink[] = [];
  /**
   * Where an administrator's browser opens the tool's dynamic registration URL from: the tool
   * is given `openid_configuration` and this one-time `registration_token`.
   */
  readonly registrationToken = randomBytes(16).toString('hex');
  get openIdConfigurationUrl(): string {
    return `${this.issuer}/.well-known/openid-configuration`;
  }

  readonly #privateKey: CryptoKey;
  readonly #lineItems = new Map<string, StoredLineItem>();
  /** Latest score per line item URL and user id: the AGS result. */
  readonly #results = new Map<string, Map<string, Record<string, unknown>>>();
  /** Users who launched, per context id and user id. */
  readonly #members = new Map<string, Map<string, Member>>();
  readonly #accessTokens = new Map<string, AccessToken>();
  readonly #usedJtis = new Set<string>();
  #nextLineItemNumber = 1;
  #membershipPageSize: number | undefined;
  #scoreFailures = { remaining: 0, status: 500 };
  #tool: { loginUrl: string; launchUrl: string; redirectUris: string[] } | undefined;
  #toolJwks: RemoteJWKSet | undefined;

  constructor(init: DemoLmsInit) {
    this.issuer = init.issuer.replace(/\/+$/, '');
    this.clientId = init.clientId;
    this.deploymentId = init.deploymentId;
    this.authUrl = `${this.issuer}/auth`;
    this.tokenUrl = `${this.issuer}/token`;
    this.jwksUrl = `${this.issuer}/jwks`;
    this.kid = init.signingKey.kid;
    this.publicJwk = init.signingKey.publicJwk;
    this.#privateKey = init.signingKey.privateKey;
  }

  /** What an administrator registers of the platform with a tool (its identity and endpoints). */
  platformRegistration(): Pick<
    DemoLms,
    'issuer' | 'clientId' | 'deploymentId' | 'authUrl' | 'tokenUrl' | 'jwksUrl'
  > {
    const { issuer, clientId, deploymentId, authUrl, tokenUrl, jwksUrl } = this;
    return { issuer, clientId, deploymentId, authUrl, tokenUrl, jwksUrl };
  }

  /** The line item container URL of a context. */
  lineItemsUrl(contextId: string): string {
    return `${this.#contextUrl(contextId)}/lineitems`;
  }

  /** Copies of the line items of a context, or of all contexts. */
  lineItems(contextId?: string): LineItem[] {
    return [...this.#lineItems.values()]
      .filter((stored) => contextId === undefined || stored.contextId === contextId)
      .map((stored) => ({ ...stored.item }));
  }

  /** Adds a column to a context's gradebook, as a teacher does in the LMS; returns a copy. */
  addLineItem(contextId: string, item: Omit<LineItem, 'id'>): LineItem {
    const id = `${this.lineItemsUrl(contextId)}/${this.#nextLineItemNumber++}`;
    this.#lineItems.set(id, { contextId, item: { ...item, id } });
    return { ...item, id };
  }

  /** Where the platform fetches the tool's public keys (for client assertions). */
  setToolJwksUrl(url: string): void {
    this.#toolJwks = createRemoteJWKSet(new URL(url));
  }

  /**
   * Registers the tool's OIDC login initiation URL and launch URL. The redirect URIs the
   * platform accepts default to the launch URL alone.
   */
  setToolEndpoints(endpoints: { loginUrl: string; launchUrl: string; redirectUris?: string[] }) {
    this.#tool = {
      loginUrl: endpoints.loginUrl,
      launchUrl: endpoints.launchUrl,
      redirectUris: endpoints.redirectUris ?? [endpoints.launchUrl],
    };
  }

  /**
   * Starts a launch with the third-party initiated login (LTI Core 1.3 section 4.1): keeps
   * `launch` until the tool's authentication request for it arrives, and returns the tool's
   * login URL with the parameters to send it, by GET or by POST.
   */
  initiateLogin(launch: LaunchAnswerOptions): {
    loginUrl: string;
    messageHint: string;
    parameters: URLSearchParams;
  } {
    const tool = this.#requireTool();
    const messageHint = randomUUID();
    this.pendingAuthRequests.set(messageHint, { loginHint: launch.user.id, launch });
    const parameters = new URLSearchParams({
      iss: this.issuer,
      login_hint: launch.user.id,
      target_link_uri: launch.targetLinkUri ?? tool.launchUrl,
      lti_message_hint: messageHint,
      client_id: this.clientId,
      lti_deployment_id: this.deploymentId,
    });
    return { loginUrl: tool.loginUrl, messageHint, parameters };
  }

  /** Called once the platform has answered an authentication request with an id_token. */
  protected onAuthRequestAnswered(_request: AuthRequest): void {}

  /**
   * The id_token claims the platform would sign for `options` and `nonce`, `iat` now and `exp`
   * five minutes later. For a resource link launch it creates the link's line item if missing.
   */
  idTokenClaims(options: LaunchClaimsOptions, nonce: string): JWTPayload {
    const { user } = options;
    const givenName = user.givenName ?? 'Test';
    const familyName = user.familyName ?? user.id;
    const context = {
      label: options.context?.id.toUpperCase() ?? 'COURSE-1',
      title: `Course ${options.context?.id ?? 'course-1'}`,
      type: [COURSE_OFFERING],
      ...(options.context ?? { id: 'course-1' }),
    };
    const resourceLink = {
      title: `Activity ${options.resourceLink?.id ?? 'resource-link-1'}`,
      ...(options.resourceLink ?? { id: 'resource-link-1' }),
    };
    const messageType = options.messageType ?? 'LtiResourceLinkRequest';
    const isResourceLinkLaunch = messageType === 'LtiResourceLinkRequest';
    const issuedAt = Math.floor(Date.now() / 1000);
    const claims: JWTPayload = {
      iss: this.issuer,
      aud: this.clientId,
      azp: this.clientId,
      sub: user.id,
      iat: issuedAt,
      exp: issuedAt + ID_TOKEN_LIFETIME_SECONDS,
      nonce,
      name: user.name ?? `${givenName} ${familyName}`,
      given_name: givenName,
      family_name: familyName,
      email: user.email ?? `${user.id}@lms.test`,
      [LTI_CLAIMS.messageType]: messageType,
      [LTI_CLAIMS.version]: '1.3.0',
      [LTI_CLAIMS.deploymentId]: this.deploymentId,
      [LTI_CLAIMS.targetLinkUri]: options.targetLinkUri ?? this.#requireTool().launchUrl,
      ...(isResourceLinkLaunch && { [LTI_CLAIMS.resourceLink]: resourceLink }),
      [LTI_CLAIMS.roles]: options.roles ?? [LTI_ROLES.learner],
      [LTI_CLAIMS.context]: context,
      [LTI_CLAIMS.toolPlatform]: {
        guid: this.issuer,
        name: 'microcred demo LMS',
        product_family_code: 'microcred-demo-lms',
        version: '1.0',
      },
      [LTI_CLAIMS.launchPresentation]: {
        locale: options.locale ?? 'en',
        document_target: 'iframe',
        return_url: `${this.#contextUrl(context.id)}/return`,
      },
      [LTI_CLAIMS.agsEndpoint]: {
        scope: Object.values(AGS_SCOPES),
        lineitems: this.lineItemsUrl(context.id),
        ...(isResourceLinkLaunch && {
          lineitem: this.#lineItemForResourceLink(context.id, resourceLink).id,
        }),
      },
      [LTI_CLAIMS.namesRoleService]: {
        context_memberships_url: `${this.#contextUrl(context.id)}/memberships`,
        service_versions: ['2.0'],
      },
    };
    for (const [name, value] of Object.entries(options.claims ?? {})) {
      if (value === undefined) delete claims[name];
      else claims[name] = value;
    }
    return claims;
  }

  /** Signs a payload as a JWT with the platform's key, or as `signWith` says. */
  async signIdToken(payload: JWTPayload, signWith: SignWith = {}): Promise<string> {
    const alg = signWith.alg ?? 'RS256';
    if (alg === 'none') return new UnsecuredJWT(payload).encode();
    const kid = signWith.kid === undefined ? this.kid : signWith.kid;
    return new SignJWT(payload)
      .setProtectedHeader({ alg, typ: 'JWT', ...(kid !== null && { kid }) })
      .sign(signWith.key ?? this.#privateKey);
  }

  /** Makes the next `count` score posts fail with `status` (after the bearer token check). */
  failNextScores(count: number, status: number): void {
    this.#scoreFailures = { remaining: count, status };
  }

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

  /**
   * Claims that turn a launch into an LtiDeepLinkingRequest for `contextId` (LTI Deep Linking
   * 2.0, 4.4); pass them with `messageType: 'LtiDeepLinkingRequest'`.
   */
  deepLinkingClaims(contextId: string): Record<string, unknown> {
    return {
      [LTI_CLAIMS.deepLinkingSettings]: {
        deep_link_return_url: `${this.#contextUrl(contextId)}/deep-link-return`,
        accept_types: ['ltiResourceLink'],
        accept_presentation_document_targets: ['iframe', 'window'],
        accept_multiple: false,
        data: `opaque-${contextId}`,
      },
    };
  }

  /** LTI Deep Linking 2.0, 4.5: verifies the tool's answer and creates its resource links. */
  async #receiveDeepLinks(req: Request, res: ExpressResponse): Promise<void> {
    const contextId = String(req.params.contextId);
    if (!this.#toolJwks) throw new HttpRefusal(500, 'server_error', 'The tool JWKS URL is not set');
    const { payload } = await jwtVerify(String(req.body?.JWT ?? ''), this.#toolJwks, {
      issuer: this.clientId,
      audience: this.issuer,
      algorithms: ['RS256'],
    }).catch(() => {
      throw new HttpRefusal(
        400,
        'invalid_request',
        'The deep linking response is not validly signed',
      );
    });
    if (
      payload[LTI_CLAIMS.messageType] !== 'LtiDeepLinkingResponse' ||
      payload[LTI_CLAIMS.version] !== '1.3.0' ||
      payload[LTI_CLAIMS.deploymentId] !== this.deploymentId ||
      payload['https://purl.imsglobal.org/spec/lti-dl/claim/data'] !== `opaque-${contextId}`
    ) {
      throw new HttpRefusal(400, 'invalid_request', 'The deep linking response claims are wrong');
    }
    const items = payload['https://purl.imsglobal.org/spec/lti-dl/claim/content_items'];
    for (const item of Array.isArray(items) ? items : []) {
      const resourceLinkId = `deep-link-${this.deepLinks.length + 1}`;
      const title = String(item.title ?? resourceLinkId);
      const lineItem = item.lineItem
        ? this.#lineItemForResourceLink(contextId, {
            id: resourceLinkId,
            title: item.lineItem.label,
          })
        : undefined;
      if (lineItem) Object.assign(lineItem, item.lineItem);
      this.deepLinks.push({
        resourceLinkId,
        contextId,
        title,
        custom: item.custom ?? {},
        lineItem,
      });
    }
    res.type('html').send('<p>Activity added.</p>');
  }

  #openIdConfiguration() {
    return {
      issuer: this.issuer,
      authorization_endpoint: this.authUrl,
      token_endpoint: this.tokenUrl,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256'],
      jwks_uri: this.jwksUrl,
      registration_endpoint: `${this.issuer}/registrations`,
      scopes_supported: ['openid', ...Object.values(AGS_SCOPES), NRPS_SCOPE],
      response_types_supported: ['id_token'],
      subject_types_supported: ['public', 'pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['iss', 'sub', 'aud', 'name', 'given_name', 'family_name', 'email'],
      'https://purl.imsglobal.org/spec/lti-platform-configuration': {
        product_family_code: 'microcred-demo-lms',
        version: '1.0',
        messages_supported: [{ type: 'LtiResourceLinkRequest' }, { type: 'LtiDeepLinkingRequest' }],
      },
    };
  }

  /** LTI Dynamic Registration 1.0, 3.5: takes the tool's client registration and answers it. */
  #registerTool(req: Request, res: ExpressResponse): void {
    if (req.headers.authorization !== `Bearer ${this.registrationToken}`) {
      res.status(401).json({ error: 'invalid_token' });
      return;
    }
    const body = req.body as Record<string, unknown>;
    const redirectUris = body.redirect_uris;
    if (
      typeof body.initiate_login_uri !== 'string' ||
      typeof body.jwks_uri !== 'string' ||
      !Array.isArray(redirectUris) ||
      typeof redirectUris[0] !== 'string'
    ) {
      res.status(400).json({ error: 'invalid_client_metadata' });
      return;
    }
    this.registrations.push(body);
    this.setToolEndpoints({
      loginUrl: body.initiate_login_uri,
      launchUrl: redirectUris[0],
      redirectUris: redirectUris as string[],
    });
    this.setToolJwksUrl(body.jwks_uri);
    const toolConfiguration = body['https://purl.imsglobal.org/spec/lti-tool-configuration'];
    res.json({
      ...body,
      client_id: this.clientId,
      'https://purl.imsglobal.org/spec/lti-tool-configuration': {
        ...(toolConfiguration as object),
        deployment_id: this.deploymentId,
      },
    });
  }

  /** Adds the platform's routes to `app`, which must answer at the issuer URL. */
  mount(app: Router): void {
    const form = express.urlencoded({ extended: false });
    const json = express.json({ type: ['application/json', 'application/*+json'] });
    app.get('/jwks', (_req, res) => {
      res.json({ keys: [this.publicJwk] });
    });
    app.get('/auth', (req, res) => this.#authenticate(req.query, res));
    // A script file rather than an inline handler, so that pages under a strict CSP can use it.
    app.get('/auto-post.js', (_req, res) => {
      res.type('js').send('document.forms[0].submit();\n');
    });
    app.post('/auth', form, (req, res) => this.#authenticate(req.body, res));
    app.post('/token', form, (req, res) => this.#issueAccessToken(req, res));
    app.get('/.well-known/openid-configuration', (_req, res) => {
      res.json(this.#openIdConfiguration());
    });
    app.post('/registrations', json, (req, res) => this.#registerTool(req, res));
    app.post('/contexts/:contextId/deep-link-return', form, (req, res, next) =>
      this.#receiveDeepLinks(req, res).catch(next),
    );

    const lineItems = '/contexts/:contextId/lineitems';
    const lineItem = `${lineItems}/:lineItemNumber`;
    const readLineItems = this.#requireScope(AGS_SCOPES.lineItem, AGS_SCOPES.lineItemReadonly);
    const writeLineItems = this.#requireScope(AGS_SCOPES.lineItem);
    app.get(lineItems, readLineItems, (req, res) => this.#listLineItems(req, res));
    app.post(lineItems, writeLineItems, json, (req, res) => this.#createLineItem(req, res));
    app.get(lineItem, readLineItems, (req, res) => this.#getLineItem(req, res));
    app.put(lineItem, writeLineItems, json, (req, res) => this.#updateLineItem(req, res));
    app.delete(lineItem, writeLineItems, (req, res) => this.#deleteLineItem(req, res));
    app.post(`${lineItem}/scores`, this.#requireScope(AGS_SCOPES.score), json, (req, res) =>
      this.#postScore(req, res),
    );
    app.get(`${lineItem}/results`, this.#requireScope(AGS_SCOPES.resultReadonly), (req, res) =>
      this.#listResults(req, res),
    );
    app.get('/contexts/:contextId/memberships', this.#requireScope(NRPS_SCOPE), (req, res) =>
      this.#listMembers(req, res),
    );
    app.use((error: unknown, _req: Request, res: ExpressResponse, next: NextFunction): void => {
      if (res.headersSent) return next(error);
      const refusal = error instanceof HttpRefusal ? error : describeUnexpectedError(error);
      res
        .status(refusal.status)
        .set(refusal.headers)
        .json({ error: refusal.code, error_description: refusal.message });
    });
  }

  /**
   * The OIDC authentication endpoint (LTI Security Framework 1.0 section 5.1.1.2 and 5.1.1.3):
   * checks the request against the registration and the pending login, then answers with a
   * page that posts the id_token and state to the redirect URI.
   */
  async #authenticate(source: unknown, res: ExpressResponse): Promise<void> {
    const param = (name: string) => stringParam(source, name);
    const refuse = (code: string, message: string) => {
      throw new HttpRefusal(400, code, message);
    };
    if (param('response_type') !== 'id_token') {
      refuse('unsupported_response_type', 'response_type must be id_token');
    }
    if (!param('scope')?.split(' ').includes('openid')) {
      refuse('invalid_scope', 'scope must include openid');
    }
    if (param('response_mode') !== 'form_post') {
      refuse('invalid_request', 'response_mode must be form_post');
    }
    if (param('prompt') !== 'none') refuse('invalid_request', 'prompt must be none');
    if (param('client_id') !== this.clientId) {
      refuse('unauthorized_client', `unknown client_id ${param('client_id')}`);
    }
    const redirectUri = param('redirect_uri') ?? '';
    if (!this.#requireTool().redirectUris.includes(redirectUri)) {
      refuse('invalid_request', `redirect_uri ${redirectUri} is not registered`);
    }
    const nonce = param('nonce');
    if (!nonce) return refuse('invalid_request', 'nonce is required');
    const messageHint = param('lti_message_hint') ?? '';
    const pending = this.pendingAuthRequests.get(messageHint);
    const loginHint = param('login_hint') ?? '';
    if (!pending || pending.loginHint !== loginHint) {
      return refuse('login_required', 'login_hint and lti_message_hint match no pending login');
    }
    this.pendingAuthRequests.delete(messageHint);

    const { launch } = pending;
    const claims = this.idTokenClaims(launch, nonce);
    if (launch.tamper?.nonce !== undefined) claims.nonce = launch.tamper.nonce;
    const idToken = await this.signIdToken(claims, launch.signWith);
    this.#recordMember(claims, launch.user);
    const state = param('state');
    this.onAuthRequestAnswered({
      clientId: this.clientId,
      redirectUri,
      loginHint,
      messageHint,
      state,
      nonce,
      idToken,
    });
    const postedState = launch.tamper?.state ?? state;
    res
      .type('html')
      .set('cache-control', 'no-store')
      .send(
        autoPostPage(
          redirectUri,
          {
            id_token: idToken,
            ...(postedState !== undefined && { state: postedState }),
          },
          `${this.issuer}/auto-post.js`,
        ),
      );
  }

  /**
   * The token endpoint: the client credentials grant with a JWT client assertion (LTI Security
   * Framework 1.0 section 4.1, RFC 7523 section 3).
   */
  async #issueAccessToken(req: Request, res: ExpressResponse): Promise<void> {
    const param = (name: string) => stringParam(req.body, name);
    if (param('grant_type') !== 'client_credentials') {
      throw new HttpRefusal(400, 'unsupported_grant_type', 'grant_type must be client_credentials');
    }
    const assertion = param('client_assertion');
    if (param('client_assertion_type') !== CLIENT_ASSERTION_TYPE || !assertion) {
      throw new HttpRefusal(400, 'invalid_request', 'a jwt-bearer client_assertion is required');
    }
    if (!this.#toolJwks) {
      throw new HttpRefusal(401, 'invalid_client', 'no tool JWKS URL is registered');
    }
    let jti: string;
    try {
      const { payload } = await jwtVerify(assertion, this.#toolJwks, {
        algorithms: ['RS256'],
        issuer: this.clientId,
        subject: this.clientId,
        audience: [this.tokenUrl, this.issuer],
        requiredClaims: ['exp', 'jti'],
      });
      jti = String(payload.jti);
    } catch (error) {
      if (!(error instanceof errors.JOSEError)) throw error;
      throw new HttpRefusal(
        401,
        'invalid_client',
        `client_assertion: ${error.code}: ${error.message}`,
      );
    }
    if (this.#usedJtis.has(jti)) {
      throw new HttpRefusal(401, 'invalid_client', `client_assertion jti ${jti} was already used`);
    }
    this.#usedJtis.add(jti);
    const requested = (param('scope') ?? '').split(' ').filter(Boolean);
    const granted = [...new Set(requested.filter((scope) => GRANTABLE_SCOPES.has(scope)))];
    if (granted.length === 0) {
      throw new HttpRefusal(400, 'invalid_scope', 'none of the requested scopes can be granted');
    }
    const accessToken = randomBytes(24).toString('base64url');
    this.#accessTokens.set(accessToken, {
      scopes: new Set(granted),
      expiresAt: Date.now() + ACCESS_TOKEN_LIFETIME_SECONDS * 1000,
    });
    res.set('cache-control', 'no-store').json({
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
      scope: granted.join(' '),
    });
  }

  /** Middleware: a live bearer token carrying one of `scopes` (RFC 6750 section 3.1). */
  #requireScope(...scopes: string[]): RequestHandler {
    return (req, _res, next) => {
      const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
      if (!match) {
        throw new HttpRefusal(401, 'invalid_request', 'a bearer token is required', {
          'www-authenticate': 'Bearer',
        });
      }
      const token = this.#accessTokens.get(match[1] ?? '');
      if (!token || token.expiresAt <= Date.now()) {
        throw new HttpRefusal(401, 'invalid_token', 'the access token is unknown or expired', {
          'www-authenticate': 'Bearer error="invalid_token"',
        });
      }
      if (!scopes.some((scope) => token.scopes.has(scope))) {
        throw new HttpRefusal(403, 'insufficient_scope', `one of ${scopes.join(' ')} is required`, {
          'www-authenticate': `Bearer error="insufficient_scope", scope="${scopes.join(' ')}"`,
        });
      }
      next();
    };
  }

  /** AGS 2.0 section 3.2.4: line items of the context, filtered and paged. */
  #listLineItems(req: Request, res: ExpressResponse): void {
    const contextId = pathParam(req, 'contextId');
    const filters: [string, keyof LineItem][] = [
      ['resource_link_id', 'resourceLinkId'],
      ['resource_id', 'resourceId'],
      ['tag', 'tag'],
    ];
    const items = this.lineItems(contextId).filter((item) =>
      filters.every(([param, field]) => {
        const wanted = stringParam(req.query, param);
        return wanted === undefined || item[field] === wanted;
      }),
    );
    sendPage(req, res, this.lineItemsUrl(contextId), items, MEDIA_TYPES.lineItemContainer);
  }

  #createLineItem(req: Request, res: ExpressResponse): void {
    requireMediaType(req, MEDIA_TYPES.lineItem);
    const contextId = pathParam(req, 'contextId');
    const id = `${this.lineItemsUrl(contextId)}/${this.#nextLineItemNumber++}`;
    const item = { ...parseLineItem(req.body), id };
    this.#lineItems.set(id, { contextId, item });
    res.status(201).type(MEDIA_TYPES.lineItem).json(item);
  }

  #getLineItem(req: Request, res: ExpressResponse): void {
    res.type(MEDIA_TYPES.lineItem).json(this.#findLineItem(req).item);
  }

  #updateLineItem(req: Request, res: ExpressResponse): void {
    requireMediaType(req, MEDIA_TYPES.lineItem);
    const stored = this.#findLineItem(req);
    const update = parseLineItem(req.body);
    const bodyId = stringParam(req.body, 'id');
    if (bodyId !== undefined && bodyId !== stored.item.id) {
      throw new HttpRefusal(400, 'invalid_request', 'the id of a line item cannot change');
    }
    stored.item = { ...update, id: stored.item.id };
    res.type(MEDIA_TYPES.lineItem).json(stored.item);
  }

  #deleteLineItem(req: Request, res: ExpressResponse): void {
    const { item } = this.#findLineItem(req);
    this.#lineItems.delete(item.id);
    this.#results.delete(item.id);
    res.status(204).end();
  }

  /**
   * AGS 2.0 section 3.4: records a score. The result keeps the latest score by `timestamp`;
   * an older score is accepted but does not replace it (section 3.4.4).
   */
  #postScore(req: Request, res: ExpressResponse): void {
    const { item } = this.#findLineItem(req);
    if (this.#scoreFailures.remaining > 0) {
      this.#scoreFailures.remaining -= 1;
      throw new HttpRefusal(this.#scoreFailures.status, 'simulated_failure', 'failNextScores');
    }
    requireMediaType(req, MEDIA_TYPES.score);
    const score = parseScore(req.body);
    this.scores.push({ lineItemUrl: item.id, body: score, receivedAt: new Date() });
    const results = this.#results.get(item.id) ?? new Map<string, Record<string, unknown>>();
    this.#results.set(item.id, results);
    const previous = results.get(String(score.userId));
    if (
      !previous ||
      Date.parse(String(previous.timestamp)) <= Date.parse(String(score.timestamp))
    ) {
      results.set(String(score.userId), score);
    }
    res.status(204).end();
  }

  /** AGS 2.0 section 3.3: one result per user who has a score. */
  #listResults(req: Request, res: ExpressResponse): void {
    const { item } = this.#findLineItem(req);
    const userId = stringParam(req.query, 'user_id');
    const results = [...(this.#results.get(item.id)?.values() ?? [])]
      .filter((score) => userId === undefined || score.userId === userId)
      .map((score) => ({
        id: `${item.id}/results/${encodeURIComponent(String(score.userId))}`,
        scoreOf: item.id,
        userId: score.userId,
        ...(typeof score.scoreGiven === 'number' && {
          resultScore: score.scoreGiven,
          resultMaximum: score.scoreMaximum,
        }),
        ...(typeof score.comment === 'string' && { comment: score.comment }),
      }));
    sendPage(req, res, `${item.id}/results`, results, MEDIA_TYPES.resultContainer);
  }

  /**
   * NRPS 2.0 section 2.2: the roster of the context (the users who launched and those added),
   * paged by `limit` or the membership page size with a `next` link (section 2.4.2).
   */
  #listMembers(req: Request, res: ExpressResponse): void {
    this.membershipRequests.push(new URL(req.originalUrl, this.issuer).href);
    const contextId = pathParam(req, 'contextId');
    const membershipsUrl = `${this.#contextUrl(contextId)}/memberships`;
    const members = [...(this.#members.get(contextId)?.values() ?? [])].map(
      ({ user, roles, status }) => ({
        status,
        user_id: user.id,
        name: user.name,
        given_name: user.givenName,
        family_name: user.familyName,
        email: user.email,
        roles,
      }),
    );
    res.type(MEDIA_TYPES.membershipContainer).json({
      id: membershipsUrl,
      context: { id: contextId },
      members: selectPage(req, res, membershipsUrl, members, this.#membershipPageSize),
    });
  }

  #findLineItem(req: Request): StoredLineItem {
    const contextId = pathParam(req, 'contextId');
    const id = `${this.lineItemsUrl(contextId)}/${pathParam(req, 'lineItemNumber')}`;
    const stored = this.#lineItems.get(id);
    if (!stored) throw new HttpRefusal(404, 'not_found', `no line item ${id}`);
    return stored;
  }

  #lineItemForResourceLink(contextId: string, resourceLink: LmsResourceLink): LineItem {
    const existing = this.lineItems(contextId).find(
      (item) => item.resourceLinkId === resourceLink.id,
    );
    if (existing) return existing;
    const id = `${this.lineItemsUrl(contextId)}/${this.#nextLineItemNumber++}`;
    const item: LineItem = {
      id,
      label: resourceLink.title ?? resourceLink.id,
      scoreMaximum: 100,
      resourceLinkId: resourceLink.id,
    };
    this.#lineItems.set(id, { contextId, item });
    return item;
  }

  #recordMember(claims: JWTPayload, user: LmsUser): void {
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

  #contextUrl(contextId: string): string {
    return `${this.issuer}/contexts/${encodeURIComponent(contextId)}`;
  }

  #requireTool() {
    if (!this.#tool) throw new TypeError('Call setToolEndpoints() before launching');
    return this.#tool;
  }
}

function stringParam(source: unknown, name: string): string | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  const value = (source as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function pathParam(req: Request, name: string): string {
  return stringParam(req.params, name) ?? '';
}

function requireMediaType(req: Request, mediaType: string): void {
  if (!req.is(mediaType)) {
    throw new HttpRefusal(415, 'unsupported_media_type', `the body must be ${mediaType}`);
  }
}

/**
 * Answers `items`, or the page of them that `limit` and `page` select, with an RFC 8288 `next`
 * link when more follow (AGS 2.0 section 3.2.4.1).
 */
function sendPage(
  req: Request,
  res: ExpressResponse,
  baseUrl: string,
  items: unknown[],
  mediaType: string,
): void {
  res.type(mediaType).json(selectPage(req, res, baseUrl, items));
}

/**
 * The page of `items` that `page` and `limit` (else `defaultLimit`, else everything) select;
 * sets an RFC 8288 `next` link on `res` when more follow.
 */
function selectPage<T>(
  req: Request,
  res: ExpressResponse,
  baseUrl: string,
  items: T[],
  defaultLimit?: number,
): T[] {
  const limit = positiveInteger(req, 'limit') ?? defaultLimit;
  const page = positiveInteger(req, 'page') ?? 1;
  if (limit === undefined) return items;
  const start = (page - 1) * limit;
  if (start + limit < items.length) {
    const next = new URL(baseUrl);
    for (const [key, value] of Object.entries(req.query)) {
      if (typeof value === 'string') next.searchParams.set(key, value);
    }
    next.searchParams.set('page', String(page + 1));
    res.set('link', `<${next.href}>; rel="next"`);
  }
  return items.slice(start, start + limit);
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
  };
}

function positiveInteger(req: Request, name: string): number | undefined {
  const text = stringParam(req.query, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new HttpRefusal(400, 'invalid_request', `${name} must be a positive integer`);
  }
  return value;
}

/** Checks a line item body (AGS 2.0 section 3.2): label and a positive scoreMaximum. */
function parseLineItem(body: unknown): Omit<LineItem, 'id'> {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const label = stringParam(input, 'label');
  if (!label) throw new HttpRefusal(400, 'invalid_request', 'label is required');
  const { scoreMaximum } = input;
  if (typeof scoreMaximum !== 'number' || !(scoreMaximum > 0)) {
    throw new HttpRefusal(400, 'invalid_request', 'scoreMaximum must be a number above 0');
  }
  const item: Omit<LineItem, 'id'> = { label, scoreMaximum };
  for (const field of ['resourceLinkId', 'resourceId', 'tag', 'startDateTime', 'endDateTime']) {
    const value = input[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      throw new HttpRefusal(400, 'invalid_request', `${field} must be a string`);
    }
    Object.assign(item, { [field]: value });
  }
  if (typeof input.gradesReleased === 'boolean') item.gradesReleased = input.gradesReleased;
  return item;
}

/**
 * Checks a score (AGS 2.0 section 3.4.5 to 3.4.8): userId, activityProgress and
 * gradingProgress from their vocabularies, an ISO 8601 timestamp, and a scoreGiven between 0
 * and a positive scoreMaximum that must accompany it.
 */
function parseScore(body: unknown): Record<string, unknown> {
  const score = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const refuse = (message: string): never => {
    throw new HttpRefusal(400, 'invalid_request', message);
  };
  if (!stringParam(score, 'userId')) refuse('userId is required');
  if (!ACTIVITY_PROGRESS.has(String(score.activityProgress))) {
    refuse(`activityProgress must be one of ${[...ACTIVITY_PROGRESS].join(', ')}`);
  }
  if (!GRADING_PROGRESS.has(String(score.gradingProgress))) {
    refuse(`gradingProgress must be one of ${[...GRADING_PROGRESS].join(', ')}`);
  }
  const timestamp = stringParam(score, 'timestamp') ?? '';
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(timestamp) ||
    Number.isNaN(Date.parse(timestamp))
  ) {
    refuse('timestamp must be an ISO 8601 date-time');
  }
  const { scoreGiven, scoreMaximum } = score;
  if (scoreMaximum !== undefined && (typeof scoreMaximum !== 'number' || !(scoreMaximum > 0))) {
    refuse('scoreMaximum must be a number above 0');
  }
  if (scoreGiven !== undefined && scoreGiven !== null) {
    if (typeof scoreGiven !== 'number' || !(scoreGiven >= 0)) {
      refuse('scoreGiven must be a number from 0');
    }
    if (scoreMaximum === undefined) refuse('scoreMaximum is required with scoreGiven');
    if (Number(scoreGiven) > Number(scoreMaximum)) refuse('scoreGiven exceeds scoreMaximum');
  }
  if (score.comment !== undefined && typeof score.comment !== 'string') {
    refuse('comment must be a string');
  }
  return score;
}

function describeUnexpectedError(error: unknown): HttpRefusal {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpRefusal(status, 'invalid_request', (error as Error).message);
  }
  return new HttpRefusal(
    500,
    'server_error',
    error instanceof Error ? error.message : String(error),
  );
}

/** The page a platform answers an authentication request with (OAuth 2.0 Form Post Response Mode). */
function autoPostPage(action: string, fields: Record<string, string>, scriptUrl: string): string {
  const inputs = Object.entries(fields)
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('\n      ');
  return `<!doctype html>
<html lang="en">
  <head><title>Launching the tool</title></head>
  <body>
    <form action="${escapeHtml(action)}" method="post">
      ${inputs}
      <noscript><button type="submit">Continue</button></noscript>
    </form>
    <script src="${escapeHtml(scriptUrl)}"></script>
  </body>
</html>
`;
}

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * A real LTI 1.3 platform that keeps everything in memory: it signs id_tokens with its own RS256
 * key, answers the OpenID Connect third-party login (LTI Core 1.3 section 5.1.1, LTI Security
 * Framework 1.0 section 5.1), issues OAuth 2 access tokens against JWT client assertions
 * (lms/access-tokens.ts), serves LTI Assignment and Grade Services 2.0 (lms/gradebook.ts) and
 * Names and Role Provisioning Services 2.0 (lms/roster.ts) behind them, takes LTI Deep Linking
 * 2.0 answers and LTI Dynamic Registration 1.0 requests.
 *
 * `npm run demo` mounts it as the demo LMS (demo-server.ts). Instances share no state. The test
 * LMS (test/support/test-lms.ts) extends it: it drives launches from the tests' HTTP client and
 * answers them with forged or tampered id_tokens through {@link DemoLms.answerAuthRequest}.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import express, { type Request, type Router, type Response as ExpressResponse } from 'express';
import {
  SignJWT,
  createRemoteJWKSet,
  jwtVerify,
  type CryptoKey,
  type JWK,
  type JWTPayload,
  type RemoteJWKSet,
} from 'jose';
import { AccessTokens } from './lms/access-tokens.js';
import { autoPostPage } from './lms/auto-post-page.js';
import { Gradebook, type LineItem, type RecordedScore } from './lms/gradebook.js';
import { answerRefusal, HttpRefusal, stringParam } from './lms/http-refusal.js';
import { AGS_SCOPES, LTI_CLAIMS, LTI_ROLES, NRPS_SCOPE } from './lms/lti-vocabulary.js';
import type { PlatformSigningKey } from './lms/platform-signing-key.js';
import { Roster, type LmsMember, type LmsUser } from './lms/roster.js';

const COURSE_OFFERING = 'http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering';
const ID_TOKEN_LIFETIME_SECONDS = 300;

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

/** A login the platform initiated and whose authentication request it awaits. */
export interface PendingAuthRequest<Launch extends LaunchClaimsOptions = LaunchClaimsOptions> {
  /** The `login_hint` the authentication request must carry. */
  loginHint: string;
  launch: Launch;
}

/** An authentication request of the tool that the platform checked and is about to answer. */
export interface AuthRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly loginHint: string;
  readonly messageHint: string;
  readonly state: string | undefined;
  readonly nonce: string;
}

/** What the platform posts to the tool's redirect URI in answer to an authentication request. */
export interface AuthAnswer {
  readonly idToken: string;
  readonly state: string | undefined;
}

/** A resource link the platform made from the tool's deep linking answer. */
export interface DeepLink {
  readonly resourceLinkId: string;
  readonly contextId: string;
  readonly title: string;
  readonly custom: Readonly<Record<string, string>>;
  readonly lineItem: LineItem | undefined;
}

/**
 * An LTI 1.3 platform. Create it with its issuer and key, `mount` its routes at the issuer's
 * path, and tell it where the tool is (`setToolEndpoints`, `setToolJwksUrl`) or let the tool
 * register itself through dynamic registration. `Launch` is what a launch carries from
 * {@link initiateLogin} to {@link answerAuthRequest}.
 */
export class DemoLms<Launch extends LaunchClaimsOptions = LaunchClaimsOptions> {
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
  /** Client registrations the tool posted (LTI Dynamic Registration 1.0, section 3.5). */
  readonly registrations: Record<string, unknown>[] = [];
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

  /**
   * Logins the platform initiated whose authentication request has not arrived yet, by
   * `lti_message_hint`. The authentication endpoint consumes them.
   */
  protected readonly pendingLogins = new Map<string, PendingAuthRequest<Launch>>();
  readonly #privateKey: CryptoKey;
  readonly #gradebook = new Gradebook((contextId) => this.#contextUrl(contextId));
  readonly #roster = new Roster((contextId) => this.#contextUrl(contextId));
  readonly #accessTokens: AccessTokens;
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
    this.#accessTokens = new AccessTokens({
      clientId: this.clientId,
      audiences: [this.tokenUrl, this.issuer],
      toolJwks: () => this.#toolJwks,
    });
  }

  /** What an administrator registers of the platform with a tool (its identity and endpoints). */
  platformRegistration(): Pick<
    DemoLms,
    'issuer' | 'clientId' | 'deploymentId' | 'authUrl' | 'tokenUrl' | 'jwksUrl'
  > {
    const { issuer, clientId, deploymentId, authUrl, tokenUrl, jwksUrl } = this;
    return { issuer, clientId, deploymentId, authUrl, tokenUrl, jwksUrl };
  }

  /** Scores accepted so far, oldest first. */
  get scores(): readonly RecordedScore[] {
    return this.#gradebook.scores;
  }

  /** The line item container URL of a context. */
  lineItemsUrl(contextId: string): string {
    return this.#gradebook.lineItemsUrl(contextId);
  }

  /** Copies of the line items of a context, or of all contexts. */
  lineItems(contextId?: string): LineItem[] {
    return this.#gradebook.lineItems(contextId);
  }

  /**
   * Adds members to the roster of a context, after those already there; a member with the user
   * id of one already listed replaces it in place. Users who launch are added as they launch.
   */
  addMembers(contextId: string, members: readonly LmsMember[]): void {
    this.#roster.addMembers(contextId, members);
  }

  /** Takes users off the roster of a context. */
  removeMembers(contextId: string, userIds: readonly string[]): void {
    this.#roster.removeMembers(contextId, userIds);
  }

  /**
   * How many members a page of the membership service holds when the request names no `limit`;
   * `undefined`, the default, sends the whole roster in one answer.
   */
  setMembershipPageSize(size: number | undefined): void {
    this.#roster.setMembershipPageSize(size);
  }

  /** Adds a column to a context's gradebook, as a teacher does in the LMS; returns a copy. */
  addLineItem(contextId: string, item: Omit<LineItem, 'id'>): LineItem {
    return this.#gradebook.addLineItem(contextId, item);
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
  initiateLogin(launch: Launch): {
    loginUrl: string;
    messageHint: string;
    parameters: URLSearchParams;
  } {
    const tool = this.#requireTool();
    const messageHint = randomUUID();
    this.pendingLogins.set(messageHint, { loginHint: launch.user.id, launch });
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
          lineitem: this.#gradebook.lineItemForResourceLink(context.id, resourceLink).id,
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

  /** Signs a payload as an RS256 JWT with the platform's key. */
  async signIdToken(payload: JWTPayload): Promise<string> {
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.kid })
      .sign(this.#privateKey);
  }

  /**
   * What the platform posts back for a checked authentication request: the id_token of
   * `claims`, signed, and the state the tool sent.
   */
  protected async answerAuthRequest(
    request: AuthRequest,
    _launch: Launch,
    claims: JWTPayload,
  ): Promise<AuthAnswer> {
    return { idToken: await this.signIdToken(claims), state: request.state };
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
        ? this.#gradebook.lineItemForResourceLink(contextId, {
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
    app.post('/token', form, (req, res) => this.#accessTokens.issue(req, res));
    app.get('/.well-known/openid-configuration', (_req, res) => {
      res.json(this.#openIdConfiguration());
    });
    app.post('/registrations', json, (req, res) => this.#registerTool(req, res));
    app.post('/contexts/:contextId/deep-link-return', form, (req, res, next) =>
      this.#receiveDeepLinks(req, res).catch(next),
    );
    const requireScope = (...scopes: string[]) => this.#accessTokens.requireScope(...scopes);
    this.#gradebook.mount(app, requireScope);
    this.#roster.mount(app, requireScope);
    app.use(answerRefusal);
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
    const pending = this.pendingLogins.get(messageHint);
    const loginHint = param('login_hint') ?? '';
    if (!pending || pending.loginHint !== loginHint) {
      return refuse('login_required', 'login_hint and lti_message_hint match no pending login');
    }
    this.pendingLogins.delete(messageHint);

    const { launch } = pending;
    const claims = this.idTokenClaims(launch, nonce);
    const request = { clientId: this.clientId, redirectUri, loginHint, messageHint, nonce };
    const answer = await this.answerAuthRequest(
      { ...request, state: param('state') },
      launch,
      claims,
    );
    this.#roster.recordLaunch(claims, launch.user);
    res
      .type('html')
      .set('cache-control', 'no-store')
      .send(
        autoPostPage(
          redirectUri,
          {
            id_token: answer.idToken,
            ...(answer.state !== undefined && { state: answer.state }),
          },
          `${this.issuer}/auto-post.js`,
        ),
      );
  }

  #contextUrl(contextId: string): string {
    return `${this.issuer}/contexts/${encodeURIComponent(contextId)}`;
  }

  #requireTool() {
    if (!this.#tool) throw new TypeError('Call setToolEndpoints() before launching');
    return this.#tool;
  }
}

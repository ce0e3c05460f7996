import type { RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { EndorsementCheckDeps } from '../../badges/endorsements/check-received-endorsement.js';
import type { Db } from '../../db/database.js';
import { listIssuerProfiles } from '../../badges/issuer-profile.js';
import { listPlatforms } from '../../lti/platform-registry.js';
import type { ToolKeyring } from '../../lti/tool-key.js';
import { adminScopeOf, type AdminScope } from './admin-session.js';
import type { RenderView } from '../views.js';

/** What every admin page's router is given by createAdminPages. */
export interface AdminPageKit {
  readonly db: Db;
  readonly publicUrl: string;
  /** The tool secret, which encrypts stored secrets (external LRSs' Basic secrets). */
  readonly secret: string;
  /** The tool's LTI signing keys, which the administrator of the whole tool may rotate. */
  readonly keyring: ToolKeyring;
  readonly render: RenderView;
  /** Lets a signed-in administrator through. */
  readonly admin: readonly RequestHandler[];
  /** A signed-in administrator's url-encoded form with a valid form token. */
  readonly changes: readonly RequestHandler[];
  /** Refuses a form without the administrator's form token; mount after the body parser. */
  readonly requireFormToken: RequestHandler;
  /** The signed-in administrator's form token, for views/partials/csrf.eta. */
  readonly csrfTokenOf: (res: Response) => string | null;
  /** What checking a received endorsement needs, fresh for each (its clock). */
  readonly endorsementChecks: () => EndorsementCheckDeps;
}

/**
 * The fields a form's zod issues fall on, first issue first: an issue's path is matched to the
 * longest field name it starts with (`address.postalCode`, `identifiers.1`), else to `form`.
 */
export function invalidFieldsOf(
  issues: readonly z.core.$ZodIssue[],
  fields: readonly string[],
): string[] {
  const invalid = new Set<string>();
  for (const issue of issues) {
    const path = issue.path.map(String).join('.');
    const field = [...fields]
      .sort((a, b) => b.length - a.length)
      .find((name) => path === name || path.startsWith(`${name}.`));
    invalid.add(field ?? 'form');
  }
  return [...invalid];
}

/** A form field's text, trimmed; empty when absent. */
export function textField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** A form field's text, or null when left empty (a detail to clear). */
export function optionalTextField(body: Record<string, unknown>, name: string): string | null {
  return textField(body, name) || null;
}

/** Whether an administrator of `scope` may see and change what belongs to this awarding body. */
export function reaches(scope: AdminScope, issuerProfileId: string | null): boolean {
  return scope.kind === 'tool' || scope.issuerProfileId === issuerProfileId;
}

type RegistryReads = {
  platforms?: ReturnType<typeof listPlatforms>;
  awardingBodies?: ReturnType<typeof listIssuerProfiles>;
};
const registryReadsOf = new WeakMap<Response, RegistryReads>();

/**
 * The LMS platforms and awarding bodies the signed-in administrator may see and change: all of
 * them for the whole tool, else their awarding body and its platforms. The queries read only
 * what is in scope, each at most once per request (a route that changes them redirects after).
 */
export function registryInScope(db: Db, res: Response) {
  const scope = adminScopeOf(res);
  const filter = scope.kind === 'tool' ? {} : { issuerProfileId: scope.issuerProfileId };
  const reads = registryReadsOf.get(res) ?? {};
  registryReadsOf.set(res, reads);
  return {
    platforms: () => (reads.platforms ??= listPlatforms(db, filter)),
    awardingBodies: () => (reads.awardingBodies ??= listIssuerProfiles(db, filter)),
  };
}

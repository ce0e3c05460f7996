import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {
  CredentialIssuancePurpose,
  defaultDocumentLoader,
  verifyCredential,
} from '@digitalbazaar/vc';
import {
  compactVerify,
  decodeJwt,
  decodeProtectedHeader,
  importJWK,
  type JWK,
  type JWTPayload,
} from 'jose';
import type { Db } from '../db/database.js';
import { isEd25519Multikey } from './base58.js';
import { VC_V2_CONTEXT_URL } from './context-urls.js';
import type { DidDocument } from './did-web.js';
import { createDocumentLoader } from './document-loader.js';
import { toolDocuments } from './tool-document-loader.js';
import { validateCredential } from './validate-credential.js';
import { extractCredential } from './verify/extract-credential.js';
import type {
  Check,
  CredentialVerifier,
  Reason,
  ReasonCode,
  VerificationReport,
} from './verify/verification-report.js';
import { createDatabaseLookups, type VerifierLookups } from './verify/verifier-lookups.js';

export {
  REASON_CODES,
  type Check,
  type CheckName,
  type CheckOutcome,
  type CredentialVerifier,
  type ReasonCode,
  type VerificationReport,
} from './verify/verification-report.js';

/**
 * Verification of Open Badges 3.0 credentials, ours or anybody's, offline: a JSON credential
 * with Data Integrity proofs, a VC-JWT, or either baked in a PNG or SVG. The report names every
 * check with its outcome and a reason a person can read, in English and as a code with values
 * that the pages translate. Keys resolve without the network:
 * our own issuer DIDs (from the database), `did:key`, a JWK embedded in a JWT header, and an
 * Ed25519 key named by the fragment of a verification method URL (as the 1EdTech validator
 * accepts it). Anything else is reported as not checkable offline, never fetched.
 */

const VC_V1_CONTEXT_URL = 'https://www.w3.org/2018/credentials/v1';
const OB_CONTEXT =
  /^https:\/\/(purl\.imsglobal\.org\/spec\/ob\/v3p0\/context(-3\.0\.\d+)?|imsglobal\.github\.io\/openbadges-specification\/context)\.json$/;

/**
 * The verifier, in this thread. Our issuer DIDs and status list entries come from `db`, or
 * through `lookups` where the database is in another thread (verification-pool.ts).
 */
export function createCredentialVerifier(
  deps: { publicUrl: string; now?: () => Date } & ({ db: Db } | { lookups: VerifierLookups }),
): CredentialVerifier {
  const { publicUrl } = deps;
  const lookups = 'lookups' in deps ? deps.lookups : createDatabaseLookups(deps);
  const toolLoader = createDocumentLoader({
    resolveDid: lookups.resolveDid,
    documents: toolDocuments(publicUrl),
  });

  return async (input) => {
    const extracted = extractCredential(input);
    if ('error' in extracted) {
      return {
        verified: false,
        format: extracted.format,
        checks: [{ check: 'format', outcome: 'failed', ...extracted.error }],
        credential: null,
      };
    }
    const { format, container, credential, jwt } = extracted;
    const checks: Check[] = [];
    const image = container?.toUpperCase();
    checks.push({
      check: 'format',
      outcome: 'passed',
      reason: `${jwt ? 'A VC-JWT' : 'A JSON credential'}${image ? ` baked in a ${image} image` : ''}`,
      ...(image
        ? {
            reasonCode: jwt ? 'bakedJwtCredential' : 'bakedJsonCredential',
            reasonValues: { image },
          }
        : { reasonCode: jwt ? 'jwtCredential' : 'jsonCredential' }),
    });

    const isV1 = contexts(credential)[0] === VC_V1_CONTEXT_URL;
    checks.push(checkContext(credential));
    checks.push(checkType(credential));
    checks.push(checkSchema(credential, isV1));
    checks.push(checkIssuerPresent(credential));
    checks.push(...checkValidity(credential, deps.now?.() ?? new Date()));
    const proofChecks = jwt
      ? await checkJwtProof(jwt, credential, toolLoader)
      : await checkDataIntegrity(credential, toolLoader, publicUrl);
    checks.push(...proofChecks);
    checks.push(await checkStatus(lookups, publicUrl, credential));

    const verified =
      checks.every((check) => check.outcome !== 'failed') &&
      checks.some((check) => check.check === 'proof' && check.outcome === 'passed');
    return { verified, format, checks, credential } satisfies VerificationReport;
  };
}

function contexts(credential: Record<string, unknown>): unknown[] {
  const value = credential['@context'];
  return Array.isArray(value) ? value : [value];
}

function checkContext(credential: Record<string, unknown>): Check {
  const list = contexts(credential);
  if (list[0] !== VC_V2_CONTEXT_URL && list[0] !== VC_V1_CONTEXT_URL) {
    const found = String(JSON.stringify(list[0]));
    return {
      check: 'context',
      outcome: 'failed',
      reason: `The first @context must be the W3C Verifiable Credentials context (${VC_V2_CONTEXT_URL}), not ${found}`,
      reasonCode: 'contextNotVc',
      reasonValues: { expected: VC_V2_CONTEXT_URL, found },
    };
  }
  if (!list.some((entry) => typeof entry === 'string' && OB_CONTEXT.test(entry))) {
    return {
      check: 'context',
      outcome: 'failed',
      reason: 'The Open Badges 3.0 context is missing',
      reasonCode: 'contextWithoutOpenBadges',
    };
  }
  if (list[0] === VC_V1_CONTEXT_URL) {
    return {
      check: 'context',
      outcome: 'warning',
      reason: 'Verifiable Credentials Data Model 1.1: an older form that OB 3.0 still accepts',
      reasonCode: 'contextVc11',
    };
  }
  return {
    check: 'context',
    outcome: 'passed',
    reason: 'VC 2.0 and Open Badges 3.0 contexts',
    reasonCode: 'contextsValid',
  };
}

function checkType(credential: Record<string, unknown>): Check {
  const types = ([] as unknown[]).concat(credential.type ?? []);
  const isVc = types.includes('VerifiableCredential');
  const isOb = types.includes('OpenBadgeCredential') || types.includes('AchievementCredential');
  if (isVc && isOb) {
    const listed = types.join(', ');
    return {
      check: 'type',
      outcome: 'passed',
      reason: `type ${listed}`,
      reasonCode: 'typeValid',
      reasonValues: { types: listed },
    };
  }
  const found = String(JSON.stringify(credential.type));
  return {
    check: 'type',
    outcome: 'failed',
    reason: `The type must include VerifiableCredential and OpenBadgeCredential (or AchievementCredential); it is ${found}`,
    reasonCode: 'typeInvalid',
    reasonValues: { found },
  };
}

/**
 * The official schema wants the canonical form (arrays for `type`, `proof` ...); JSON-LD
 * allows a single value instead, so single values are wrapped where the schema wants an array
 * before the remaining problems are reported, as the 1EdTech validator does.
 */
function checkSchema(credential: Record<string, unknown>, isV1: boolean): Check {
  if (isV1) {
    return {
      check: 'schema',
      outcome: 'skipped',
      reason: 'The official OB 3.0 JSON Schema describes VC 2.0 credentials; this one is VC 1.1',
      reasonCode: 'schemaNotForVc11',
    };
  }
  const copy = structuredClone(credential);
  let result = validateCredential(copy);
  for (let round = 0; round < 50 && !result.valid; round += 1) {
    const fixable = result.errors.filter((error) => error.message === 'must be array');
    if (fixable.length === 0) break;
    for (const error of fixable) wrapInArray(copy, error.path);
    result = validateCredential(copy);
  }
  if (result.valid) {
    return {
      check: 'schema',
      outcome: 'passed',
      reason: 'Matches the AchievementCredential schema',
      reasonCode: 'schemaValid',
    };
  }
  const shown = result.errors
    .filter((error) => !/must match exactly one schema|must be string$/.test(error.message))
    .slice(0, 6)
    .map((error) => `${error.path} ${error.message}`);
  const detail = (
    shown.length > 0 ? shown : result.errors.map((e) => `${e.path} ${e.message}`)
  ).join('; ');
  return {
    check: 'schema',
    outcome: 'failed',
    reason: `Does not match the OB 3.0 AchievementCredential schema: ${detail}`,
    reasonCode: 'schemaInvalid',
    reasonValues: { detail },
  };
}

function wrapInArray(document: Record<string, unknown>, pointer: string): void {
  const parts = pointer.split('/').slice(1);
  const last = parts.pop();
  if (last === undefined) return;
  let parent: unknown = document;
  for (const part of parts) parent = (parent as Record<string, unknown> | undefined)?.[part];
  if (parent && typeof parent === 'object') {
    const holder = parent as Record<string, unknown>;
    if (!Array.isArray(holder[last])) holder[last] = [holder[last]];
  }
}

function issuerId(credential: Record<string, unknown>): string | null {
  const issuer = credential.issuer;
  if (typeof issuer === 'string') return issuer;
  if (issuer && typeof issuer === 'object' && typeof (issuer as { id?: unknown }).id === 'string') {
    return (issuer as { id: string }).id;
  }
  return null;
}

function checkIssuerPresent(credential: Record<string, unknown>): Check {
  const id = issuerId(credential);
  if (id === null) {
    return {
      check: 'issuer',
      outcome: 'failed',
      reason: 'The credential names no issuer (issuer.id)',
      reasonCode: 'issuerMissing',
    };
  }
  return {
    check: 'issuer',
    outcome: 'passed',
    reason: `Issued by ${id}`,
    reasonCode: 'issuedBy',
    reasonValues: { issuer: id },
  };
}

function checkValidity(credential: Record<string, unknown>, now: Date): Check[] {
  const from = (credential.validFrom ?? credential.issuanceDate) as string | undefined;
  const until = (credential.validUntil ?? credential.expirationDate) as string | undefined;
  const checks: Check[] = [];
  if (from && Date.parse(from) > now.getTime()) {
    checks.push({
      check: 'validity',
      outcome: 'failed',
      reason: `Not valid yet: issued for ${from}, which is in the future`,
      reasonCode: 'notValidYet',
      ...datesOf({ validFrom: from }),
    });
  }
  if (until && Date.parse(until) < now.getTime()) {
    checks.push({
      check: 'validity',
      outcome: 'failed',
      reason: `Expired on ${until}`,
      reasonCode: 'expired',
      ...datesOf({ validUntil: until }),
    });
  }
  if (checks.length === 0) {
    checks.push({
      check: 'validity',
      outcome: 'passed',
      reason: `Valid from ${from ?? 'issuing'}${until ? ` until ${until}` : ', without end date'}`,
      reasonCode: from
        ? until
          ? 'validFromUntil'
          : 'validFromWithoutEnd'
        : until
          ? 'validUntil'
          : 'validWithoutDates',
      ...datesOf({ validFrom: from, validUntil: until }),
    });
  }
  return checks;
}

/** Dates for the pages to write in their language; one that does not parse is shown as written. */
function datesOf(
  dates: Record<string, string | undefined>,
): Pick<Reason, 'reasonValues' | 'reasonDates'> {
  const reasonValues: Record<string, string> = {};
  const reasonDates: Record<string, string> = {};
  for (const [name, value] of Object.entries(dates)) {
    if (value === undefined) continue;
    if (Number.isNaN(Date.parse(value))) reasonValues[name] = String(value);
    else reasonDates[name] = value;
  }
  return { reasonValues, reasonDates };
}

type Loader = (
  url: string,
) => Promise<{ contextUrl: null | string; documentUrl: string; document: unknown }>;

/** Where the key of a verification method comes from, when it resolves offline. */
type KeySource = 'didKey' | 'ourIssuerDid' | 'urlFragmentKey';

const KEY_SOURCE_TEXT: Record<KeySource, string> = {
  didKey: 'did:key',
  ourIssuerDid: 'one of our issuer DIDs',
  urlFragmentKey: 'the Ed25519 key named in the URL fragment',
};

const PROOF_VERIFIED_WITH: Record<KeySource, ReasonCode> = {
  didKey: 'proofVerifiedWithDidKey',
  ourIssuerDid: 'proofVerifiedWithOurIssuerDid',
  urlFragmentKey: 'proofVerifiedWithUrlFragmentKey',
};

/**
 * What a verification method URL is, before anything is resolved: a reason to reject it, a
 * key we can resolve offline, or one we cannot.
 */
function classifyMethod(
  method: unknown,
  publicUrl: string,
):
  { kind: 'invalid' | 'unresolvable'; reason: Reason } | { kind: 'resolvable'; source: KeySource } {
  if (typeof method !== 'string' || method === '') {
    return {
      kind: 'invalid',
      reason: { reason: 'The proof names no verification method', reasonCode: 'methodMissing' },
    };
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(method)?.[1]?.toLowerCase();
  if (!scheme) {
    return {
      kind: 'invalid',
      reason: {
        reason: `The verification method "${method}" has no URI scheme`,
        reasonCode: 'methodWithoutScheme',
        reasonValues: { method },
      },
    };
  }
  if (scheme === 'did') {
    const didMethod = `did:${method.split(':')[1] ?? ''}`;
    if (didMethod === 'did:key') {
      const key = method.slice('did:key:'.length).split('#')[0] ?? '';
      return isEd25519Multikey(key)
        ? { kind: 'resolvable', source: 'didKey' }
        : {
            kind: 'invalid',
            reason: {
              reason: `The did:key "${method}" is not an Ed25519 key`,
              reasonCode: 'didKeyNotEd25519',
              reasonValues: { method },
            },
          };
    }
    if (didMethod === 'did:web') {
      const ours = method.startsWith(`did:web:`) && method.includes(':issuers:');
      return ours && didOfPublicUrl(publicUrl, method)
        ? { kind: 'resolvable', source: 'ourIssuerDid' }
        : {
            kind: 'unresolvable',
            reason: {
              reason: `did:web of another host (${method}): not resolved offline`,
              reasonCode: 'didWebOfAnotherHost',
              reasonValues: { method },
            },
          };
    }
    return {
      kind: 'invalid',
      reason: {
        reason: `Unknown DID method "${didMethod}" in the verification method`,
        reasonCode: 'unknownDidMethod',
        reasonValues: { didMethod },
      },
    };
  }
  if (scheme === 'https' || scheme === 'http') {
    const fragment = method.split('#')[1] ?? '';
    if (fragment.startsWith('z6Mk')) {
      return isEd25519Multikey(fragment)
        ? { kind: 'resolvable', source: 'urlFragmentKey' }
        : {
            kind: 'invalid',
            reason: {
              reason: `The verification method "${method}" names no valid Ed25519 key`,
              reasonCode: 'methodKeyInvalid',
              reasonValues: { method },
            },
          };
    }
    return {
      kind: 'unresolvable',
      reason: {
        reason: `${method} would have to be fetched: not resolved offline`,
        reasonCode: 'methodNeedsFetching',
        reasonValues: { method },
      },
    };
  }
  return {
    kind: 'invalid',
    reason: {
      reason: `Unknown URI scheme "${scheme}:" in the verification method`,
      reasonCode: 'unknownUriScheme',
      reasonValues: { scheme: `${scheme}:` },
    },
  };
}

function didOfPublicUrl(publicUrl: string, method: string): boolean {
  const host = new URL(publicUrl).host.replace(':', '%3A');
  return method.startsWith(`did:web:${host}:`);
}

/** The loader for verifying: ours, plus did:key, URL-fragment keys and VC 1.1 contexts. */
function verifyLoader(
  toolLoader: Loader,
  publicUrl: string,
  /** Controller documents synthesised for URL-fragment keys, by controller URL. */
  fragmentKeyControllers: ReadonlyMap<string, Record<string, unknown>>,
): Loader {
  return async (url) => {
    if (url === VC_V1_CONTEXT_URL) return defaultDocumentLoader(url) as ReturnType<Loader>;
    if (url.startsWith('did:web:')) return toolLoader(url);
    const [base = '', fragment] = url.split('#', 2);
    const keyFromDidKey = url.startsWith('did:key:') ? base.slice('did:key:'.length) : null;
    const keyFromFragment =
      (url.startsWith('https:') || url.startsWith('http:')) && fragment?.startsWith('z6Mk')
        ? fragment
        : null;
    const key = keyFromDidKey ?? keyFromFragment;
    if (key && isEd25519Multikey(key) && classifyMethod(url, publicUrl).kind !== 'invalid') {
      const methodId = keyFromDidKey ? `${base}#${key}` : url;
      const method = { id: methodId, type: 'Multikey', controller: base, publicKeyMultibase: key };
      if (fragment === undefined && !keyFromDidKey) return toolLoader(url);
      if (fragment === undefined) {
        // A bare did:key serves as its own verification method and controller document.
        const document = {
          '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
          id: base,
          type: 'Multikey',
          controller: base,
          publicKeyMultibase: key,
          verificationMethod: [method],
          assertionMethod: [base, methodId],
        };
        return { contextUrl: null, documentUrl: url, document };
      }
      return {
        contextUrl: null,
        documentUrl: url,
        document: { '@context': 'https://w3id.org/security/multikey/v1', ...method },
      };
    }
    if (!fragment && /^https?:/.test(url)) {
      // The controller document of URL-fragment keys: it lists the key as an assertion method.
      const known = fragmentKeyControllers.get(url);
      if (known) return { contextUrl: null, documentUrl: url, document: known };
    }
    return toolLoader(url);
  };
}

async function checkDataIntegrity(
  credential: Record<string, unknown>,
  toolLoader: Loader,
  publicUrl: string,
): Promise<Check[]> {
  const proofs = ([] as unknown[]).concat(credential.proof ?? []) as Record<string, unknown>[];
  if (proofs.length === 0) {
    return [
      {
        check: 'proof',
        outcome: 'failed',
        reason: 'The credential has no proof',
        reasonCode: 'proofMissing',
      },
    ];
  }
  const supported = proofs.filter(
    (proof) => proof?.type === 'DataIntegrityProof' && proof.cryptosuite === 'eddsa-rdfc-2022',
  );
  if (supported.length === 0) {
    const found = proofs
      .map((proof) => `${String(proof?.type)}/${String(proof?.cryptosuite)}`)
      .join(', ');
    return [
      {
        check: 'proof',
        outcome: 'skipped',
        reason: `No proof this verifier can check (DataIntegrityProof eddsa-rdfc-2022); found ${found}`,
        reasonCode: 'proofUnsupported',
        reasonValues: { found },
      },
    ];
  }
  const checks: Check[] = [];
  for (const proof of supported) {
    const fragmentKeyControllers = new Map<string, Record<string, unknown>>();
    const method = classifyMethod(proof.verificationMethod, publicUrl);
    if (method.kind !== 'resolvable') {
      const outcome = method.kind === 'invalid' ? 'failed' : 'skipped';
      checks.push({ check: 'proof', outcome, ...method.reason });
      continue;
    }
    const methodId = String(proof.verificationMethod);
    const controller = methodId.split('#')[0] ?? '';
    if (/^https?:/.test(methodId)) {
      fragmentKeyControllers.set(controller, {
        '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
        id: controller,
        assertionMethod: [methodId],
      });
    }
    const result = await verifyCredential({
      credential: { ...credential, proof },
      suite: new DataIntegrityProof({ cryptosuite }),
      documentLoader: verifyLoader(toolLoader, publicUrl, fragmentKeyControllers),
      // Status and issuer binding are their own checks.
      checkStatus: async () => ({ verified: true }),
      purpose: new ProofOnlyPurpose(),
    });
    if (result.verified) {
      checks.push({
        check: 'proof',
        outcome: 'passed',
        reason: `Data Integrity proof (eddsa-rdfc-2022) verified with ${KEY_SOURCE_TEXT[method.source]}`,
        reasonCode: PROOF_VERIFIED_WITH[method.source],
      });
      checks.push(bindingCheck(credential, methodId, method.source));
    } else {
      checks.push({ check: 'proof', outcome: 'failed', ...proofFailure(result) });
    }
  }
  return checks;
}

/**
 * `assertionMethod` without the library's issuer = controller rule: that the key belongs to
 * the issuer is reported by bindingCheck, as a warning or a failure with its own reason.
 */
class ProofOnlyPurpose extends CredentialIssuancePurpose {
  override validate(proof: unknown, options: unknown) {
    const assertion = Object.getPrototypeOf(CredentialIssuancePurpose.prototype) as {
      validate: (proof: unknown, options: unknown) => Promise<{ valid: boolean; error?: unknown }>;
    };
    return assertion.validate.call(this, proof, options);
  }
}

/** Whether the key that signed belongs to the issuer the credential names. */
function bindingCheck(
  credential: Record<string, unknown>,
  methodId: string,
  source: KeySource,
): Check {
  const issuer = issuerId(credential);
  const controller = methodId.split('#')[0];
  if (issuer === null) {
    return {
      check: 'issuer',
      outcome: 'failed',
      reason: 'No issuer to bind the key to',
      reasonCode: 'bindingWithoutIssuer',
    };
  }
  if (controller !== issuer) {
    return {
      check: 'issuer',
      outcome: 'warning',
      reason: `The signing key (${methodId}) is not under the issuer's id ${issuer}`,
      reasonCode: 'keyNotUnderIssuer',
      reasonValues: { key: methodId, issuer },
    };
  }
  // The key is the issuer's: a DID one (did:key, our did:web) or one named in the issuer's URL.
  if (source !== 'urlFragmentKey') {
    return {
      check: 'issuer',
      outcome: 'passed',
      reason: `Signed by a key of the issuer's DID (${KEY_SOURCE_TEXT[source]})`,
      reasonCode: source === 'didKey' ? 'signedWithIssuerDidKey' : 'signedWithOurIssuerDid',
    };
  }
  return {
    check: 'issuer',
    outcome: 'warning',
    reason: `The key is named only by the verification method URL (${KEY_SOURCE_TEXT[source]}); no document the issuer publishes confirms it offline`,
    reasonCode: 'keyOnlyInMethodUrl',
  };
}

async function checkJwtProof(
  jwt: string,
  credential: Record<string, unknown>,
  toolLoader: Loader,
): Promise<Check[]> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let payload: JWTPayload;
  try {
    header = decodeProtectedHeader(jwt);
    payload = decodeJwt(jwt);
  } catch {
    return [
      {
        check: 'proof',
        outcome: 'failed',
        reason: 'The JWT header or payload is malformed',
        reasonCode: 'jwtMalformed',
      },
    ];
  }
  const alg = header.alg ?? '';
  if (!['RS256', 'ES256', 'EdDSA', 'PS256', 'ES384', 'RS384', 'RS512'].includes(alg)) {
    return [
      {
        check: 'proof',
        outcome: 'failed',
        reason: `Unsupported JWT algorithm "${alg}"`,
        reasonCode: 'jwtAlgorithmUnsupported',
        reasonValues: { alg },
      },
    ];
  }
  let jwk: JWK | null = null;
  let verifiedWith: Reason;
  if (header.jwk) {
    jwk = header.jwk as JWK;
    verifiedWith = {
      reason: `JWT (${alg}) verified with the key embedded in the JWT header`,
      reasonCode: 'jwtVerifiedWithHeaderKey',
      reasonValues: { alg },
    };
  } else if (typeof header.kid === 'string' && header.kid.startsWith('did:web:')) {
    try {
      const { document } = await toolLoader(header.kid.split('#')[0] ?? '');
      const method = (document as DidDocument).verificationMethod.find(
        (candidate) => candidate.id === header.kid,
      );
      if (method && 'publicKeyJwk' in method) jwk = method.publicKeyJwk as JWK;
    } catch {
      // not one of ours: reported below
    }
    verifiedWith = {
      reason: `JWT (${alg}) verified with the key ${header.kid} from the issuer's DID document`,
      reasonCode: 'jwtVerifiedWithIssuerKey',
      reasonValues: { alg, key: header.kid },
    };
    if (!jwk) {
      return [
        {
          check: 'proof',
          outcome: 'skipped',
          reason: `The key ${header.kid} cannot be resolved offline`,
          reasonCode: 'jwtKeyNotResolvable',
          reasonValues: { key: header.kid },
        },
      ];
    }
  } else {
    return [
      {
        check: 'proof',
        outcome: 'skipped',
        reason: `The JWT's key (${String(header.kid ?? 'none named')}) cannot be resolved offline`,
        ...(header.kid === undefined
          ? { reasonCode: 'jwtKeyNotNamed' }
          : { reasonCode: 'jwtKeyNotResolvable', reasonValues: { key: String(header.kid) } }),
      },
    ];
  }
  try {
    await compactVerify(jwt, await importJWK(jwk, alg));
  } catch (error) {
    const detail = (error as Error).message;
    return [
      {
        check: 'proof',
        outcome: 'failed',
        reason: `The JWT signature does not verify: ${detail}`,
        reasonCode: 'jwtSignatureInvalid',
        reasonValues: { detail },
      },
    ];
  }
  const checks: Check[] = [{ check: 'proof', outcome: 'passed', ...verifiedWith }];
  const issuer = issuerId(credential);
  const claimProblems: { claim: string; problem: string }[] = [];
  if (payload.iss !== undefined && payload.iss !== issuer)
    claimProblems.push({ claim: 'iss', problem: `iss ${payload.iss} is not the issuer ${issuer}` });
  if (payload.jti !== undefined && credential.id !== undefined && payload.jti !== credential.id) {
    claimProblems.push({ claim: 'jti', problem: `jti ${payload.jti} is not the credential id` });
  }
  const subjectId = (credential.credentialSubject as { id?: string } | undefined)?.id;
  if (payload.sub !== undefined && subjectId !== undefined && payload.sub !== subjectId) {
    claimProblems.push({ claim: 'sub', problem: 'sub is not the credentialSubject id' });
  }
  if (claimProblems.length > 0) {
    checks.push({
      check: 'issuer',
      outcome: 'failed',
      reason: `JWT claims disagree with the credential: ${claimProblems.map((entry) => entry.problem).join('; ')}`,
      reasonCode: 'jwtClaimsDisagree',
      reasonValues: { claims: claimProblems.map((entry) => entry.claim).join(', ') },
    });
  } else if (header.jwk) {
    checks.push({
      check: 'issuer',
      outcome: 'warning',
      reason: 'The key travels inside the JWT: nothing the issuer publishes confirms it offline',
      reasonCode: 'jwtKeyInHeader',
    });
  } else if (issuer && typeof header.kid === 'string' && header.kid.startsWith(`${issuer}#`)) {
    checks.push({
      check: 'issuer',
      outcome: 'passed',
      reason: `Signed by a key of the issuer's DID (${header.kid})`,
      reasonCode: 'signedWithIssuerKey',
      reasonValues: { key: header.kid },
    });
  } else {
    checks.push({
      check: 'issuer',
      outcome: 'failed',
      reason: `The key ${String(header.kid)} does not belong to the issuer ${issuer}`,
      reasonCode: 'keyNotOfIssuer',
      reasonValues: { key: String(header.kid), issuer: String(issuer) },
    });
  }
  return checks;
}

async function checkStatus(
  lookups: VerifierLookups,
  publicUrl: string,
  credential: Record<string, unknown>,
): Promise<Check> {
  const status = credential.credentialStatus as Record<string, unknown> | undefined;
  if (!status)
    return {
      check: 'status',
      outcome: 'passed',
      reason: 'The credential has no status list: it cannot be revoked',
      reasonCode: 'statusListMissing',
    };
  const listUrl = String(status.statusListCredential ?? '');
  const prefix = `${publicUrl}/status-lists/`;
  if (status.type !== 'BitstringStatusListEntry' || !listUrl.startsWith(prefix)) {
    const statusType = String(status.type);
    const list = listUrl || String(status.id);
    return {
      check: 'status',
      outcome: 'skipped',
      reason: `Status ${statusType} at ${list} cannot be checked offline`,
      reasonCode: 'statusNotCheckable',
      reasonValues: { statusType, list },
    };
  }
  const listId = listUrl.slice(prefix.length);
  const index = Number(status.statusListIndex);
  const record = /^[0-9a-f-]{36}$/i.test(listId)
    ? await lookups.findStatusEntry(listId, index)
    : null;
  if (!record) {
    return {
      check: 'status',
      outcome: 'failed',
      reason: `Status list entry ${listUrl}#${index} is unknown here`,
      reasonCode: 'statusEntryUnknown',
      reasonValues: { entry: `${listUrl}#${index}` },
    };
  }
  if (record.revokedAt === null) {
    return {
      check: 'status',
      outcome: 'passed',
      reason: "Not revoked (checked against the issuer's status list)",
      reasonCode: 'notRevoked',
    };
  }
  const { revokedAt, revocationReason } = record;
  return {
    check: 'status',
    outcome: 'failed',
    reasonDates: { revokedAt },
    ...(revocationReason !== null
      ? {
          reason: `Revoked on ${revokedAt}: ${revocationReason}`,
          reasonCode: 'revokedWithReason',
          reasonValues: { reason: revocationReason },
        }
      : { reason: `Revoked on ${revokedAt}`, reasonCode: 'revoked' }),
  };
}

function proofFailure(result: { error?: unknown; results?: { error?: unknown }[] }): Reason {
  const error = (result.results?.[0]?.error ?? result.error) as
    { message?: string; errors?: { message?: string }[] } | undefined;
  const detail = error?.errors?.[0]?.message ?? error?.message;
  const prefix = 'The Data Integrity proof does not verify';
  if (detail === undefined) {
    return { reason: `${prefix}: unknown reason`, reasonCode: 'proofNotVerifiedUnexplained' };
  }
  if (/invalid signature|Invalid signature/i.test(detail)) {
    return {
      reason: `${prefix}: the signature is invalid`,
      reasonCode: 'proofSignatureInvalid',
    };
  }
  return {
    reason: `${prefix}: ${detail}`,
    reasonCode: 'proofNotVerified',
    reasonValues: { detail },
  };
}

import type { Db } from '../../db/database.js';
import type { DidDocument } from '../did-web.js';
import { createDocumentLoader } from '../document-loader.js';
import { toolDocuments } from '../tool-document-loader.js';
import { checkContext } from './check-context.js';
import { checkFormat } from './check-format.js';
import { checkIssuerPresent } from './check-issuer.js';
import { checkJwtProof } from './check-jwt-proof.js';
import { checkDataIntegrity } from './check-proof.js';
import { checkSchema } from './check-schema.js';
import { checkStatus } from './check-status.js';
import { checkType } from './check-type.js';
import { checkValidityPeriod } from './check-validity-period.js';
import { extractCredential } from './extract-credential.js';
import { verdictOf } from './verdict.js';
import type {
  Check,
  CheckName,
  CredentialVerifier,
  VerificationReport,
} from './verification-report.js';
import { createDatabaseLookups, type VerifierLookups } from './verifier-lookups.js';

const UNCHECKED_WITHOUT_CREDENTIAL: readonly CheckName[] = [
  'schema',
  'issuer',
  'validity',
  'proof',
  'status',
];

function notChecked(check: CheckName): Check {
  return {
    check,
    outcome: 'skipped',
    reason: 'Not checked: the document is not an Open Badges credential',
    reasonCode: 'notAnOpenBadge',
  };
}

/**
 * Documents of a partner issuer, given before verifying (src/recognition/): its did:web DID
 * documents by DID, the `encodedList` of its verified status list credentials by URL, and
 * JSON-LD contexts by URL (our extension context as another instance of the tool publishes it).
 * The verifier itself still fetches nothing.
 */
export type PartnerDocuments = {
  didDocuments: ReadonlyMap<string, DidDocument>;
  statusLists: ReadonlyMap<string, string>;
  contexts: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
};

/**
 * Verification of Open Badges 3.0 credentials, ours or anybody's, offline: a JSON credential
 * with Data Integrity proofs, a VC-JWT, or either baked in a PNG or SVG. The report names every
 * check with its outcome and a reason a person can read, in English and as a code with values
 * that the pages translate. Keys resolve without the network: our own issuer DIDs, `did:key`,
 * a JWK embedded in a JWT header, and an Ed25519 key named by the fragment of a verification
 * method URL (as the 1EdTech validator accepts it). Anything else is reported as not checkable
 * offline, never fetched. Each check is a file of this folder; this one lists them in order.
 *
 * This verifier runs in the calling thread. Our issuer DIDs and status list entries come from
 * `db`, or through `lookups` where the database is in another thread (verification-pool.ts,
 * which is what the tool's routes use).
 */
export function createCredentialVerifier(
  deps: { publicUrl: string; now?: () => Date; partners?: PartnerDocuments } & (
    { db: Db } | { lookups: VerifierLookups }
  ),
): CredentialVerifier {
  const { publicUrl } = deps;
  const lookups = 'lookups' in deps ? deps.lookups : createDatabaseLookups(deps);
  const partnerDids = deps.partners?.didDocuments ?? new Map<string, DidDocument>();
  const partnerStatusLists = deps.partners?.statusLists ?? new Map<string, string>();
  const toolLoader = createDocumentLoader({
    resolveDid: async (did) => (await lookups.resolveDid(did)) ?? partnerDids.get(did) ?? null,
    documents: new Map([...(deps.partners?.contexts ?? []), ...toolDocuments(publicUrl)]),
  });

  return async (input) => {
    const extracted = extractCredential(input);
    if ('error' in extracted) {
      return {
        verified: false,
        verdict: 'notACredential',
        format: extracted.format,
        checks: [{ check: 'format', outcome: 'failed', ...extracted.error }],
        credential: null,
      };
    }
    const { format, credential, jwt } = extracted;
    const shape = [checkFormat(extracted), checkContext(credential), checkType(credential)];
    if (shape.some((check) => check.outcome === 'failed')) {
      // Not a credential: its dates, signature and status mean nothing, so none reads as passed.
      const checks = [...shape, ...UNCHECKED_WITHOUT_CREDENTIAL.map(notChecked)];
      return { verified: false, verdict: 'notACredential', format, checks, credential };
    }
    const checks: Check[] = [
      ...shape,
      checkSchema(credential),
      checkIssuerPresent(credential),
      ...checkValidityPeriod(credential, deps.now?.() ?? new Date()),
      ...(jwt
        ? await checkJwtProof(jwt, credential, toolLoader)
        : await checkDataIntegrity(credential, toolLoader, publicUrl, new Set(partnerDids.keys()))),
      await checkStatus(lookups, publicUrl, credential, partnerStatusLists),
    ];
    const verified =
      checks.every((check) => check.outcome !== 'failed') &&
      checks.some((check) => check.check === 'proof' && check.outcome === 'passed');
    const report = { verified, format, checks, credential };
    return { ...report, verdict: verdictOf(report) } satisfies VerificationReport;
  };
}

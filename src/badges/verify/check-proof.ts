import '../../shared/no-proto-accessor.js';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { CredentialIssuancePurpose, verifyCredential } from '@digitalbazaar/vc';
import { issuerId } from './check-issuer.js';
import type { Check, Reason } from './verification-report.js';
import {
  classifyMethod,
  KEY_SOURCE_TEXT,
  PROOF_VERIFIED_WITH,
  verifyLoader,
  type KeySource,
  type Loader,
} from './verification-method.js';

/** Data Integrity proofs (eddsa-rdfc-2022), each verified on its own, and the key's binding. */

export async function checkDataIntegrity(
  credential: Record<string, unknown>,
  toolLoader: Loader,
  publicUrl: string,
  partnerDids: ReadonlySet<string> = new Set(),
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
    const method = classifyMethod(proof.verificationMethod, publicUrl, partnerDids);
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
      // Status, issuer binding and the validity period are their own checks: the library would
      // fail an expired or not yet valid credential here, as if its signature were wrong, and
      // vc 7.3 has no proof-only call nor an option to skip its date checks, so they are made to
      // pass with an unbounded clock skew.
      checkStatus: async () => ({ verified: true }),
      maxClockSkew: Number.POSITIVE_INFINITY,
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

const SIGNED_WITH = {
  didKey: 'signedWithIssuerDidKey',
  ourIssuerDid: 'signedWithOurIssuerDid',
  partnerDid: 'signedWithPartnerDid',
} as const;

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
  // The key is the issuer's: a DID one (did:key, a did:web) or one named in the issuer's URL.
  if (source !== 'urlFragmentKey') {
    return {
      check: 'issuer',
      outcome: 'passed',
      reason: `Signed by a key of the issuer's DID (${KEY_SOURCE_TEXT[source]})`,
      reasonCode: SIGNED_WITH[source],
    };
  }
  return {
    check: 'issuer',
    outcome: 'warning',
    reason: `The key is named only by the verification method URL (${KEY_SOURCE_TEXT[source]}); no document the issuer publishes confirms it offline`,
    reasonCode: 'keyOnlyInMethodUrl',
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

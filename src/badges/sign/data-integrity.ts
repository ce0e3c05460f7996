import '../../shared/no-proto-accessor.js';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { issue } from '@digitalbazaar/vc';
import { DocumentNotBundledError } from '../../errors.js';
import type { DocumentLoader } from '../document-loader.js';
import type { IssuerSigningKey } from '../issuer-keys.js';
import type {
  DataIntegrityProofValue,
  OpenBadgeCredential,
  SignedOpenBadgeCredential,
} from '../open-badge-credential.js';

/**
 * Signs a credential with a Data Integrity proof (VC Data Integrity 1.0), cryptosuite
 * `eddsa-rdfc-2022`, proof purpose `assertionMethod`, verification method `key.id`, created
 * at `now` (seconds precision). Returns a new object; `credential` is left untouched. `proof`
 * is always an array, the canonical form OB 3.0's schema requires; existing proofs are kept.
 * Contexts come from `documentLoader`, so nothing is fetched. Throws TypeError when the key
 * does not belong to the issuer, DocumentNotBundledError when the credential needs a document
 * the loader refuses, and jsonld's error when a term is defined by no context.
 */
export async function signDataIntegrity(options: {
  credential: OpenBadgeCredential | SignedOpenBadgeCredential;
  key: IssuerSigningKey;
  documentLoader: DocumentLoader;
  now?: Date;
}): Promise<SignedOpenBadgeCredential> {
  const { credential, key, documentLoader, now = new Date() } = options;
  if (key.controller !== credential.issuer.id) {
    throw new TypeError(`Key ${key.id} is not controlled by the issuer ${credential.issuer.id}`);
  }
  const suite = new DataIntegrityProof({ signer: key.signer(), cryptosuite, date: now });
  let signed: Record<string, unknown>;
  try {
    signed = await issue({ credential: structuredClone(credential), suite, documentLoader, now });
  } catch (error) {
    throw findNotBundled(error) ?? error;
  }
  const proofs = Array.isArray(signed.proof) ? signed.proof : [signed.proof];
  return { ...(signed as OpenBadgeCredential), proof: proofs as DataIntegrityProofValue[] };
}

/** jsonld.js wraps loader failures (`details.cause`); surface ours so callers can tell them apart. */
function findNotBundled(error: unknown): DocumentNotBundledError | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    if (current instanceof DocumentNotBundledError) return current;
    const wrapper = current as { cause?: unknown; details?: { cause?: unknown } };
    current = wrapper.details?.cause ?? wrapper.cause;
  }
  return undefined;
}

import '../../shared/no-proto-accessor.js';
import { driver as createDidKeyDriver } from '@digitalbazaar/did-method-key';
import { Ed25519Signature2020 } from '@digitalbazaar/ed25519-signature-2020';
import { Ed25519VerificationKey2020 } from '@digitalbazaar/ed25519-verification-key-2020';
import { verify } from '@digitalbazaar/vc';
import ed25519Context from 'ed25519-signature-2020-context';
import jsigs from 'jsonld-signatures';
import { createDocumentLoader, type DocumentLoader } from '../../badges/document-loader.js';
import { toolDocuments } from '../../badges/tool-document-loader.js';
import { MICROCREDENTIAL_CONTEXT_PATH } from '../../badges/microcredential-context.js';
import {
  WalletDidAuthFailedError,
  WalletPresentationInvalidError,
} from './wallet-exchange-errors.js';

/** What a DIDAuth presentation must answer: our challenge, and for VC-API our domain. */
export type DidAuthExpectation = {
  readonly challenge: string;
  /** Required in the proof when given (VC-API); the direct link signs without one. */
  readonly domain?: string;
};

/** Checks a wallet's DIDAuth presentation; resolves with the DID it proved control of. */
export type DidAuthVerifier = (
  presentation: unknown,
  expected: DidAuthExpectation,
) => Promise<{ holderDid: string }>;

/**
 * An Ed25519 did:key (multicodec 0xed01 in base58btc: always `z6Mk` and 44 more characters),
 * the only DID a Learner Credential Wallet profile has.
 */
const ED25519_DID_KEY = /^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{44}$/;
const PROOF_TYPE = 'Ed25519Signature2020';

/**
 * Verifies the DIDAuth presentation a Learner Credential Wallet signs (app/lib/present.ts and
 * composeVp.ts in LCW 2.2): a `VerifiablePresentation` without credentials whose `holder` is
 * the wallet's Ed25519 did:key, with one `Ed25519Signature2020` proof for the purpose
 * `authentication`, made by that DID's key, carrying `expected.challenge` (and
 * `expected.domain` when given). The signature is checked with @digitalbazaar/vc; keys come
 * from the did:key itself and contexts from the tool's bundle, never from the network.
 * The returned function rejects with WalletPresentationInvalidError (400) for a message that is
 * no such presentation or names another kind of holder, and with WalletDidAuthFailedError
 * (401) when the proof is missing, made by another key than the holder's, for another
 * purpose, challenge or domain, or does not verify.
 */
export function createDidAuthVerifier(): DidAuthVerifier {
  const documentLoader = didAuthDocumentLoader();
  const suite = new Ed25519Signature2020();

  return async (message, expected) => {
    const { presentation, holder, proof } = readPresentation(message);
    checkProof(proof, holder, expected);
    // verify() reports a bad proof in its result, and rejects on a document it cannot load.
    const verified = await verify({
      presentation,
      suite,
      documentLoader,
      challenge: expected.challenge,
      ...(expected.domain === undefined ? {} : { domain: expected.domain }),
    }).then(
      (result) => result.verified,
      () => false,
    );
    if (!verified) {
      throw new WalletDidAuthFailedError(
        "The presentation's signature does not verify with its holder's key: sign the presentation as it is sent.",
      );
    }
    return { holderDid: holder };
  };
}

/** Checks a wallet's presentation of credentials; resolves with its holder and the credentials. */
export type CredentialPresentationVerifier = (
  presentation: unknown,
  expected: Required<DidAuthExpectation>,
) => Promise<{ holderDid: string; credentials: unknown[] }>;

/**
 * Verifies a presentation of credentials a wallet answers a VC-API presentation request with:
 * as a DIDAuth presentation (holder, proof type, purpose, challenge, domain, the holder's key),
 * but carrying at least one credential. Only the presentation's own proof is checked here
 * (jsonld-signatures, the library @digitalbazaar/vc verifies with): each credential is the
 * recognition's to verify against its issuer. Rejects like createDidAuthVerifier, and with
 * WalletPresentationInvalidError (400) for a presentation without credentials.
 */
export function createCredentialPresentationVerifier(): CredentialPresentationVerifier {
  const didAuthLoader = didAuthDocumentLoader();
  // Credentials of another instance of this tool name our extension context under its own
  // address; the context is ours, bundled, so it is served from here rather than fetched.
  const documentLoader: DocumentLoader = async (url) => {
    if (!/^https?:\/\//.test(url) || !url.endsWith(MICROCREDENTIAL_CONTEXT_PATH)) {
      return didAuthLoader(url);
    }
    const publicUrl = url.slice(0, -MICROCREDENTIAL_CONTEXT_PATH.length);
    const context = toolDocuments(publicUrl).get(url);
    return context ? { contextUrl: null, documentUrl: url, document: context } : didAuthLoader(url);
  };
  const suite = new Ed25519Signature2020();

  return async (message, expected) => {
    const { presentation, holder, proof } = readPresentation(message, { withCredentials: true });
    checkProof(proof, holder, expected);
    const purpose = new jsigs.purposes.AuthenticationProofPurpose({
      challenge: expected.challenge,
      domain: expected.domain,
    });
    const verified = await jsigs.verify(presentation, { suite, purpose, documentLoader }).then(
      (result) => result.verified,
      () => false,
    );
    if (!verified) {
      throw new WalletDidAuthFailedError(
        "The presentation's signature does not verify with its holder's key: sign the presentation as it is sent.",
      );
    }
    return { holderDid: holder, credentials: [presentation.verifiableCredential].flat() };
  };
}

type Proof = Record<string, unknown>;

function readPresentation(
  presentation: unknown,
  options: { withCredentials: boolean } = { withCredentials: false },
): {
  presentation: Record<string, unknown>;
  holder: string;
  proof: Proof;
} {
  if (!isObject(presentation)) {
    throw new WalletPresentationInvalidError('Send a Verifiable Presentation as a JSON object.');
  }
  const types = [presentation.type].flat();
  if (!types.includes('VerifiablePresentation')) {
    throw new WalletPresentationInvalidError(
      'The presentation\'s "type" must include "VerifiablePresentation".',
    );
  }
  const { holder } = presentation;
  if (typeof holder !== 'string' || !ED25519_DID_KEY.test(holder)) {
    throw new WalletPresentationInvalidError(
      'The presentation\'s "holder" must be the wallet\'s Ed25519 did:key DID (did:key:z6Mk...); no other DID method is accepted here.',
    );
  }
  const credentialCount = [presentation.verifiableCredential ?? []].flat().length;
  if (options.withCredentials && credentialCount === 0) {
    throw new WalletPresentationInvalidError(
      'The presentation carries no credential: choose the Open Badge to present in your wallet and send it in "verifiableCredential".',
    );
  }
  if (!options.withCredentials && credentialCount > 0) {
    throw new WalletPresentationInvalidError(
      'A DIDAuth presentation carries no credentials: send the signed presentation without "verifiableCredential".',
    );
  }
  const proofs = [presentation.proof ?? []].flat();
  if (proofs.length === 0) {
    throw new WalletDidAuthFailedError(
      `The presentation is not signed: sign it with the holder's did:key (${PROOF_TYPE}, proofPurpose "authentication").`,
    );
  }
  const [proof] = proofs;
  if (proofs.length > 1 || !isObject(proof)) {
    throw new WalletPresentationInvalidError(
      'The presentation must carry exactly one proof object.',
    );
  }
  return { presentation, holder, proof };
}

function checkProof(proof: Proof, holder: string, expected: DidAuthExpectation): void {
  if (proof.type !== PROOF_TYPE) {
    throw new WalletDidAuthFailedError(
      `The proof is of type ${JSON.stringify(proof.type)}; this exchange accepts ${PROOF_TYPE} only.`,
    );
  }
  if (proof.proofPurpose !== 'authentication') {
    throw new WalletDidAuthFailedError(
      `The proof's purpose is ${JSON.stringify(proof.proofPurpose)}; DIDAuth needs "authentication".`,
    );
  }
  if (proof.challenge !== expected.challenge) {
    throw new WalletDidAuthFailedError(
      "The presentation answers another challenge than this exchange's: sign it with the challenge of this exchange.",
    );
  }
  if (expected.domain !== undefined && proof.domain !== expected.domain) {
    throw new WalletDidAuthFailedError(
      `The presentation is signed for the domain ${JSON.stringify(proof.domain ?? null)}; this exchange asks for "${expected.domain}".`,
    );
  }
  const holderKey = `${holder}#${holder.slice('did:key:'.length)}`;
  if (proof.verificationMethod !== holderKey) {
    throw new WalletDidAuthFailedError(
      `The presentation is signed by ${JSON.stringify(proof.verificationMethod)}, not by the key of its holder ${holder}.`,
    );
  }
}

/**
 * Contexts from the tool's bundle plus the Ed25519Signature2020 suite context, and did:key DIDs
 * and key ids resolved from the DID itself: nothing is fetched.
 */
function didAuthDocumentLoader(): DocumentLoader {
  const bundled = createDocumentLoader({
    // A wallet's DIDAuth never involves our did:web issuers.
    resolveDid: async () => null,
    documents: new Map([[ed25519Context.CONTEXT_URL, ed25519Context.CONTEXT]]),
  });
  const didKey = createDidKeyDriver();
  didKey.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519VerificationKey2020.from });
  return async (url) => {
    if (!url.startsWith('did:key:')) return bundled(url);
    return { contextUrl: null, documentUrl: url, document: await didKey.get({ url }) };
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

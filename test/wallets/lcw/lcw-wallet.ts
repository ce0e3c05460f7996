import { randomBytes } from 'node:crypto';
import * as DidMethodKey from '@digitalcredentials/did-method-key';
import { Ed25519Signature2020 } from '@digitalcredentials/ed25519-signature-2020';
import { Ed25519VerificationKey2020 } from '@digitalcredentials/ed25519-verification-key-2020';
import { securityLoader } from '@digitalcredentials/security-document-loader';
import * as vc from '@digitalcredentials/vc';
import { createDocumentLoader } from '../../../src/badges/document-loader.js';

/**
 * Plays the Learner Credential Wallet 2.2 (github.com/openwallet-foundation-labs/
 * learner-credential-wallet at 1c46a82) with the libraries it signs with and the parameters
 * it passes, and reads our links and answers the way it reads them.
 */

/** The key pair as the wallet stores it (`export({ publicKey: true, privateKey: true })`). */
type StoredKeyPair = Parameters<typeof Ed25519VerificationKey2020.from>[0];

/** A wallet profile: its did:key and the key pair the wallet stores. */
export interface WalletProfile {
  readonly did: string;
  readonly verificationKey: StoredKeyPair;
}

/** A new profile, as app/lib/did.ts `mintDid` makes one from a random seed. */
export async function mintWalletProfile(): Promise<WalletProfile> {
  const didKeyDriver = DidMethodKey.driver();
  didKeyDriver.use({
    multibaseMultikeyHeader: 'z6Mk',
    fromMultibase: Ed25519VerificationKey2020.from,
  });
  const verificationKeyPair = await Ed25519VerificationKey2020.generate({
    seed: new Uint8Array(randomBytes(32)),
  });
  const { didDocument } = await didKeyDriver.fromKeyPair({ verificationKeyPair });
  const did = didDocument.id;
  verificationKeyPair.controller = did;
  verificationKeyPair.id = `${did}#${verificationKeyPair.fingerprint()}`;
  return {
    did,
    verificationKey: verificationKeyPair.export({
      publicKey: true,
      privateKey: true,
    }) as StoredKeyPair,
  };
}

const documentLoader = securityLoader({ fetchRemoteContexts: true }).build();

/**
 * The DIDAuth presentation the wallet signs: `holder` is its DID, the proof is
 * Ed25519Signature2020 for `authentication` over `challenge`, and `domain` when a VC-API
 * request gave one (composeVp.ts; the direct flow in present.ts signs without). `signedBy`
 * signs with another profile's key than the holder's, as a forger would.
 */
export async function signDidAuth(
  profile: WalletProfile,
  options: { challenge: string; domain?: string; signedBy?: WalletProfile },
): Promise<Record<string, unknown>> {
  const signer = await Ed25519VerificationKey2020.from(
    (options.signedBy ?? profile).verificationKey,
  );
  const presentation = vc.createPresentation({ holder: profile.did, verify: false });
  return vc.signPresentation({
    presentation,
    suite:
      options.domain === undefined
        ? new Ed25519Signature2020({ key: signer })
        : new Ed25519Signature2020({ signer: signer.signer() }),
    challenge: options.challenge,
    ...(options.domain === undefined ? {} : { domain: options.domain }),
    documentLoader,
  });
}

/** The presentation without a proof, as the wallet builds it before signing. */
export function unsignedPresentation(profile: WalletProfile): Record<string, unknown> {
  return vc.createPresentation({ holder: profile.did, verify: false });
}

/** The query of a direct link, read as app/lib/decode.ts `legacyRequestParamsFromUrl` does. */
export function directLinkParams(deepLink: string): {
  issuer: string | null;
  auth_type: string | null;
  challenge: string;
  vc_request_url: string;
} {
  const query = new URLSearchParams(deepLink.split('?')[1]);
  return {
    issuer: query.get('issuer'),
    auth_type: query.get('auth_type'),
    challenge: query.get('challenge') ?? '',
    vc_request_url: query.get('vc_request_url') ?? '',
  };
}

/** The invitation in a VC-API link, read as walletRequestApi.ts `parseWalletApiUrl` does. */
export function invitationOf(deepLink: string): {
  credentialRequestOrigin?: string;
  protocols: { vcapi: string };
} {
  const request = new URL(deepLink).searchParams.get('request') ?? '';
  return JSON.parse(decodeURI(request)) as {
    credentialRequestOrigin?: string;
    protocols: { vcapi: string };
  };
}

/** POSTs JSON as the wallet's fetch does; returns the status and the parsed answer. */
export async function postJson(
  url: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    json: (text ? JSON.parse(text) : null) as Record<string, unknown>,
    headers: response.headers,
  };
}

/**
 * The presentation the wallet signs to answer a VC-API request for credentials: `holder` is
 * its DID, the credentials are in `verifiableCredential`, the proof is Ed25519Signature2020 for
 * `authentication` over `challenge` and `domain` (composeVp.ts). The wallet fetches contexts it
 * does not bundle; here the OB 3.0 contexts come from the tool's bundle, as tests run offline.
 */
export async function signCredentialPresentation(
  profile: WalletProfile,
  options: {
    credentials: readonly unknown[];
    challenge: string;
    domain: string;
    signedBy?: WalletProfile;
    /** Contexts the wallet would fetch from an issuer that is not running in the test. */
    documents?: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  },
): Promise<Record<string, unknown>> {
  const signer = await Ed25519VerificationKey2020.from(
    (options.signedBy ?? profile).verificationKey,
  );
  const bundled = createDocumentLoader({
    resolveDid: async () => null,
    ...(options.documents ? { documents: options.documents } : {}),
  });
  const presentation = vc.createPresentation({
    holder: profile.did,
    verifiableCredential: [...options.credentials],
    verify: false,
  });
  return vc.signPresentation({
    presentation,
    suite: new Ed25519Signature2020({ signer: signer.signer() }),
    challenge: options.challenge,
    domain: options.domain,
    documentLoader: (url: string) => bundled(url).catch(() => documentLoader(url)),
  });
}

import { VC_V2_CONTEXT_URL } from '../../badges/context-urls.js';
import type { SignedOpenBadgeCredential } from '../../badges/open-badge-credential.js';

/**
 * The VC-API exchange messages the tool sends, in the shapes Learner Credential Wallet 2.2
 * reads (app/lib/exchanges.ts, app/lib/walletRequestApi.ts).
 */

export type DidAuthenticationRequest = {
  verifiablePresentationRequest: {
    query: {
      type: 'DIDAuthentication';
      acceptedMethods: { method: string }[];
      acceptedCryptosuites: { cryptosuite: string }[];
    }[];
    challenge: string;
    domain: string;
    interact: { service: { type: string; serviceEndpoint: string }[] };
  };
};

/**
 * The answer to the wallet's opening `POST {}`: a request for DID authentication only (LCW
 * `isDIDAuthOnlyRequest`), by a did:key signing Ed25519Signature2020 over `challenge` and
 * `domain`, to be POSTed back to `exchangeUrl`.
 */
export function didAuthenticationRequest(input: {
  challenge: string;
  domain: string;
  exchangeUrl: string;
}): DidAuthenticationRequest {
  const { challenge, domain, exchangeUrl } = input;
  return {
    verifiablePresentationRequest: {
      query: [
        {
          type: 'DIDAuthentication',
          acceptedMethods: [{ method: 'key' }],
          acceptedCryptosuites: [{ cryptosuite: 'Ed25519Signature2020' }],
        },
      ],
      challenge,
      domain,
      interact: {
        service: [{ type: 'UnmediatedHttpPresentationService2021', serviceEndpoint: exchangeUrl }],
      },
    },
  };
}

/**
 * The exchange's last message: an unsigned presentation holding the credential, from which
 * LCW takes `verifiablePresentation.verifiableCredential` to store.
 */
export function credentialPresentation(credential: SignedOpenBadgeCredential) {
  return {
    verifiablePresentation: {
      '@context': [VC_V2_CONTEXT_URL],
      type: ['VerifiablePresentation'],
      verifiableCredential: [credential],
    },
  };
}

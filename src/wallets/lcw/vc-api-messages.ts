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

/**
 * The answer to the opening `POST {}` of a presentation exchange: a request for Open Badges
 * (VC-API QueryByExample on the type OpenBadgeCredential), in a presentation the wallet signs
 * with its did:key for `challenge` and `domain` and POSTs back to `exchangeUrl`.
 */
export function openBadgePresentationRequest(input: {
  challenge: string;
  domain: string;
  exchangeUrl: string;
}) {
  const { challenge, domain, exchangeUrl } = input;
  return {
    verifiablePresentationRequest: {
      query: [
        {
          type: 'QueryByExample',
          credentialQuery: [
            {
              reason: 'Your university recognises credentials you earned at its partners.',
              example: { type: 'OpenBadgeCredential' },
            },
          ],
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

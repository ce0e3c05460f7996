import { describe, expect, it } from 'vitest';
import type { SignedOpenBadgeCredential } from '../../../src/badges/open-badge-credential.js';
import {
  credentialPresentation,
  didAuthenticationRequest,
} from '../../../src/wallets/lcw/vc-api-messages.js';
import { lcwFixture } from './lcw-fixtures.js';

describe('VC-API exchange messages, as Learner Credential Wallet 2.2 reads them', () => {
  it('asks for DID authentication exactly as the fixture request does', () => {
    const expected = lcwFixture('vpr.didauth.json') as {
      verifiablePresentationRequest: {
        challenge: string;
        domain: string;
        interact: { service: { serviceEndpoint: string }[] };
      };
    };
    const { challenge, domain, interact } = expected.verifiablePresentationRequest;
    const exchangeUrl = interact.service[0]?.serviceEndpoint ?? '';
    expect(didAuthenticationRequest({ challenge, domain, exchangeUrl })).toEqual(expected);
  });

  it('hands the credential over exactly as the fixture answer does', () => {
    const expected = lcwFixture('exchange-response.vcapi.json') as {
      verifiablePresentation: { verifiableCredential: SignedOpenBadgeCredential[] };
    };
    const [credential] = expected.verifiablePresentation.verifiableCredential;
    expect(credentialPresentation(credential!)).toEqual(expected);
  });
});

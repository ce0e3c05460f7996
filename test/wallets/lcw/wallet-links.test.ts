import { describe, expect, it } from 'vitest';
import {
  credentialRequestLink,
  exchangeInvitationLink,
} from '../../../src/wallets/lcw/wallet-links.js';
import { lcwFixture, lcwFixtureText } from './lcw-fixtures.js';
import { directLinkParams, invitationOf } from './lcw-wallet.js';

const EXCHANGE_ID = '9be1fd3f-7eab-4d4e-a90a-21e7d8e1096a';
const CHALLENGE = '485e6965-8de8-4dfc-a2b3-27b78b4ea6eb';

describe('links that open the Learner Credential Wallet', () => {
  it("makes the direct link with the fixture's address and query parameters, in their order", () => {
    const link = credentialRequestLink({
      publicUrl: 'https://microcred.example',
      exchangeId: EXCHANGE_ID,
      challenge: CHALLENGE,
    });
    const expected = lcwFixtureText('deeplink.lcw-legacy.txt');
    expect(link.split('?')[0]).toBe(expected.split('?')[0]);
    const keys = (url: string) => [...new URLSearchParams(url.split('?')[1]).keys()];
    expect(keys(link)).toEqual(keys(expected));
    expect(directLinkParams(link)).toEqual({
      issuer: 'microcred.example',
      auth_type: 'bearer',
      challenge: CHALLENGE,
      vc_request_url: `https://microcred.example/wallet/credential-requests/${EXCHANGE_ID}`,
    });
  });

  it('keeps the path of a tool served below its host in the request URL', () => {
    const link = credentialRequestLink({
      publicUrl: 'https://uni.example/microcred',
      exchangeId: EXCHANGE_ID,
      challenge: CHALLENGE,
    });
    expect(directLinkParams(link)).toMatchObject({
      issuer: 'uni.example',
      vc_request_url: `https://uni.example/microcred/wallet/credential-requests/${EXCHANGE_ID}`,
    });
  });

  it('carries a VC-API invitation of the fixture shape in the request parameter', () => {
    const link = exchangeInvitationLink({
      publicUrl: 'https://uni.example/microcred',
      exchangeId: EXCHANGE_ID,
    });
    expect(link.startsWith('https://lcw.app/request?request=')).toBe(true);
    const invitation = invitationOf(link);
    expect(Object.keys(invitation)).toEqual(Object.keys(lcwFixture('invitation.vcapi.json')));
    expect(invitation).toEqual({
      credentialRequestOrigin: 'https://uni.example',
      protocols: { vcapi: `https://uni.example/microcred/wallet/exchanges/${EXCHANGE_ID}` },
    });
  });
});

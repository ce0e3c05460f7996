import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDidAuthVerifier } from '../../../src/wallets/lcw/verify-did-auth.js';
import { lcwFixture, shapeOf } from './lcw-fixtures.js';
import { mintWalletProfile, signDidAuth } from './lcw-wallet.js';

type Presentation = Record<string, unknown> & { holder: string; proof: Record<string, unknown> };

const DIRECT = lcwFixture('didauth-vp.lcw-legacy.json') as Presentation;
const VC_API = lcwFixture('didauth-vp.vcapi.json').verifiablePresentation as Presentation;

describe("createDidAuthVerifier: a Learner Credential Wallet's DIDAuth presentation", () => {
  const verifyDidAuth = createDidAuthVerifier();
  const changed = (presentation: Presentation, change: (copy: Presentation) => void) => {
    const copy = structuredClone(presentation);
    change(copy);
    return copy;
  };

  it('accepts the presentation LCW posts to a direct link, signed for the challenge alone', async () => {
    await expect(
      verifyDidAuth(DIRECT, { challenge: String(DIRECT.proof.challenge) }),
    ).resolves.toEqual({ holderDid: DIRECT.holder });
  });

  it('accepts the presentation LCW posts in a VC-API exchange, signed for the challenge and domain', async () => {
    const expected = {
      challenge: String(VC_API.proof.challenge),
      domain: String(VC_API.proof.domain),
    };
    await expect(verifyDidAuth(VC_API, expected)).resolves.toEqual({ holderDid: VC_API.holder });
  });

  it("is played in the tests by a wallet whose presentations have the fixtures' shapes", async () => {
    const wallet = await mintWalletProfile();
    const direct = await signDidAuth(wallet, { challenge: randomUUID() });
    const vcApi = await signDidAuth(wallet, {
      challenge: randomUUID(),
      domain: 'https://a.example',
    });
    expect(shapeOf(direct)).toEqual(shapeOf(DIRECT));
    expect(shapeOf(vcApi)).toEqual(shapeOf(VC_API));
  });

  describe('refusals', () => {
    const challenge = String(DIRECT.proof.challenge);

    it('refuses a presentation changed after it was signed (401)', async () => {
      const forged = changed(DIRECT, (copy) => (copy.proof.created = '2020-01-01T00:00:00Z'));
      await expect(verifyDidAuth(forged, { challenge })).rejects.toMatchObject({
        status: 401,
        code: 'WALLET_DID_AUTH_FAILED',
        message: expect.stringContaining('does not verify'),
      });
    });

    it('refuses a proof made for another purpose than authentication (401)', async () => {
      const forged = changed(DIRECT, (copy) => (copy.proof.proofPurpose = 'assertionMethod'));
      await expect(verifyDidAuth(forged, { challenge })).rejects.toMatchObject({
        status: 401,
        message: expect.stringContaining('authentication'),
      });
    });

    it('refuses a proof of another type than Ed25519Signature2020 (401)', async () => {
      const forged = changed(DIRECT, (copy) => (copy.proof.type = 'DataIntegrityProof'));
      await expect(verifyDidAuth(forged, { challenge })).rejects.toMatchObject({
        status: 401,
        message: expect.stringContaining('Ed25519Signature2020'),
      });
    });

    it('refuses a VC-API presentation signed for another domain (401)', async () => {
      const expected = {
        challenge: String(VC_API.proof.challenge),
        domain: 'https://tool.example',
      };
      await expect(verifyDidAuth(VC_API, expected)).rejects.toMatchObject({
        status: 401,
        message: expect.stringContaining('domain'),
      });
    });

    it('refuses a holder that is not an Ed25519 did:key (400)', async () => {
      const forged = changed(DIRECT, (copy) => (copy.holder = 'did:web:wallet.example'));
      await expect(verifyDidAuth(forged, { challenge })).rejects.toMatchObject({
        status: 400,
        code: 'WALLET_PRESENTATION_INVALID',
      });
    });

    it('refuses a presentation carrying credentials (400)', async () => {
      const forged = changed(DIRECT, (copy) => (copy.verifiableCredential = [{ id: 'urn:x' }]));
      await expect(verifyDidAuth(forged, { challenge })).rejects.toMatchObject({
        status: 400,
        code: 'WALLET_PRESENTATION_INVALID',
      });
    });

    it('refuses what is no presentation (400)', async () => {
      await expect(verifyDidAuth([DIRECT], { challenge })).rejects.toMatchObject({ status: 400 });
    });
  });
});

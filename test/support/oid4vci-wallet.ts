/**
 * A wallet for OpenID4VCI tests: the wallet client of @openid4vc/openid4vci with WebCrypto keys
 * (through jose), bound to did:key or did:jwk, and what a wallet does with an offer.
 */
import { createHash, randomBytes } from 'node:crypto';
import { fromJwk } from '@digitalbazaar/ed25519-multikey';
import {
  clientAuthenticationAnonymous,
  Oauth2ClientErrorResponseError,
  type Jwk,
  type JwtSignerDid,
} from '@openid4vc/oauth2';
import {
  Openid4vciClient,
  Openid4vciRetrieveCredentialsError,
  type CredentialOfferObject,
  type IssuerMetadataResult,
} from '@openid4vc/openid4vci';
import { CompactSign, exportJWK, generateKeyPair, type CompactJWSHeaderParameters } from 'jose';

export const LDP_VC = 'OpenBadgeCredential_ldp_vc';
export const JWT_VC_JSON = 'OpenBadgeCredential_jwt_vc_json';

export type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/** A wallet's key: the DID it wants the credential bound to and the signer naming it. */
export interface Holder {
  readonly did: string;
  readonly signer: JwtSignerDid;
  readonly privateKey: PrivateKey;
  readonly publicJwk: Jwk;
}

/** A P-256 key as did:jwk, ES256. */
export async function didJwkHolder(): Promise<Holder> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const { kty = '', crv, x, y } = await exportJWK(publicKey);
  const publicJwk = { kty, crv, x, y };
  const did = `did:jwk:${Buffer.from(JSON.stringify(publicJwk)).toString('base64url')}`;
  return {
    did,
    signer: { method: 'did', didUrl: `${did}#0`, alg: 'ES256' },
    privateKey,
    publicJwk,
  };
}

/** An Ed25519 key as did:key (written by Digital Bazaar's Multikey library), EdDSA. */
export async function didKeyHolder(): Promise<Holder> {
  const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  const { x = '', d = '' } = await exportJWK(privateKey);
  const multikey = await fromJwk({ jwk: { kty: 'OKP', crv: 'Ed25519', x, d }, secretKey: true });
  const did = `did:key:${multikey.publicKeyMultibase}`;
  return {
    did,
    signer: { method: 'did', didUrl: `${did}#${multikey.publicKeyMultibase}`, alg: 'EdDSA' },
    privateKey,
    publicJwk: { kty: 'OKP', crv: 'Ed25519', x },
  };
}

/**
 * The wallet client of @openid4vc/openid4vci with its callbacks: WebCrypto keys through jose.
 * `signingKey` signs the proofs; it is the holder's own unless a test forges one.
 */
export function walletOf(
  holder: Holder,
  signingKey: PrivateKey = holder.privateKey,
): Openid4vciClient {
  return new Openid4vciClient({
    callbacks: {
      hash: (data, algorithm) => createHash(algorithm.replace('-', '')).update(data).digest(),
      generateRandom: (byteLength) => randomBytes(byteLength),
      clientAuthentication: clientAuthenticationAnonymous(),
      signJwt: async (_signer, { header, payload }) => ({
        jwt: await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
          .setProtectedHeader(header as CompactJWSHeaderParameters)
          .sign(signingKey),
        signerJwk: holder.publicJwk,
      }),
    },
  });
}

/** The body of `POST /api/credentials/:id/credential-offers`. */
export interface CreatedOffer {
  readonly offer: CredentialOfferObject;
  readonly offerUri: string;
  readonly txCode?: string;
  readonly expiresAt: string;
}

export interface Redeemed {
  readonly credentialOffer: CredentialOfferObject;
  readonly issuerMetadata: IssuerMetadataResult;
  readonly accessToken: string;
}

/** What a wallet does with a scanned offer: resolve it, fetch the metadata, get a token. */
export async function redeem(wallet: Openid4vciClient, offerUri: string, txCode?: string) {
  const credentialOffer = await wallet.resolveCredentialOffer(offerUri);
  const issuerMetadata = await wallet.resolveIssuerMetadata(credentialOffer.credential_issuer);
  const { accessTokenResponse } = await wallet.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer,
    issuerMetadata,
    ...(txCode === undefined ? {} : { txCode }),
  });
  return { credentialOffer, issuerMetadata, accessToken: accessTokenResponse.access_token };
}

/**
 * A fresh c_nonce (unless `nonce` is given), a key proof over it, the credential request;
 * returns the credential. A wallet speaking 1.0 sends the proof in `proofs`; one speaking
 * draft 15 (as Sphereon's client does) in `proof`.
 */
export async function requestCredential(
  wallet: Openid4vciClient,
  holder: Holder,
  redeemed: Redeemed,
  credentialConfigurationId: string,
  options: { nonce?: string; speaks?: '1.0' | 'draft 15' } = {},
): Promise<unknown> {
  const { issuerMetadata, accessToken } = redeemed;
  const cNonce = options.nonce ?? (await wallet.requestNonce({ issuerMetadata })).c_nonce;
  const { jwt } = await wallet.createCredentialRequestJwtProof({
    issuerMetadata,
    credentialConfigurationId,
    signer: holder.signer,
    nonce: cNonce,
  });
  const { credentialResponse } = await wallet.retrieveCredentials({
    issuerMetadata,
    accessToken,
    credentialConfigurationId,
    ...(options.speaks === 'draft 15'
      ? { proof: { proof_type: 'jwt', jwt } }
      : { proofs: { jwt: [jwt] } }),
  });
  const [first] = credentialResponse.credentials ?? [];
  return typeof first === 'object' && first !== null && 'credential' in first
    ? first.credential
    : first;
}

/** The `error` code a wallet call was refused with, from the token or credential endpoint. */
export async function refusal(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Oauth2ClientErrorResponseError) return error.errorResponse.error;
    if (error instanceof Openid4vciRetrieveCredentialsError) {
      return String(error.response.credentialErrorResponseResult?.data?.error);
    }
    throw error;
  }
  throw new Error('The call was not refused');
}

/**
 * The links that start a Learner Credential Wallet hand-off, and the tool's wallet endpoints
 * they point at. LCW 2.2 opens every link that starts with `https://lcw.app/request`
 * (app.config.js `LinkConfig`) and tells the two kinds apart by their query.
 */

/** Where the wallet POSTs its DIDAuth presentation for a direct link (`vc_request_url`). */
export function credentialRequestUrl(publicUrl: string, exchangeId: string): string {
  return `${publicUrl}/wallet/credential-requests/${exchangeId}`;
}

/** The VC-API exchange endpoint (`protocols.vcapi`, and the VPR's `interact` service). */
export function exchangeUrl(publicUrl: string, exchangeId: string): string {
  return `${publicUrl}/wallet/exchanges/${exchangeId}`;
}

/**
 * The origin a VC-API wallet is told it talks to (`credentialRequestOrigin`), and the
 * `domain` its DIDAuth proof must name.
 */
export function exchangeOrigin(publicUrl: string): string {
  return new URL(publicUrl).origin;
}

/**
 * The DCC "direct" credential request link (github.com/digitalcredentials/docs
 * request/credential_request.md): LCW sees `issuer` and `vc_request_url` (app/lib/decode.ts
 * `isLegacyCredentialRequest`), and with `auth_type=bearer` POSTs a presentation signed with
 * `challenge` to `vc_request_url` (app/lib/credentialRequest.ts).
 */
export function credentialRequestLink(input: {
  publicUrl: string;
  exchangeId: string;
  challenge: string;
}): string {
  const { publicUrl, exchangeId, challenge } = input;
  const query = new URLSearchParams({
    issuer: new URL(publicUrl).host,
    auth_type: 'bearer',
    challenge,
    vc_request_url: credentialRequestUrl(publicUrl, exchangeId),
  });
  return `https://lcw.app/request.html?${query}`;
}

/**
 * A VC-API exchange invitation `{credentialRequestOrigin, protocols: {vcapi}}` in LCW's
 * universal link (app/lib/walletRequestApi.ts `parseWalletApiUrl`): the wallet then POSTs `{}`
 * to `protocols.vcapi` to start the exchange.
 */
export function exchangeInvitationLink(input: { publicUrl: string; exchangeId: string }): string {
  return invitationLink(input.publicUrl, exchangeUrl(input.publicUrl, input.exchangeId));
}

/** The VC-API exchange in which a wallet presents credentials for recognition. */
export function presentationExchangeUrl(publicUrl: string, requestId: string): string {
  return `${publicUrl}/wallet/presentations/${requestId}`;
}

/** The invitation to present credentials, in the same universal link as exchangeInvitationLink. */
export function presentationInvitationLink(input: {
  publicUrl: string;
  requestId: string;
}): string {
  return invitationLink(input.publicUrl, presentationExchangeUrl(input.publicUrl, input.requestId));
}

function invitationLink(publicUrl: string, vcapiUrl: string): string {
  const invitation = {
    credentialRequestOrigin: exchangeOrigin(publicUrl),
    protocols: { vcapi: vcapiUrl },
  };
  return `https://lcw.app/request?request=${encodeURIComponent(JSON.stringify(invitation))}`;
}

/**
 * The parts of the Digital Credentials Consortium libraries that Learner Credential Wallet 2.2
 * signs its presentations with (app/lib/did.ts, present.ts, composeVp.ts), typed by hand from
 * their sources (@digitalcredentials/vc 10.0, ed25519-signature-2020 6.0, did-method-key 3.0):
 * they ship no declarations. Declarations only; keep them to what the tests call.
 */

declare module '@digitalcredentials/vc' {
  /** An unsigned presentation; `verify: false` skips checking the credentials it holds. */
  export function createPresentation(options: {
    holder?: string;
    verifiableCredential?: unknown;
    verify?: boolean;
  }): Record<string, unknown>;

  /** Signs with an AuthenticationProofPurpose over `challenge` (and `domain`). */
  export function signPresentation(options: {
    presentation: Record<string, unknown>;
    suite: unknown;
    challenge: string;
    domain?: string;
    documentLoader: unknown;
  }): Promise<Record<string, unknown>>;
}

declare module '@digitalcredentials/ed25519-signature-2020' {
  export class Ed25519Signature2020 {
    constructor(options: { key?: unknown; signer?: unknown });
  }
}

declare module '@digitalcredentials/did-method-key' {
  export interface DidKeyDriver {
    use(options: { multibaseMultikeyHeader: string; fromMultibase: unknown }): void;
    fromKeyPair(options: {
      verificationKeyPair: unknown;
    }): Promise<{ didDocument: { id: string } & Record<string, unknown> }>;
  }
  export function driver(): DidKeyDriver;
}

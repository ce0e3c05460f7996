/**
 * The parts of Digital Bazaar's plain-JS libraries that the DIDAuth check of a wallet uses,
 * typed by hand from their sources (@digitalbazaar/vc 7.3, ed25519-signature-2020 5.4,
 * ed25519-verification-key-2020 4.2, did-method-key 5.3, ed25519-signature-2020-context 1.1).
 * Declarations only; the `@digitalbazaar/vc` block merges with the one in
 * src/badges/digitalbazaar.d.ts.
 */

declare module '@digitalbazaar/vc' {
  export interface VerifyPresentationResult {
    verified: boolean;
    presentationResult?: { verified: boolean; error?: unknown };
    error?: unknown;
  }

  /**
   * Verifies a presentation's proof with an `AuthenticationProofPurpose` built from
   * `challenge`, `domain` and `controller`. Never throws: failures come back as
   * `{ verified: false, error }`.
   */
  export function verify(options: {
    presentation: Record<string, unknown>;
    suite: unknown;
    documentLoader: (url: string) => Promise<unknown>;
    challenge: string;
    domain?: string;
  }): Promise<VerifyPresentationResult>;
}

declare module '@digitalbazaar/ed25519-signature-2020' {
  /** The Ed25519Signature2020 suite; without a key it verifies with the proof's method. */
  export class Ed25519Signature2020 {
    constructor(options?: Record<string, unknown>);
  }
}

declare module '@digitalbazaar/ed25519-verification-key-2020' {
  export class Ed25519VerificationKey2020 {
    static from(options: Record<string, unknown>): Promise<Ed25519VerificationKey2020>;
  }
}

declare module '@digitalbazaar/did-method-key' {
  export interface DidKeyDriver {
    use(options: {
      multibaseMultikeyHeader: string;
      fromMultibase: (options: Record<string, unknown>) => Promise<unknown>;
    }): void;
    /** The DID document of a did:key DID, or the key node (with its context) of a key id. */
    get(options: { url: string }): Promise<Record<string, unknown>>;
  }
  export function driver(): DidKeyDriver;
}

declare module 'ed25519-signature-2020-context' {
  const context: {
    CONTEXT_URL: string;
    CONTEXT: Record<string, unknown>;
  };
  export default context;
}

declare module 'jsonld-signatures' {
  const jsigs: {
    /** Checks the proof of `document` for `purpose` (jsonld-signatures 11.6); never throws. */
    verify(
      document: Record<string, unknown>,
      options: {
        suite: unknown;
        purpose: unknown;
        documentLoader: (url: string) => Promise<unknown>;
      },
    ): Promise<{ verified: boolean; error?: unknown }>;
    purposes: {
      AuthenticationProofPurpose: new (options: { challenge: string; domain?: string }) => unknown;
    };
  };
  export default jsigs;
}

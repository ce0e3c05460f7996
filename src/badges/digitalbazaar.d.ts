/**
 * The parts of Digital Bazaar's plain-JS libraries that microcred uses, typed by hand from
 * their sources (@digitalbazaar/vc 7.3, data-integrity 2.5, eddsa-rdfc-2022-cryptosuite 1.3,
 * ed25519-multikey 1.3). Declarations only; keep them to what we call.
 */

declare module '@digitalbazaar/ed25519-multikey' {
  export interface Signer {
    readonly id: string;
    readonly algorithm: string;
    sign(input: { data: Uint8Array }): Promise<Uint8Array>;
  }

  export interface Verifier {
    readonly id: string;
    readonly algorithm: string;
    verify(input: { data: Uint8Array; signature: Uint8Array }): Promise<boolean>;
  }

  export interface Ed25519KeyJwk {
    kty: 'OKP';
    crv: 'Ed25519';
    x: string;
    d?: string;
  }

  export interface Ed25519MultikeyKeyPair {
    id?: string;
    controller?: string;
    publicKeyMultibase: string;
    signer(): Signer;
    verifier(): Verifier;
  }

  export function fromJwk(options: {
    jwk: Ed25519KeyJwk;
    secretKey?: boolean;
    id?: string;
    controller?: string;
  }): Promise<Ed25519MultikeyKeyPair>;
}

declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  export interface Cryptosuite {
    readonly name: string;
    readonly requiredAlgorithm: string | string[];
    canonize(input: unknown, options: Record<string, unknown>): Promise<string>;
    createVerifier(options: { verificationMethod: Record<string, unknown> }): Promise<unknown>;
  }
  export const cryptosuite: Cryptosuite;
}

declare module '@digitalbazaar/data-integrity' {
  import type { Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
  import type { Signer } from '@digitalbazaar/ed25519-multikey';

  export class DataIntegrityProof {
    constructor(options: {
      cryptosuite: Cryptosuite;
      signer?: Signer;
      /** The proof's `created`; null leaves it out, undefined means now. */
      date?: Date | string | number | null;
      legacyContext?: boolean;
    });
  }
}

declare module '@digitalbazaar/vc' {
  import type { DataIntegrityProof } from '@digitalbazaar/data-integrity';

  export interface RemoteDocument {
    contextUrl: string | null;
    documentUrl: string;
    document: unknown;
  }
  export type DocumentLoader = (url: string) => Promise<RemoteDocument>;
  /** Serves the VC 1.1 and 2.0 contexts bundled with the library; rejects every other URL. */
  export const defaultDocumentLoader: DocumentLoader;

  export interface VerifyCredentialResult {
    verified: boolean;
    results?: { verified: boolean; error?: unknown }[];
    error?: unknown;
  }

  /** Signs (mutates and returns) `credential`; throws when it is malformed or signing fails. */
  export function issue(options: {
    credential: Record<string, unknown>;
    suite: DataIntegrityProof;
    documentLoader: DocumentLoader;
    now?: Date | string;
    maxClockSkew?: number;
  }): Promise<Record<string, unknown>>;

  /**
   * Proof purpose `assertionMethod` that also requires the credential's issuer to be the
   * verification method's controller.
   */
  export class CredentialIssuancePurpose {
    constructor(options?: { controller?: unknown; date?: Date | string });
    validate(proof: unknown, options: unknown): Promise<{ valid: boolean; error?: unknown }>;
  }

  /** Never throws: failures come back as `{ verified: false, error }`. */
  export function verifyCredential(options: {
    purpose?: CredentialIssuancePurpose;
    credential: Record<string, unknown>;
    suite: DataIntegrityProof | DataIntegrityProof[];
    documentLoader: DocumentLoader;
    now?: Date | string;
    maxClockSkew?: number;
    checkStatus?: (options: unknown) => Promise<{ verified: boolean }>;
  }): Promise<VerifyCredentialResult>;
}

declare module 'jsonld' {
  /** JSON-LD to an RDF dataset (an array of RDF/JS-like quads). */
  const jsonld: {
    toRDF(input: unknown, options: Record<string, unknown>): Promise<unknown[]>;
  };
  export default jsonld;
}

declare module 'rdf-canonize' {
  /** RDF Dataset Canonicalization (RDFC-1.0) to canonical N-Quads. */
  export function canonize(
    dataset: unknown[],
    options: { algorithm: 'RDFC-1.0'; format: 'application/n-quads' },
  ): Promise<string>;
}

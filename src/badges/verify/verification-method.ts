import '../../shared/no-proto-accessor.js';
import { defaultDocumentLoader } from '@digitalbazaar/vc';
import { isEd25519Multikey } from '../base58.js';
import { VC_V1_CONTEXT_URL } from './check-context.js';
import type { Reason, ReasonCode } from './verification-report.js';

export type Loader = (
  url: string,
) => Promise<{ contextUrl: null | string; documentUrl: string; document: unknown }>;

/** Where the key of a verification method comes from, when it resolves offline. */
export type KeySource = 'didKey' | 'ourIssuerDid' | 'partnerDid' | 'urlFragmentKey';

export const KEY_SOURCE_TEXT: Record<KeySource, string> = {
  didKey: 'did:key',
  ourIssuerDid: 'one of our issuer DIDs',
  partnerDid: "a partner issuer's DID document, read from its host",
  urlFragmentKey: 'the Ed25519 key named in the URL fragment',
};

export const PROOF_VERIFIED_WITH: Record<KeySource, ReasonCode> = {
  didKey: 'proofVerifiedWithDidKey',
  ourIssuerDid: 'proofVerifiedWithOurIssuerDid',
  partnerDid: 'proofVerifiedWithPartnerDid',
  urlFragmentKey: 'proofVerifiedWithUrlFragmentKey',
};

/**
 * What a verification method URL is, before anything is resolved: a reason to reject it, a
 * key we can resolve offline, or one we cannot.
 */
export function classifyMethod(
  method: unknown,
  publicUrl: string,
  /** did:web DIDs of other hosts whose documents were read beforehand (partner issuers). */
  partnerDids: ReadonlySet<string> = new Set(),
):
  { kind: 'invalid' | 'unresolvable'; reason: Reason } | { kind: 'resolvable'; source: KeySource } {
  if (typeof method !== 'string' || method === '') {
    return {
      kind: 'invalid',
      reason: { reason: 'The proof names no verification method', reasonCode: 'methodMissing' },
    };
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(method)?.[1]?.toLowerCase();
  if (!scheme) {
    return {
      kind: 'invalid',
      reason: {
        reason: `The verification method "${method}" has no URI scheme`,
        reasonCode: 'methodWithoutScheme',
        reasonValues: { method },
      },
    };
  }
  if (scheme === 'did') {
    const didMethod = `did:${method.split(':')[1] ?? ''}`;
    if (didMethod === 'did:key') {
      const key = method.slice('did:key:'.length).split('#')[0] ?? '';
      return isEd25519Multikey(key)
        ? { kind: 'resolvable', source: 'didKey' }
        : {
            kind: 'invalid',
            reason: {
              reason: `The did:key "${method}" is not an Ed25519 key`,
              reasonCode: 'didKeyNotEd25519',
              reasonValues: { method },
            },
          };
    }
    if (didMethod === 'did:web') {
      const ours = method.startsWith(`did:web:`) && method.includes(':issuers:');
      if (ours && didOfPublicUrl(publicUrl, method)) {
        return { kind: 'resolvable', source: 'ourIssuerDid' };
      }
      return partnerDids.has(method.split('#')[0] ?? '')
        ? { kind: 'resolvable', source: 'partnerDid' }
        : {
            kind: 'unresolvable',
            reason: {
              reason: `did:web of another host (${method}): not resolved offline`,
              reasonCode: 'didWebOfAnotherHost',
              reasonValues: { method },
            },
          };
    }
    return {
      kind: 'invalid',
      reason: {
        reason: `Unknown DID method "${didMethod}" in the verification method`,
        reasonCode: 'unknownDidMethod',
        reasonValues: { didMethod },
      },
    };
  }
  if (scheme === 'https' || scheme === 'http') {
    const fragment = method.split('#')[1] ?? '';
    if (fragment.startsWith('z6Mk')) {
      return isEd25519Multikey(fragment)
        ? { kind: 'resolvable', source: 'urlFragmentKey' }
        : {
            kind: 'invalid',
            reason: {
              reason: `The verification method "${method}" names no valid Ed25519 key`,
              reasonCode: 'methodKeyInvalid',
              reasonValues: { method },
            },
          };
    }
    return {
      kind: 'unresolvable',
      reason: {
        reason: `${method} would have to be fetched: not resolved offline`,
        reasonCode: 'methodNeedsFetching',
        reasonValues: { method },
      },
    };
  }
  return {
    kind: 'invalid',
    reason: {
      reason: `Unknown URI scheme "${scheme}:" in the verification method`,
      reasonCode: 'unknownUriScheme',
      reasonValues: { scheme: `${scheme}:` },
    },
  };
}

function didOfPublicUrl(publicUrl: string, method: string): boolean {
  const host = new URL(publicUrl).host.replace(':', '%3A');
  return method.startsWith(`did:web:${host}:`);
}

/** The loader for verifying: ours, plus did:key, URL-fragment keys and VC 1.1 contexts. */
export function verifyLoader(
  toolLoader: Loader,
  publicUrl: string,
  /** Controller documents synthesised for URL-fragment keys, by controller URL. */
  fragmentKeyControllers: ReadonlyMap<string, Record<string, unknown>>,
): Loader {
  return async (url) => {
    if (url === VC_V1_CONTEXT_URL) return defaultDocumentLoader(url) as ReturnType<Loader>;
    if (url.startsWith('did:web:')) return toolLoader(url);
    const [base = '', fragment] = url.split('#', 2);
    const keyFromDidKey = url.startsWith('did:key:') ? base.slice('did:key:'.length) : null;
    const keyFromFragment =
      (url.startsWith('https:') || url.startsWith('http:')) && fragment?.startsWith('z6Mk')
        ? fragment
        : null;
    const key = keyFromDidKey ?? keyFromFragment;
    if (key && isEd25519Multikey(key) && classifyMethod(url, publicUrl).kind !== 'invalid') {
      const methodId = keyFromDidKey ? `${base}#${key}` : url;
      const method = { id: methodId, type: 'Multikey', controller: base, publicKeyMultibase: key };
      if (fragment === undefined && !keyFromDidKey) return toolLoader(url);
      if (fragment === undefined) {
        // A bare did:key serves as its own verification method and controller document.
        const document = {
          '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
          id: base,
          type: 'Multikey',
          controller: base,
          publicKeyMultibase: key,
          verificationMethod: [method],
          assertionMethod: [base, methodId],
        };
        return { contextUrl: null, documentUrl: url, document };
      }
      return {
        contextUrl: null,
        documentUrl: url,
        document: { '@context': 'https://w3id.org/security/multikey/v1', ...method },
      };
    }
    if (!fragment && /^https?:/.test(url)) {
      // The controller document of URL-fragment keys: it lists the key as an assertion method.
      const known = fragmentKeyControllers.get(url);
      if (known) return { contextUrl: null, documentUrl: url, document: known };
    }
    return toolLoader(url);
  };
}

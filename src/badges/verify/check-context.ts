import { VC_V2_CONTEXT_URL } from '../context-urls.js';
import type { Check } from './verification-report.js';

/** Contexts (VCDM 2.0 §4.3, OB 3.0): the W3C VC context first, then the Open Badges one. */

export const VC_V1_CONTEXT_URL = 'https://www.w3.org/2018/credentials/v1';

const OB_CONTEXT =
  /^https:\/\/(purl\.imsglobal\.org\/spec\/ob\/v3p0\/context(-3\.0\.\d+)?|imsglobal\.github\.io\/openbadges-specification\/context)\.json$/;

export function contexts(credential: Record<string, unknown>): unknown[] {
  const value = credential['@context'];
  return Array.isArray(value) ? value : [value];
}

export function checkContext(credential: Record<string, unknown>): Check {
  if (credential['@context'] === undefined) {
    return {
      check: 'context',
      outcome: 'failed',
      reason: 'The document has no @context: it is not a Verifiable Credential',
      reasonCode: 'contextMissing',
    };
  }
  const list = contexts(credential);
  if (list[0] !== VC_V2_CONTEXT_URL && list[0] !== VC_V1_CONTEXT_URL) {
    const found = String(JSON.stringify(list[0]));
    return {
      check: 'context',
      outcome: 'failed',
      reason: `The first @context must be the W3C Verifiable Credentials context (${VC_V2_CONTEXT_URL}), not ${found}`,
      reasonCode: 'contextNotVc',
      reasonValues: { expected: VC_V2_CONTEXT_URL, found },
    };
  }
  if (!list.some((entry) => typeof entry === 'string' && OB_CONTEXT.test(entry))) {
    return {
      check: 'context',
      outcome: 'failed',
      reason: 'The Open Badges 3.0 context is missing',
      reasonCode: 'contextWithoutOpenBadges',
    };
  }
  if (list[0] === VC_V1_CONTEXT_URL) {
    return {
      check: 'context',
      outcome: 'warning',
      reason: 'Verifiable Credentials Data Model 1.1: an older form that OB 3.0 still accepts',
      reasonCode: 'contextVc11',
    };
  }
  return {
    check: 'context',
    outcome: 'passed',
    reason: 'VC 2.0 and Open Badges 3.0 contexts',
    reasonCode: 'contextsValid',
  };
}

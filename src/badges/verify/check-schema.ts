import { validateCredential } from '../validate-credential.js';
import { contexts, VC_V1_CONTEXT_URL } from './check-context.js';
import type { Check } from './verification-report.js';

/**
 * The official schema wants the canonical form (arrays for `type`, `proof` ...); JSON-LD
 * allows a single value instead, so single values are wrapped where the schema wants an array
 * before the remaining problems are reported, as the 1EdTech validator does.
 */
export function checkSchema(credential: Record<string, unknown>): Check {
  if (contexts(credential)[0] === VC_V1_CONTEXT_URL) {
    return {
      check: 'schema',
      outcome: 'skipped',
      reason: 'The official OB 3.0 JSON Schema describes VC 2.0 credentials; this one is VC 1.1',
      reasonCode: 'schemaNotForVc11',
    };
  }
  const copy = structuredClone(credential);
  let result = validateCredential(copy);
  for (let round = 0; round < 50 && !result.valid; round += 1) {
    const fixable = result.errors.filter((error) => error.message === 'must be array');
    if (fixable.length === 0) break;
    for (const error of fixable) wrapInArray(copy, error.path);
    result = validateCredential(copy);
  }
  if (result.valid) {
    return {
      check: 'schema',
      outcome: 'passed',
      reason: 'Matches the AchievementCredential schema',
      reasonCode: 'schemaValid',
    };
  }
  const shown = result.errors
    .filter((error) => !/must match exactly one schema|must be string$/.test(error.message))
    .slice(0, 6)
    .map((error) => `${error.path} ${error.message}`);
  const detail = (
    shown.length > 0 ? shown : result.errors.map((e) => `${e.path} ${e.message}`)
  ).join('; ');
  return {
    check: 'schema',
    outcome: 'failed',
    reason: `Does not match the OB 3.0 AchievementCredential schema: ${detail}`,
    reasonCode: 'schemaInvalid',
    reasonValues: { detail },
  };
}

function wrapInArray(document: Record<string, unknown>, pointer: string): void {
  const parts = pointer.split('/').slice(1);
  const last = parts.pop();
  if (last === undefined) return;
  let parent: unknown = document;
  for (const part of parts) parent = (parent as Record<string, unknown> | undefined)?.[part];
  if (parent && typeof parent === 'object') {
    const holder = parent as Record<string, unknown>;
    if (!Array.isArray(holder[last])) holder[last] = [holder[last]];
  }
}

import type { Check } from './verification-report.js';

/** `type` names VerifiableCredential and an Open Badges credential type. */
export function checkType(credential: Record<string, unknown>): Check {
  const types = ([] as unknown[]).concat(credential.type ?? []);
  const isVc = types.includes('VerifiableCredential');
  const isOb = types.includes('OpenBadgeCredential') || types.includes('AchievementCredential');
  if (isVc && isOb) {
    const listed = types.join(', ');
    return {
      check: 'type',
      outcome: 'passed',
      reason: `type ${listed}`,
      reasonCode: 'typeValid',
      reasonValues: { types: listed },
    };
  }
  if (credential.type === undefined) {
    return {
      check: 'type',
      outcome: 'failed',
      reason: 'The document has no type: it does not say that it is a credential',
      reasonCode: 'typeMissing',
    };
  }
  const found = String(JSON.stringify(credential.type));
  return {
    check: 'type',
    outcome: 'failed',
    reason: `The type must include VerifiableCredential and OpenBadgeCredential (or AchievementCredential); it is ${found}`,
    reasonCode: 'typeInvalid',
    reasonValues: { found },
  };
}

import { describe, expect, it } from 'vitest';
import { evaluateRule } from '../../../../src/awards/rules/evaluate.js';
import type {
  OutcomeState,
  RecognisedCredential,
} from '../../../../src/awards/rules/evaluation.js';
import { explainProgress } from '../../../../src/awards/rules/progress.js';
import { countsRecognised, leafOf, parseRule } from '../../../../src/awards/rules/rule-schema.js';
import { AwardRuleInvalidError } from '../../../../src/errors.js';
import { isStackRule } from '../../../../src/awards/stack-credit.js';

const ESCO = 'http://data.europa.eu/esco/skill/5b2d6f1c-1a2b-4c3d-8e9f-000000000001';
const PARTNER = 'did:web:partner.example';
const CLIMATE = 'https://partner.example/achievements/climate-now';

function recognised(overrides: Partial<RecognisedCredential> = {}): RecognisedCredential {
  return {
    recognitionId: '00000000-0000-4000-8000-000000000001',
    credentialId: 'urn:uuid:8f6c3b52-0000-4000-8000-000000000001',
    partnerIssuerId: '00000000-0000-4000-8000-0000000000aa',
    issuerId: PARTNER,
    issuerName: 'Partner University',
    achievementId: CLIMATE,
    achievementName: 'Climate.now',
    alignments: [ESCO, 'CLIM-101'],
    countedEcts: 5,
    ...overrides,
  };
}

function holding(...credentials: RecognisedCredential[]): OutcomeState {
  return { activities: new Map(), credentials: new Map(), recognised: credentials };
}

function refusalOf(input: unknown): string {
  try {
    parseRule(input);
  } catch (error) {
    expect(error).toBeInstanceOf(AwardRuleInvalidError);
    return (error as Error).message;
  }
  throw new Error('parseRule accepted the rule');
}

describe('the recognised rule leaf (a credential recognised from a partner)', () => {
  it('parses every criterion and keeps them as given', () => {
    const rule = {
      recognised: {
        achievement: CLIMATE,
        alignment: 'CLIM-101',
        issuer: PARTNER,
        minEcts: 5,
        group: 'environmental',
      },
    };
    expect(parseRule(rule)).toEqual(rule);
  });

  describe('refuses', () => {
    it('a node naming no criterion', () => {
      expect(refusalOf({ recognised: { group: 'environmental' } })).toBe(
        'rule.recognised must name at least one of achievement, alignment, issuer or minEcts: which recognised credentials count',
      );
    });

    it('an achievement that is not an IRI', () => {
      expect(refusalOf({ recognised: { achievement: 'climate now' } })).toMatch(
        /^rule\.recognised\.achievement must be the partner's achievement id/,
      );
    });

    it('an empty alignment', () => {
      expect(refusalOf({ recognised: { alignment: ' ' } })).toBe(
        'rule.recognised.alignment must be a target URL or code',
      );
    });

    it('an issuer that is neither a DID, a URL nor a registry id', () => {
      expect(refusalOf({ recognised: { issuer: 'Partner University' } })).toMatch(
        /^rule\.recognised\.issuer must be a partner issuer/,
      );
    });

    it('a minimum of ECTS that is not a positive number', () => {
      expect(refusalOf({ recognised: { minEcts: 0 } })).toBe(
        'rule.recognised.minEcts must be a number of ECTS above 0 and at most 180',
      );
      expect(refusalOf({ recognised: { minEcts: '5' } })).toMatch(/minEcts must be a number/);
    });

    it('an unknown field', () => {
      expect(refusalOf({ recognised: { alignment: ESCO, ects: 5 } })).toBe(
        'rule.recognised has unknown field ects',
      );
    });
  });

  it('is met by a credential matching its alignment, with the credential as evidence', () => {
    const credential = recognised();
    const evaluation = evaluateRule({ recognised: { alignment: ESCO } }, holding(credential));
    expect(evaluation).toEqual({
      isMet: true,
      evidence: [{ kind: 'recognised', credential }],
      stackedEcts: 5,
      refusal: null,
    });
  });

  it('matches the partner by its DID or by its registry id', () => {
    const state = holding(recognised());
    expect(evaluateRule({ recognised: { issuer: PARTNER } }, state).isMet).toBe(true);
    expect(
      evaluateRule(
        parseRule({ recognised: { issuer: '00000000-0000-4000-8000-0000000000AA' } }),
        state,
      ).isMet,
    ).toBe(true);
    expect(evaluateRule({ recognised: { issuer: 'did:web:other.example' } }, state).isMet).toBe(
      false,
    );
  });

  it('needs every criterion it names to match', () => {
    const state = holding(recognised());
    expect(evaluateRule({ recognised: { achievement: CLIMATE, minEcts: 5 } }, state).isMet).toBe(
      true,
    );
    expect(evaluateRule({ recognised: { achievement: CLIMATE, minEcts: 6 } }, state).isMet).toBe(
      false,
    );
  });

  it('is not met by a credential counting no ECTS when a minimum is asked', () => {
    const state = holding(recognised({ countedEcts: null }));
    expect(evaluateRule({ recognised: { minEcts: 1 } }, state).isMet).toBe(false);
  });

  it('is not met without recognised credentials', () => {
    expect(
      evaluateRule(
        { recognised: { alignment: ESCO } },
        { activities: new Map(), credentials: new Map() },
      ).isMet,
    ).toBe(false);
  });

  it('chooses the matching credential counting the fewest ECTS', () => {
    const big = recognised({ recognitionId: 'big', countedEcts: 10 });
    const small = recognised({ recognitionId: 'small', countedEcts: 3 });
    const evaluation = evaluateRule({ recognised: { alignment: ESCO } }, holding(big, small));
    expect(evaluation.evidence).toEqual([{ kind: 'recognised', credential: small }]);
  });

  it('counts one credential once when two conditions of a group match it', () => {
    const rule = parseRule({
      allOf: [{ recognised: { alignment: ESCO } }, { recognised: { issuer: PARTNER } }],
    });
    const evaluation = evaluateRule(rule, holding(recognised()));
    expect(evaluation.evidence).toHaveLength(1);
    expect(evaluation.stackedEcts).toBe(5);
  });

  it('covers the group it names inside distinctGroupsAtLeast', () => {
    const rule = parseRule({
      distinctGroupsAtLeast: {
        n: 2,
        tag: 'pillar',
        of: [
          { recognised: { alignment: ESCO, group: 'environmental' } },
          { recognised: { alignment: 'ECON-1', group: 'economic' } },
        ],
      },
    });
    const econ = recognised({ recognitionId: 'econ', alignments: ['ECON-1'] });
    expect(evaluateRule(rule, holding(recognised())).isMet).toBe(false);
    expect(evaluateRule(rule, holding(recognised(), econ)).isMet).toBe(true);
    expect(leafOf({ recognised: { alignment: ESCO, group: 'environmental' } })?.group).toBe(
      'environmental',
    );
  });

  it('makes its rule a stack, which a stacking cap may hold', () => {
    const rule = parseRule({
      stackingCap: { ects: 60, target: 'MSc year', rule: { recognised: { alignment: ESCO } } },
    });
    expect(countsRecognised(rule)).toBe(true);
    expect(isStackRule(rule)).toBe(true);
  });

  it('stays below the stacking cap with the ECTS it counts', () => {
    const rule = parseRule({
      stackingCap: { ects: 5, target: 'MSc year', rule: { recognised: { alignment: ESCO } } },
    });
    const evaluation = evaluateRule(rule, holding(recognised()), {
      groups: new Map(),
      creditOnly: true,
    });
    expect(evaluation.isMet).toBe(false);
    expect(evaluation.refusal).toMatch(/add up to 5 ECTS/);
  });

  it('explains to the learner in names what it asks and which credential counted', () => {
    const progress = explainProgress(
      { recognised: { alignment: 'CLIM-101', issuer: PARTNER } },
      holding(recognised()),
      { groups: new Map(), creditOnly: false },
    );
    expect(progress.key).toBe('recognised');
    expect(progress.isMet).toBe(true);
    expect(progress.notes).toEqual([
      { key: 'recognisedAlignment', values: { alignment: 'CLIM-101' } },
      { key: 'recognisedIssuer', values: { issuer: 'Partner University' } },
      { key: 'recognisedCounted', values: { name: 'Climate.now', issuer: 'Partner University' } },
    ]);
  });
});

describe('the recognised leaf explained to a learner without a matching credential', () => {
  it('leaves out web addresses and identifiers it cannot name', () => {
    const progress = explainProgress(
      { recognised: { achievement: CLIMATE, alignment: ESCO, issuer: PARTNER, minEcts: 5 } },
      holding(),
      { groups: new Map(), creditOnly: false },
    );
    expect(progress.isMet).toBe(false);
    expect(progress.notes).toEqual([{ key: 'recognisedMinEcts', values: { ects: 5 } }]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  awardResult,
  type AwardEvidence,
  type RecognisedComponent,
  type StackedCredential,
} from '../../src/awards/award-evidence.js';

/** A course of ours stacked with its ECTS and result. */
function course(name: string, ects: number, scoreScaled: number | null): StackedCredential {
  return {
    achievementId: `achievement-${name}`,
    awardId: `award-${name}`,
    name,
    ects,
    issuerName: 'University A',
    issuedAt: '2026-03-01T10:00:00.000Z',
    scoreScaled,
  };
}

/** A partner's credential recognised here for some ECTS. */
function recognised(name: string, ects: number): RecognisedComponent {
  return {
    recognitionId: `recognition-${name}`,
    credentialId: `https://university-b.example/credentials/${name}`,
    issuerId: 'did:web:university-b.example',
    issuerName: 'University B',
    achievementId: `https://university-b.example/achievements/${name}`,
    achievementName: name,
    ects,
  };
}

function stackEvidence(
  stackResult: AwardEvidence['stackResult'],
  parts: { stacked: StackedCredential[]; recognised: RecognisedComponent[] },
): AwardEvidence {
  return {
    form: 'micro-credential',
    trustLevel: 'registered',
    creditsEarned: null,
    supervisionAndIdentityVerification: 'not-declared',
    sources: [],
    statements: [],
    stackedCredentials: parts.stacked,
    recognisedCredentials: parts.recognised,
    stackResult,
  };
}

describe('awardResult: the result a stack with parts recognised from partners states', () => {
  it('is the ECTS-weighted average of our stacked courses’ results alone, a recognised part counting for none', () => {
    const evidence = stackEvidence('weighted-average', {
      stacked: [course('seminar', 4, 0.75), course('project', 2, 0.9)],
      recognised: [recognised('climate', 2)],
    });
    // (4 × 0.75 + 2 × 0.9) / 6 = 0.8; the recognised 2 ECTS weigh nothing.
    expect(awardResult(evidence, null)).toEqual({ scoreScaled: 0.8, averageWeighting: 'ects' });
  });

  it('counts our courses equally, and says so, when one of them carries no ECTS (a badge)', () => {
    const evidence = stackEvidence('weighted-average', {
      stacked: [{ ...course('seminar', 4, 0.75), ects: null }, course('project', 2, 0.9)],
      recognised: [recognised('climate', 2)],
    });
    expect(awardResult(evidence, null)).toEqual({ scoreScaled: 0.825, averageWeighting: 'equal' });
  });

  it('is none when every part is recognised, as for a stack without a result', () => {
    const parts = { stacked: [], recognised: [recognised('climate', 2), recognised('water', 3)] };
    expect(awardResult(stackEvidence('weighted-average', parts), null)).toEqual({
      scoreScaled: null,
      averageWeighting: null,
    });
  });

  it('is none when our courses in it carry no result either', () => {
    const evidence = stackEvidence('weighted-average', {
      stacked: [course('seminar', 4, null)],
      recognised: [recognised('climate', 2)],
    });
    expect(awardResult(evidence, null)).toEqual({ scoreScaled: null, averageWeighting: null });
  });
});

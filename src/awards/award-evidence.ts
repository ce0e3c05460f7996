import { eq, inArray } from 'drizzle-orm';
import {
  readElements,
  SUPERVISION_NOT_DECLARED,
  type SupervisionStatement,
} from '../badges/eu-elements.js';
import type { AverageWeighting } from '../badges/open-badge-credential.js';
import type { Executor } from '../db/database.js';
import { achievements, awards } from '../db/schema.js';
import type { AchievementRow } from './rule-index.js';
import type { Evaluation } from './rules/evaluate.js';
import { parseRule, type StatementSource } from './rules/rule-schema.js';
import {
  creditsEarned,
  isStackRule,
  weightedAverageResult,
  type StackResult,
} from './stack-credit.js';

/** What an award records about how it was met; stored in `awards.evidence`. */
export interface AwardEvidence {
  form: 'micro-credential' | 'badge';
  trustLevel: 'registered' | 'self-study';
  creditsEarned: number | null;
  /** As the teacher declared it for the achievement (badges/eu-value-types.ts), or `not-declared`. */
  supervisionAndIdentityVerification: SupervisionStatement;
  /** The sources of the statements the award rests on, its stacked credentials' included. */
  sources: StatementSource[];
  statements: {
    statementId: string;
    activity: string;
    condition: 'passed' | 'completed' | 'satisfied' | 'scoreAtLeast';
    source: StatementSource;
    scaled: number | null;
  }[];
  /** For a stack: the credentials (courses) chosen. */
  stackedCredentials: StackedCredential[];
  /** For a stack: the credentials recognised from partners chosen (absent before #20). */
  recognisedCredentials?: RecognisedComponent[];
  /** For a stack: the result its credential carries (the value is the award's scoreScaled). */
  stackResult: StackResult | null;
  /** For an award a teacher made by hand (manual-award.ts): who, and why. */
  awardedBy?: TeacherAward;
}

/** A teacher awarded the credential by hand: the teacher and the reason they gave. */
export interface TeacherAward {
  userId: string;
  /** The teacher's name as the credential states it. */
  name: string;
  reason: string;
}

/** A credential stacked into another, as the stack's credential names it in its evidence. */
export interface StackedCredential {
  achievementId: string;
  awardId: string;
  name: string;
  /** The ECTS the stacked credential carries; null for the badge form. */
  ects: number | null;
  issuerName: string;
  /** When it was issued, ISO 8601. */
  issuedAt: string;
  /** Its result from 0 to 1, or null when it has none. */
  scoreScaled: number | null;
}

/** A credential recognised from a partner, as the stack's credential names it in its evidence. */
export interface RecognisedComponent {
  /** Our `recognised_credentials` row. */
  recognitionId: string;
  /** The partner credential's own `id`. */
  credentialId: string;
  /** The partner issuer as the credential names it (a DID or URL), and its name. */
  issuerId: string;
  issuerName: string;
  achievementId: string;
  achievementName: string;
  /** The ECTS it counted for here, or null. */
  ects: number | null;
}

/**
 * What an award of this evaluation records: its form (a micro-credential with credits for a
 * registered learner of an achievement with ECTS, else a badge), the statements and stacked
 * credentials it rests on, and their sources.
 */
export async function describeEvidence(
  db: Executor,
  trustLevel: 'registered' | 'self-study',
  achievement: AchievementRow,
  evaluation: Evaluation,
  creditOnly: boolean,
): Promise<AwardEvidence> {
  const statementsUsed = evaluation.evidence.flatMap((item) =>
    item.kind === 'statement'
      ? [
          {
            statementId: item.statementId,
            activity: item.activity,
            condition: item.condition,
            source: item.source,
            scaled: item.scaled,
          },
        ]
      : [],
  );
  const credentialsUsed = evaluation.evidence.flatMap((item) =>
    item.kind === 'credential' ? [item] : [],
  );
  const components =
    credentialsUsed.length === 0
      ? []
      : await db
          .select({
            id: awards.id,
            achievementName: achievements.name,
            credential: awards.credential,
            issuedAt: awards.issuedAt,
            scoreScaled: awards.scoreScaled,
            evidence: awards.evidence,
          })
          .from(awards)
          .innerJoin(achievements, eq(achievements.id, awards.achievementId))
          .where(
            inArray(
              awards.id,
              credentialsUsed.map((c) => c.awardId),
            ),
          );
  const sources = new Set<StatementSource>(statementsUsed.map((s) => s.source));
  for (const { evidence } of components) {
    for (const source of (evidence as { sources?: StatementSource[] } | null)?.sources ?? []) {
      sources.add(source);
    }
  }
  const form = creditOnly ? 'micro-credential' : 'badge';
  const rule = parseRule(achievement.rule);
  const stackedCredentials = credentialsUsed.map((used): StackedCredential => {
    const award = components.find((row) => row.id === used.awardId);
    if (!award) throw new Error(`Stacked award ${used.awardId} has no row`);
    const signed = award.credential as SignedShape;
    return {
      achievementId: used.achievementId,
      awardId: used.awardId,
      name: signed.credentialSubject?.achievement?.name ?? award.achievementName,
      ects: used.ects,
      issuerName: signed.issuer?.name ?? '',
      issuedAt: award.issuedAt.toISOString(),
      scoreScaled: award.scoreScaled,
    };
  });
  return {
    form,
    trustLevel,
    creditsEarned: creditsEarned({
      form,
      rule,
      achievementEcts: achievement.ects,
      stackCredit: achievement.stackCredit,
      evaluation,
    }),
    supervisionAndIdentityVerification:
      readElements(achievement.eu).supervision ?? SUPERVISION_NOT_DECLARED,
    sources: [...sources].sort(),
    statements: statementsUsed,
    stackedCredentials,
    recognisedCredentials: evaluation.evidence.flatMap((item) =>
      item.kind === 'recognised'
        ? [
            {
              recognitionId: item.credential.recognitionId,
              credentialId: item.credential.credentialId,
              issuerId: item.credential.issuerId,
              issuerName: item.credential.issuerName,
              achievementId: item.credential.achievementId,
              achievementName: item.credential.achievementName,
              ects: item.credential.countedEcts,
            },
          ]
        : [],
    ),
    stackResult: isStackRule(rule) ? achievement.stackResult : null,
  };
}

/** The result of an award, and for a stack's average how it weighed the stacked credentials. */
export interface AwardResult {
  /** From 0 to 1, or null for none. */
  scoreScaled: number | null;
  /** Null unless the result is a stack's average. */
  averageWeighting: AverageWeighting | null;
}

/**
 * The result of an award of this evaluation, as its credential and the gradebook state it: for
 * a stack, the average of the stacked credentials' results (weighted by their ECTS when all of
 * them state ECTS) when the teacher chose it, else none; for other rules, the learner's score
 * on the activities.
 *
 * The average is over our own stacked credentials that carry a result. Credentials recognised
 * from partners count for their ECTS only: a partner's percentage is on its own grading scale,
 * which this tool does not convert into ours (docs/recognition.md). With no result to average
 * the stack has none, and the gradebook gets what a stack without a result gets.
 */
export function awardResult(evidence: AwardEvidence, statementScore: number | null): AwardResult {
  if (evidence.stackResult === null) {
    return { scoreScaled: statementScore, averageWeighting: null };
  }
  const average =
    evidence.stackResult === 'weighted-average'
      ? weightedAverageResult(evidence.stackedCredentials)
      : null;
  return {
    scoreScaled: average?.scoreScaled ?? null,
    averageWeighting: average?.weighting ?? null,
  };
}

/** The parts of a stored credential a stack names its components by. */
type SignedShape = {
  issuer?: { name?: string };
  credentialSubject?: { achievement?: { name?: string } };
};

import { inArray } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { achievements, awards } from '../db/schema.js';
import type { AchievementRow } from './rule-index.js';
import type { Evaluation } from './rules/evaluate.js';
import type { StatementSource } from './rules/rule-schema.js';

/** The EU "supervision and identity verification" of a self-study learner's badge. */
const SELF_STUDY_SUPERVISION = 'unsupervised without identity verification';

/** What an award records about how it was met; stored in `awards.evidence`. */
export interface AwardEvidence {
  form: 'micro-credential' | 'badge';
  trustLevel: 'registered' | 'self-study';
  creditsEarned: number | null;
  supervisionAndIdentityVerification: string | null;
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
  stackedCredentials: {
    achievementId: string;
    awardId: string;
    name: string;
    ects: number | null;
  }[];
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
          .select({ id: achievements.id, name: achievements.name })
          .from(achievements)
          .where(
            inArray(
              achievements.id,
              credentialsUsed.map((c) => c.achievementId),
            ),
          );
  const componentSources =
    credentialsUsed.length === 0
      ? []
      : await db
          .select({ evidence: awards.evidence })
          .from(awards)
          .where(
            inArray(
              awards.id,
              credentialsUsed.map((c) => c.awardId),
            ),
          );
  const sources = new Set<StatementSource>(statementsUsed.map((s) => s.source));
  for (const { evidence } of componentSources) {
    for (const source of (evidence as { sources?: StatementSource[] } | null)?.sources ?? []) {
      sources.add(source);
    }
  }
  const form = creditOnly ? 'micro-credential' : 'badge';
  return {
    form,
    trustLevel,
    creditsEarned:
      form === 'badge'
        ? null
        : credentialsUsed.length > 0
          ? evaluation.stackedEcts
          : achievement.ects,
    supervisionAndIdentityVerification: trustLevel === 'self-study' ? SELF_STUDY_SUPERVISION : null,
    sources: [...sources].sort(),
    statements: statementsUsed,
    stackedCredentials: credentialsUsed.map((c) => ({
      achievementId: c.achievementId,
      awardId: c.awardId,
      name: components.find((a) => a.id === c.achievementId)?.name ?? c.achievementId,
      ects: c.ects,
    })),
  };
}

/**
 * What the gradebook gets for an award, out of the column's `scoreMaximum`: the learner's
 * result (0 to 1) scaled to it, rounded to hundredths (0.9 of 100 is 90, of 50 is 45); the
 * maximum when the achievement grades any pass as full marks; null (completed, no grade) when
 * the achievement has no result to give, as a stack without one or a completion rule. A stack
 * whose credential states a pass is graded in the `pass` mode (grade-passback.ts).
 */
export function gradeValue(
  award: { scoreScaled: number | null; gradeMode: 'result' | 'pass' },
  scoreMaximum: number,
): number | null {
  if (award.gradeMode === 'pass') return scoreMaximum;
  if (award.scoreScaled === null) return null;
  const scaled = Math.min(1, Math.max(0, award.scoreScaled));
  return Math.round(scaled * scoreMaximum * 100) / 100;
}

import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { statements } from '../db/schema.js';
import type { LanguageMap } from './statement.js';

/**
 * xAPI Communication 2.5: the definition statements gave the Activity, later ones taking
 * precedence and language maps combined; undefined when none did.
 */
export async function loadActivityDefinition(
  db: Executor,
  activityId: string,
): Promise<Record<string, unknown> | undefined> {
  const definitionPath = sql`${statements.statement} -> 'object' -> 'definition'`;
  const rows = await db
    .select({ definition: definitionPath })
    .from(statements)
    .where(
      and(
        eq(statements.activityId, activityId),
        sql`${statements.statement} -> 'object' ? 'definition'`,
      ),
    )
    .orderBy(asc(statements.stored), asc(statements.seq));
  let definition: Record<string, unknown> | undefined;
  for (const row of rows) {
    definition = mergeDefinitions(definition ?? {}, row.definition as Record<string, unknown>);
  }
  return definition;
}

function mergeDefinitions(
  base: Record<string, unknown>,
  next: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base, ...next };
  for (const key of ['name', 'description']) {
    if (base[key] && next[key]) {
      merged[key] = { ...(base[key] as LanguageMap), ...(next[key] as LanguageMap) };
    }
  }
  return merged;
}

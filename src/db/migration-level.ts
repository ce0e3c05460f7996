import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { projectRoot } from '../config/project-root.js';
import type { Executor } from './database.js';
import { rowsOf } from './raw-rows.js';

/** drizzle-kit's list of this version's migrations, in the order they apply. */
interface MigrationJournal {
  readonly entries: readonly { readonly tag: string; readonly when: number }[];
}

let journal: MigrationJournal | undefined;

function migrationJournal(): MigrationJournal {
  journal ??= JSON.parse(
    readFileSync(path.join(projectRoot, 'drizzle', 'meta', '_journal.json'), 'utf8'),
  ) as MigrationJournal;
  return journal;
}

/** The tag of this version's last migration (`0014_stack_credit_and_result`...). */
export function latestMigration(): string {
  const last = migrationJournal().entries.at(-1);
  if (!last) throw new TypeError('The migration journal lists no migration');
  return last.tag;
}

/**
 * The tag of the last migration applied to a database, or null when none was. Drizzle records
 * each applied migration with its journal time (`created_at`), which names it; a migration this
 * version does not know (a newer version's) is named by its time.
 */
export async function appliedMigration(db: Executor): Promise<string | null> {
  const result = await db.execute(sql`
    select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`);
  const [last] = rowsOf<{ created_at: string | number }>(result);
  if (!last) return null;
  const entry = migrationJournal().entries.find((item) => item.when === Number(last.created_at));
  return entry?.tag ?? `unknown migration of ${new Date(Number(last.created_at)).toISOString()}`;
}

/**
 * Every row of the tool's database, read in one snapshot and written into another database of
 * the same migration: the common core of `microcred backup`, `restore` and `move-to-postgresql`.
 *
 * Contract:
 * - The tables are whatever the migrations created in the `public` schema, found in the
 *   catalog (not a list kept by hand), so a table a later migration adds is copied without
 *   anyone remembering to add it. Drizzle's own migrations table lives in the `drizzle`
 *   schema; the target is migrated itself, so it is not copied.
 * - `readSnapshot` runs in the caller's transaction, which must be REPEATABLE READ so that
 *   every table is read at the same instant. Tables come parents first (by their foreign
 *   keys), so that `writeSnapshot` can insert them in the order read.
 * - A row travels as PostgreSQL's own JSON of it (`row_to_json`) and goes back in with
 *   `json_populate_recordset`: PostgreSQL converts every value both ways, so jsonb documents,
 *   bytea, timestamps to the microsecond and numbers come back exactly. The text is never
 *   parsed in JavaScript (which would round large numbers).
 * - Sequences are read after the rows: a sequence is never behind the rows of the snapshot, so
 *   ids handed out after a restore never collide with restored ones.
 */
import { sql } from 'drizzle-orm';
import { ConflictError } from '../errors.js';
import type { Db, Executor } from './database.js';
import { rowsOf } from './raw-rows.js';

export type SnapshotPart =
  | { readonly kind: 'table'; readonly table: string }
  /** Rows of the table last announced, each one line of JSON. */
  | { readonly kind: 'rows'; readonly rows: readonly string[] }
  | {
      readonly kind: 'sequence';
      readonly sequence: string;
      readonly lastValue: string;
      readonly isCalled: boolean;
    };

const ROWS_PER_BATCH = 500;

/** Calls `onPart` with every table (parents first), its rows in batches, then every sequence. */
export async function readSnapshot(
  tx: Executor,
  onPart: (part: SnapshotPart) => Promise<void>,
): Promise<void> {
  for (const table of await tablesParentsFirst(tx)) {
    await onPart({ kind: 'table', table });
    await tx.execute(
      sql`declare snapshot_rows no scroll cursor for select row_to_json(t)::text as row from ${publicTable(table)} t`,
    );
    for (;;) {
      const rows = rowsOf<{ row: string }>(
        await tx.execute(sql.raw(`fetch forward ${ROWS_PER_BATCH} from snapshot_rows`)),
      ).map(({ row }) => row);
      if (rows.length === 0) break;
      await onPart({ kind: 'rows', rows });
    }
    await tx.execute(sql`close snapshot_rows`);
  }
  for (const sequence of await namesOf(tx, 'S')) {
    const [state] = rowsOf<{ last_value: string | number; is_called: boolean }>(
      await tx.execute(sql`select last_value, is_called from ${publicTable(sequence)}`),
    );
    await onPart({
      kind: 'sequence',
      sequence,
      lastValue: String(state?.last_value ?? 1),
      isCalled: state?.is_called ?? false,
    });
  }
}

/**
 * In one transaction on a migrated database: checks it holds no row (else throws
 * DatabaseNotEmptyError, naming it by `description`), then writes every part `produce` hands
 * over, in the order `readSnapshot` produced them. All or nothing. Returns the rows written.
 * Throws TypeError for a table this database does not have (another migration).
 */
export async function fillEmptyDatabase(
  db: Db,
  description: string,
  produce: (write: (part: SnapshotPart) => Promise<void>) => Promise<void>,
): Promise<number> {
  return db.transaction(async (tx) => {
    await assertDatabaseEmpty(tx, description);
    const writer = snapshotWriter(tx);
    await produce(writer.write);
    return writer.rowsWritten();
  });
}

function snapshotWriter(tx: Executor): {
  write(part: SnapshotPart): Promise<void>;
  rowsWritten(): number;
} {
  let table: string | null = null;
  let rowsWritten = 0;
  return {
    async write(part) {
      if (part.kind === 'table') {
        if (!(await namesOf(tx, 'r')).includes(part.table)) {
          throw new TypeError(`This database has no table ${part.table}`);
        }
        table = part.table;
      } else if (part.kind === 'rows') {
        if (table === null) throw new TypeError('Rows came before their table');
        const target = publicTable(table);
        await tx.execute(sql`insert into ${target} overriding system value
          select * from json_populate_recordset(null::${target}, ${`[${part.rows.join(',')}]`}::json)`);
        rowsWritten += part.rows.length;
      } else {
        await tx.execute(
          sql`select setval(${`public.${quoteIdentifier(part.sequence)}`}::regclass, ${part.lastValue}::bigint, ${part.isCalled})`,
        );
      }
    },
    rowsWritten: () => rowsWritten,
  };
}

async function assertDatabaseEmpty(db: Executor, description: string): Promise<void> {
  const filled: string[] = [];
  for (const table of await namesOf(db, 'r')) {
    const [found] = rowsOf<{ filled: boolean }>(
      await db.execute(sql`select exists (select 1 from ${publicTable(table)}) as filled`),
    );
    if (found?.filled) filled.push(table);
  }
  if (filled.length > 0) {
    throw new DatabaseNotEmptyError(
      `${description} already holds data (tables ${filled.join(', ')}). ` +
        'Nothing was written: give an empty database (or a new data folder) instead.',
    );
  }
}

export class DatabaseNotEmptyError extends ConflictError {
  override readonly code = 'DATABASE_NOT_EMPTY';
}

/** Tables of the public schema, each after every table its foreign keys point to. */
async function tablesParentsFirst(tx: Executor): Promise<string[]> {
  const tables = await namesOf(tx, 'r');
  const links = rowsOf<{ child: string; parent: string }>(
    await tx.execute(sql`
      select child.relname as child, parent.relname as parent
      from pg_constraint c
      join pg_class child on child.oid = c.conrelid
      join pg_class parent on parent.oid = c.confrelid
      where c.contype = 'f' and c.connamespace = 'public'::regnamespace
        and c.conrelid <> c.confrelid`),
  );
  const ordered: string[] = [];
  const placed = new Set<string>();
  const place = (table: string, path: readonly string[]) => {
    if (placed.has(table)) return;
    if (path.includes(table)) throw new TypeError(`Foreign keys loop through ${table}`);
    for (const link of links) {
      if (link.child === table) place(link.parent, [...path, table]);
    }
    placed.add(table);
    ordered.push(table);
  };
  for (const table of tables) place(table, []);
  return ordered;
}

/** Names of the public schema's relations of one kind (`r` tables, `S` sequences), sorted. */
async function namesOf(db: Executor, kind: 'r' | 'S'): Promise<string[]> {
  return rowsOf<{ name: string }>(
    await db.execute(sql`
      select c.relname as name from pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind = ${kind}
        and not c.relispartition
      order by c.relname`),
  ).map(({ name }) => name);
}

function publicTable(name: string) {
  return sql`${sql.identifier('public')}.${sql.identifier(name)}`;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

import { parseArgs } from 'node:util';
import path from 'node:path';
import { toolVersion } from '../config/tool-version.js';
import { sealSecretCheck, writeBackupFile } from '../db/backup-file.js';
import { readSnapshot } from '../db/database-snapshot.js';
import { appliedMigration } from '../db/migration-level.js';
import { assertSecretOpensStoredKeys } from '../db/secret-check.js';
import { BadRequestError } from '../errors.js';
import type { CommandContext } from './command-context.js';

export const usage = 'microcred backup FILE';

/**
 * `microcred backup FILE`: writes every row of the database, read in one snapshot, to FILE
 * (format in db/backup-file.ts). On PostgreSQL it runs beside serving processes; on the
 * embedded database the server must be stopped (the folder's lock refuses otherwise). The
 * secret is not in the file: keep it apart, a restore needs it.
 */
export async function backup(context: CommandContext, args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true });
  const [file] = positionals;
  if (file === undefined || positionals.length > 1) {
    throw new BadRequestError(`Name one file to write\nusage: ${usage}`);
  }
  await assertSecretOpensStoredKeys(context.db, context.secret);
  const written = await context.db.transaction(
    async (tx) => {
      const migration = await appliedMigration(tx);
      if (migration === null) throw new TypeError('The database is not migrated');
      const header = {
        formatVersion: 1 as const,
        toolVersion,
        migration,
        createdAt: new Date().toISOString(),
        secretCheck: sealSecretCheck(context.secret),
      };
      const { rows } = await writeBackupFile(path.resolve(file), header, (write) =>
        readSnapshot(tx, write),
      );
      return { ...header, rows };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  context.out(
    JSON.stringify({
      file: path.resolve(file),
      rows: written.rows,
      toolVersion: written.toolVersion,
      migration: written.migration,
      createdAt: written.createdAt,
    }),
  );
}

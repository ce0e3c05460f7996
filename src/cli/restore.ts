import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Settings } from '../config/settings.js';
import { readSecret, secretFile } from '../config/secret.js';
import { assertSecretOpens, openBackupFile } from '../db/backup-file.js';
import { openDatabase } from '../db/database.js';
import { fillEmptyDatabase } from '../db/database-snapshot.js';
import { appliedMigration } from '../db/migration-level.js';
import { SecretMissingError } from '../db/secret-check.js';
import { BadRequestError, ConflictError } from '../errors.js';

export const usage = 'microcred restore FILE';

/** The backup was written at another migration than this tool's. */
export class BackupMigrationMismatchError extends ConflictError {
  override readonly code = 'BACKUP_MIGRATION_MISMATCH';
}

/**
 * `microcred restore FILE`: fills the empty database the settings name (DATABASE_URL, else the
 * embedded database in MICROCRED_DATA_DIR) with a backup, in one transaction. The secret the
 * backup was made with must be set; a wrong or missing secret, a damaged file or a database
 * that holds data are refused before anything is written.
 */
export async function restore(
  settings: Settings,
  args: string[],
  out: (line: string) => void,
): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true });
  const [file] = positionals;
  if (file === undefined || positionals.length > 1) {
    throw new BadRequestError(`Name one backup file to restore\nusage: ${usage}`);
  }
  const secret = readSecret(settings);
  if (secret === null) {
    throw new SecretMissingError(
      `A restore needs the secret the backup was made with: set MICROCRED_SECRET, or put it in ${secretFile(settings)}. Nothing was written.`,
    );
  }
  const backup = await openBackupFile(path.resolve(file));
  try {
    assertSecretOpens(backup.header, secret);
    const database = await openDatabase(settings);
    try {
      await database.migrate();
      const migration = await appliedMigration(database.db);
      if (migration !== backup.header.migration) {
        throw new BackupMigrationMismatchError(
          `This backup was written by microcred ${backup.header.toolVersion} at migration ${backup.header.migration}; ` +
            `this microcred is at migration ${migration ?? 'none'}. Restore it with the microcred version that wrote it, ` +
            'then upgrade. Nothing was written.',
        );
      }
      const rows = await fillEmptyDatabase(database.db, describeTarget(settings), async (write) => {
        for await (const part of backup.parts()) await write(part);
      });
      out(
        JSON.stringify({
          restored: path.resolve(file),
          rows,
          toolVersion: backup.header.toolVersion,
          migration,
          storage: database.mode,
        }),
      );
    } finally {
      await database.close();
    }
  } finally {
    backup.close();
  }
}

function describeTarget(settings: Settings): string {
  return settings.databaseUrl
    ? 'The PostgreSQL database of DATABASE_URL'
    : `The embedded database in ${settings.dataDir}`;
}

import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Settings } from '../config/settings.js';
import { readSecret, secretFile } from '../config/secret.js';
import { openDatabase } from '../db/database.js';
import { fillEmptyDatabase, readSnapshot } from '../db/database-snapshot.js';
import { assertSecretOpensStoredKeys, SecretMissingError } from '../db/secret-check.js';
import { BadRequestError } from '../errors.js';

export const usage = 'microcred move-to-postgresql --to POSTGRESQL_URL';

/**
 * `microcred move-to-postgresql --to URL`: copies every row of the embedded database in
 * MICROCRED_DATA_DIR into an empty PostgreSQL database (migrated first), in one transaction
 * read from one snapshot. The embedded database is left as it was, and the server must be
 * stopped (its lock refuses otherwise). The keys stay sealed with the same secret, which the
 * tool on PostgreSQL needs: MICROCRED_SECRET, or the secret file of the same data folder.
 */
export async function moveToPostgresql(
  settings: Settings,
  args: string[],
  out: (line: string) => void,
): Promise<void> {
  const { values } = parseArgs({ args, options: { to: { type: 'string' } } });
  const target = values.to;
  if (target === undefined || !/^postgres(ql)?:\/\//.test(target)) {
    throw new BadRequestError(`--to must be a postgres:// URL\nusage: ${usage}`);
  }
  if (settings.databaseUrl) {
    throw new BadRequestError(
      'DATABASE_URL is set, so this tool already runs on PostgreSQL. Unset it to move the embedded database of MICROCRED_DATA_DIR.',
    );
  }
  const embeddedFolder = path.join(settings.dataDir, 'pgdata');
  if (!existsSync(embeddedFolder)) {
    throw new BadRequestError(
      `There is no embedded database in ${settings.dataDir}: set MICROCRED_DATA_DIR to the folder it is in.`,
    );
  }
  const secret = readSecret(settings);
  if (secret === null) {
    throw new SecretMissingError(
      `Neither MICROCRED_SECRET nor ${secretFile(settings)} holds the secret that opens the stored keys. Nothing was written.`,
    );
  }
  const source = await openDatabase({ databaseUrl: undefined, dataDir: settings.dataDir });
  try {
    await source.migrate();
    await assertSecretOpensStoredKeys(source.db, secret);
    const destination = await openDatabase({ databaseUrl: target, dataDir: null });
    try {
      await destination.migrate();
      const rows = await fillEmptyDatabase(
        destination.db,
        `The database ${redact(target)}`,
        (write) =>
          source.db.transaction((tx) => readSnapshot(tx, write), {
            isolationLevel: 'repeatable read',
            accessMode: 'read only',
          }),
      );
      out(
        JSON.stringify({
          moved: { from: embeddedFolder, to: redact(target), rows },
          next: [
            `Start microcred with DATABASE_URL=${redact(target)}`,
            settings.secret
              ? 'and the same MICROCRED_SECRET'
              : `and the same secret: keep MICROCRED_DATA_DIR=${settings.dataDir} (its file "secret") or set MICROCRED_SECRET to the content of ${secretFile(settings)}`,
          ].join(' '),
        }),
      );
    } finally {
      await destination.close();
    }
  } finally {
    await source.close();
  }
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.href;
}

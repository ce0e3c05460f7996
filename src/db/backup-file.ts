/**
 * The backup file: gzip-compressed lines of JSON.
 *
 * - line 1, the header: `["microcred-backup", { formatVersion, toolVersion, migration,
 *   createdAt, secretCheck }]`. `migration` is the last migration applied to the database it
 *   was taken from; `secretCheck` is a fixed text sealed with the tool secret, so that a
 *   restore can tell a wrong secret before it writes anything. The secret itself is never in
 *   the file: the private keys in it stay sealed with it.
 * - `["table", name]` starts a table; each following line that is an object is one of its rows
 *   (PostgreSQL's `row_to_json`, see database-snapshot.ts);
 * - `["sequence", name, lastValue, isCalled]` restores a sequence;
 * - `["end", { rows }]` closes the file: a file without it was cut short and is refused.
 *
 * It is written to `FILE.partial` and renamed when complete, so FILE is always whole.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { createGunzip, createGzip } from 'node:zlib';
import { z } from 'zod';
import { MicrocredError } from '../errors.js';
import type { SnapshotPart } from './database-snapshot.js';
import { decryptText, encryptText } from './encryption.js';
import { SecretMismatchError } from './secret-check.js';

const FORMAT = 'microcred-backup';
const FORMAT_VERSION = 1;
const SECRET_CHECK_TEXT = 'microcred-backup-secret-check';

const backupHeader = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  toolVersion: z.string(),
  migration: z.string(),
  createdAt: z.iso.datetime(),
  secretCheck: z.string(),
});
export type BackupHeader = z.infer<typeof backupHeader>;

const controlLine = z.union([
  z.tuple([z.literal('table'), z.string()]),
  z.tuple([z.literal('sequence'), z.string(), z.string(), z.boolean()]),
  z.tuple([z.literal('end'), z.object({ rows: z.number().int() })]),
]);

const ROWS_PER_BATCH = 500;

export class BackupFileInvalidError extends MicrocredError {
  override readonly code = 'BACKUP_FILE_INVALID';
  override readonly status = 400;
  override readonly expose = true;
}

/** Seals the check text that lets a restore recognise the secret the backup was made with. */
export function sealSecretCheck(secret: string): string {
  return encryptText(SECRET_CHECK_TEXT, secret);
}

/** Throws SecretMismatchError unless `secret` is the one the backup was made with. */
export function assertSecretOpens(header: BackupHeader, secret: string): void {
  let opened: string | null = null;
  try {
    opened = decryptText(header.secretCheck, secret);
  } catch {
    opened = null;
  }
  if (opened !== SECRET_CHECK_TEXT) {
    throw new SecretMismatchError(
      'This backup was made with another secret: its private keys would not open. Set MICROCRED_SECRET ' +
        '(or the secret file in MICROCRED_DATA_DIR) to the secret of the tool that made the backup. Nothing was written.',
    );
  }
}

/**
 * Writes a backup file: the header, then every part `produce` hands to `write`. The file
 * appears under its name only once complete.
 */
export async function writeBackupFile(
  file: string,
  header: BackupHeader,
  produce: (write: (part: SnapshotPart) => Promise<void>) => Promise<void>,
): Promise<{ rows: number }> {
  const partial = `${file}.partial`;
  const gzip = createGzip();
  const output = createWriteStream(partial, { mode: 0o600 });
  const finished = once(output, 'finish');
  gzip.pipe(output);
  const writeLine = async (line: string) => {
    if (!gzip.write(`${line}\n`)) await once(gzip, 'drain');
  };
  let rows = 0;
  try {
    await writeLine(JSON.stringify([FORMAT, header]));
    await produce(async (part) => {
      if (part.kind === 'table') return writeLine(JSON.stringify(['table', part.table]));
      if (part.kind === 'sequence') {
        return writeLine(
          JSON.stringify(['sequence', part.sequence, part.lastValue, part.isCalled]),
        );
      }
      if (part.rows.some((row) => row.includes('\n'))) {
        throw new TypeError('A row of JSON spans several lines');
      }
      await writeLine(part.rows.join('\n'));
      rows += part.rows.length;
    });
    await writeLine(JSON.stringify(['end', { rows }]));
    gzip.end();
    await finished;
    await rename(partial, file);
    return { rows };
  } catch (error) {
    gzip.destroy();
    output.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}

export interface BackupReader {
  readonly header: BackupHeader;
  /** The parts in file order, rows in batches; throws BackupFileInvalidError on a damaged file. */
  parts(): AsyncGenerator<SnapshotPart>;
  close(): void;
}

/** Opens a backup file and reads its header; throws BackupFileInvalidError if it is none. */
export async function openBackupFile(file: string): Promise<BackupReader> {
  const input = createReadStream(file);
  const gunzip = createGunzip();
  const lines = createInterface({ input: input.pipe(gunzip), crlfDelay: Infinity });
  const iterator = lines[Symbol.asyncIterator]();
  const invalid = (why: string) =>
    new BackupFileInvalidError(`${file} is not a whole microcred backup: ${why}`);
  const fail = (error: unknown): never => {
    throw error instanceof MicrocredError || error instanceof TypeError
      ? error
      : invalid((error as Error).message);
  };
  const first = await iterator.next().catch(fail);
  let header: BackupHeader;
  try {
    const [format, fields] = JSON.parse(first.done ? 'null' : first.value) as [unknown, unknown];
    if (format !== FORMAT) throw new Error('it does not start with a microcred backup header');
    header = backupHeader.parse(fields);
  } catch (error) {
    lines.close();
    input.destroy();
    throw invalid((error as Error).message);
  }
  return {
    header,
    async *parts() {
      let batch: string[] = [];
      let rows = 0;
      for (;;) {
        const next = await iterator.next().catch(fail);
        if (next.done) throw invalid('it ends before its end line (cut short?)');
        const line = next.value;
        if (line.startsWith('{')) {
          batch.push(line);
          if (batch.length === ROWS_PER_BATCH) {
            rows += batch.length;
            yield { kind: 'rows', rows: batch };
            batch = [];
          }
          continue;
        }
        if (batch.length > 0) {
          rows += batch.length;
          yield { kind: 'rows', rows: batch };
          batch = [];
        }
        const parsed = controlLine.safeParse(parseJson(line));
        if (!parsed.success) throw invalid(`unexpected line ${line.slice(0, 80)}`);
        const control = parsed.data;
        if (control[0] === 'end') {
          if (control[1].rows !== rows) {
            throw invalid(`it holds ${rows} rows where its end line says ${control[1].rows}`);
          }
          return;
        }
        if (control[0] === 'table') yield { kind: 'table', table: control[1] };
        else {
          yield {
            kind: 'sequence',
            sequence: control[1],
            lastValue: control[2],
            isCalled: control[3],
          };
        }
      }
    },
    close() {
      lines.close();
      input.destroy();
    },
  };
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return null;
  }
}

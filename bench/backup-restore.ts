/**
 * Backup and restore speed on PostgreSQL, `DATABASE_URL=postgres://… npx tsx bench/backup-restore.ts [statements]`.
 *
 * Fills a fresh database on that server with `statements` xAPI statements (default 100,000,
 * about 600 bytes of JSON each, written with SQL), then times `microcred backup` and
 * `microcred restore` (run in this process, through the same code as the command) into a second
 * fresh database, and, as the baseline in the same run, `pg_dump -Fc` and `pg_restore` of the
 * same database into a third. Prints rows per second, the file sizes and the ratios.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { runCommand } from '../src/cli/commands.js';
import { loadSettings } from '../src/config/settings.js';
import { openDatabase } from '../src/db/database.js';

const run = promisify(execFile);
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) throw new TypeError('Set DATABASE_URL to a PostgreSQL server');
const count = Number(process.argv[2] ?? 100_000);
const secret = 'bench-backup-secret-'.padEnd(40, 'b');
const suffix = Date.now().toString(36);
const names = ['source', 'restored', 'baseline'].map((role) => `microcred_bench_${role}_${suffix}`);
const urlOf = (name: string) => Object.assign(new URL(serverUrl), { pathname: `/${name}` }).href;

async function admin(query: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return (performance.now() - started) / 1000;
}

const folder = await mkdtemp(path.join(os.tmpdir(), 'microcred-bench-backup-'));
for (const name of names) await admin(`create database ${name}`);
try {
  const [source, restored, baseline] = names.map(urlOf) as [string, string, string];
  const database = await openDatabase({ databaseUrl: source, dataDir: null });
  await database.migrate();
  await database.close();
  const client = new pg.Client({ connectionString: source });
  await client.connect();
  await client.query(
    `insert into statements (id, verb_id, activity_id, registration, score_scaled, success, source, stored, statement)
     select gen_random_uuid(), 'http://adlnet.gov/expapi/verbs/passed', 'https://mooc.example/activity/' || (n % 200),
            gen_random_uuid(), (n % 100) / 100.0, n % 3 = 0, 'platform', now() - n * interval '1 second',
            jsonb_build_object(
              'actor', jsonb_build_object('objectType', 'Agent', 'account',
                jsonb_build_object('homePage', 'https://moodle.example', 'name', 'learner-' || (n % 5000))),
              'verb', jsonb_build_object('id', 'http://adlnet.gov/expapi/verbs/passed',
                'display', jsonb_build_object('en-US', 'passed')),
              'object', jsonb_build_object('objectType', 'Activity',
                'id', 'https://mooc.example/activity/' || (n % 200)),
              'result', jsonb_build_object('score', jsonb_build_object('scaled', (n % 100) / 100.0),
                'success', n % 3 = 0, 'completion', true),
              'timestamp', to_char(now() - n * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
     from generate_series(1, $1::int) as n`,
    [count],
  );
  await client.end();

  const file = path.join(folder, 'bench.backup');
  const settingsOn = (databaseUrl: string) =>
    loadSettings({
      DATABASE_URL: databaseUrl,
      MICROCRED_DATA_DIR: folder,
      MICROCRED_SECRET: secret,
    });
  const quiet = () => {};
  const backupSeconds = await timed(() => runCommand(settingsOn(source), ['backup', file], quiet));
  const restoreSeconds = await timed(() =>
    runCommand(settingsOn(restored), ['restore', file], quiet),
  );
  const dumpFile = path.join(folder, 'bench.dump');
  const dumpSeconds = await timed(() => run('pg_dump', ['-Fc', '-f', dumpFile, source]));
  const pgRestoreSeconds = await timed(() => run('pg_restore', ['-d', baseline, dumpFile]));

  const perSecond = (seconds: number) => Math.round(count / seconds).toLocaleString('en');
  const megabytes = async (at: string) => ((await stat(at)).size / 1e6).toFixed(1);
  console.log(`${count.toLocaleString('en')} statements on PostgreSQL`);
  console.log(
    `microcred backup:  ${backupSeconds.toFixed(1)} s (${perSecond(backupSeconds)} rows/s), ${await megabytes(file)} MB`,
  );
  console.log(
    `pg_dump -Fc:       ${dumpSeconds.toFixed(1)} s (${perSecond(dumpSeconds)} rows/s), ${await megabytes(dumpFile)} MB`,
  );
  console.log(
    `microcred restore: ${restoreSeconds.toFixed(1)} s (${perSecond(restoreSeconds)} rows/s)`,
  );
  console.log(
    `pg_restore:        ${pgRestoreSeconds.toFixed(1)} s (${perSecond(pgRestoreSeconds)} rows/s)`,
  );
  console.log(
    `ratios (microcred / pg tools): backup ${(backupSeconds / dumpSeconds).toFixed(2)}, restore ${(restoreSeconds / pgRestoreSeconds).toFixed(2)}`,
  );
} finally {
  for (const name of names) await admin(`drop database if exists ${name} with (force)`);
  await rm(folder, { recursive: true, force: true });
}

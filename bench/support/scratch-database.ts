import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A database of its own on the benchmark's PostgreSQL server, dropped afterwards (kept with KEEP_DATABASE=1). */
export interface ScratchDatabase {
  readonly name: string;
  /** Its connection string: the server's, with this database's name. */
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates an empty database next to `serverUrl`'s (which stays untouched). */
export async function createScratchDatabase(serverUrl: string): Promise<ScratchDatabase> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const name = `microcred_bench_${randomBytes(4).toString('hex')}`;
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      if (process.env.KEEP_DATABASE === '1') {
        process.stderr.write(`kept database ${name}\n`);
      } else {
        await admin.query(`drop database if exists ${name} with (force)`);
      }
      await admin.end();
    },
  };
}

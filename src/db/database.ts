import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import type { Logger } from '../config/logger.js';
import { projectRoot } from '../config/project-root.js';
import { lockEmbeddedDatabase } from './embedded-database-lock.js';

/**
 * Drizzle without the schema: the tool writes its queries with the query builder and `sql`, never
 * with the relational `db.query` API, which the schema would build anew for every table at the
 * start of every transaction (measured on the LRS's hot path).
 */
export type Db = PgDatabase<PgQueryResultHKT>;
/** An open transaction, as `db.transaction` hands it to its callback. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Anything that runs queries: the database itself or an open transaction. */
export type Executor = Db | Tx;

export type StorageMode = 'postgresql' | 'pglite';

export interface Database {
  readonly db: Db;
  readonly mode: StorageMode;
  /** Applies pending migrations; safe to call from several processes at once on PostgreSQL. */
  migrate(): Promise<void>;
  /**
   * Calls `onNotification` with the payload of each PostgreSQL NOTIFY on `channel`, from any
   * process on this database (PGlite: this process), after the notifying transaction commits.
   * When notifications may have been lost (the listening connection dropped), it is called
   * with `null`: treat everything on the channel as changed. Returns a function that stops.
   */
  listen(channel: string, onNotification: (payload: string | null) => void): Promise<Unlisten>;
  close(): Promise<void>;
}

export type Unlisten = () => Promise<void>;

const MIGRATIONS_FOLDER = path.join(projectRoot, 'drizzle');
/** Arbitrary constant key for the advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK_KEY = 4_242_001;

/**
 * Opens PostgreSQL when `databaseUrl` is set, else the embedded PGlite database in
 * `<dataDir>/pgdata` (or in memory when `dataDir` is null).
 */
export async function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string | null;
  logger?: Logger;
}): Promise<Database> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.logger)
    : openPglite(options.dataDir === null ? undefined : path.join(options.dataDir, 'pgdata'));
}

function openPostgres(connectionString: string, logger: Logger | undefined): Database {
  // JIT off for every connection: the tool's queries are short and indexed, and PostgreSQL's
  // cost estimate for a large table made it spend ~200 ms compiling a query that ran in ~8 ms.
  const pool = new pg.Pool({ connectionString, max: 10, options: '-c jit=off' });
  // An idle connection the server dropped (a restart, a terminated backend) is reported here;
  // without a listener it would end the process. The pool opens a new one on next use.
  pool.on('error', (error) => logger?.warn('db', 'idle PostgreSQL connection lost', { error }));
  const db = drizzlePg(pool) as unknown as Db;
  return {
    db,
    mode: 'postgresql',
    async migrate() {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        await migratePg(drizzlePg(client), { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
        client.release();
      }
    },
    listen: (channel, onNotification) =>
      listenOnPostgres(connectionString, channel, onNotification, logger),
    close: () => pool.end(),
  };
}

/** How long a lost listening connection waits before it connects again. */
const RELISTEN_DELAY_MS = 1000;

/**
 * LISTEN needs a connection of its own for as long as it listens (a pooled one would be handed
 * to other queries). A lost connection is replaced after a pause; the listener hears `null`
 * then and again once listening resumes, since notifications sent meanwhile were lost.
 */
async function listenOnPostgres(
  connectionString: string,
  channel: string,
  onNotification: (payload: string | null) => void,
  logger: Logger | undefined,
): Promise<Unlisten> {
  let client: pg.Client | null = null;
  let isStopped = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const connection = new pg.Client({ connectionString });
    connection.on('notification', (message) => {
      if (message.channel === channel) onNotification(message.payload ?? '');
    });
    const lost = (error?: unknown) => {
      if (client !== connection || isStopped) return;
      client = null;
      logger?.warn('db', 'change notification connection lost', { channel, error });
      onNotification(null);
      connection.end().catch(() => undefined);
      retry = setTimeout(() => {
        connect().then(
          () => onNotification(null),
          (connectError: unknown) => lost(connectError),
        );
      }, RELISTEN_DELAY_MS);
      retry.unref();
    };
    connection.on('error', lost);
    connection.on('end', () => lost());
    client = connection;
    await connection.connect();
    await connection.query(`listen ${pg.escapeIdentifier(channel)}`);
  };
  await connect();
  return async () => {
    isStopped = true;
    clearTimeout(retry);
    await client?.end();
  };
}

/**
 * PGlite's own PostgreSQL settings. Its buffer cache lives in the tool's process (128 MB by
 * default), over files the operating system caches anyway: 32 MB cut the tool's resident memory
 * by about 140 MB under 200 statements/s (bench/memory.ts). Written into the data folder's
 * postgresql.conf, so it holds for folders made before.
 */
const PGLITE_SETTINGS = ['shared_buffers=32MB'];

async function openPglite(dataPath: string | undefined): Promise<Database> {
  if (dataPath) mkdirSync(dataPath, { recursive: true, mode: 0o700 });
  const lock = dataPath ? lockEmbeddedDatabase(dataPath) : undefined;
  let client: PGlite;
  try {
    client = await PGlite.create(dataPath, { postgresqlconf: PGLITE_SETTINGS });
  } catch (error) {
    lock?.release();
    throw error;
  }
  const db = drizzlePglite(client) as unknown as Db;
  return {
    db,
    mode: 'pglite',
    async migrate() {
      await migratePglite(drizzlePglite(client), {
        migrationsFolder: MIGRATIONS_FOLDER,
      });
    },
    async listen(channel, onNotification) {
      const unlisten = await client.listen(channel, (payload) => onNotification(payload));
      return () => unlisten();
    },
    async close() {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/** Runs a trivial query; used by /health. */
export async function ping(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}

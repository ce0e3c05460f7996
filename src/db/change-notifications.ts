import { sql } from 'drizzle-orm';
import type { Database, Executor, Unlisten } from './database.js';

/**
 * What processes tell each other changed, so that caches of it are dropped at once rather than
 * when they expire. One PostgreSQL channel per kind of data.
 */
export const CHANGE_CHANNELS = {
  /** Platform registrations and their deployments (added, changed, deactivated). */
  platforms: 'microcred_platforms_changed',
  /** xAPI Basic credentials (revoked). */
  xapiCredentials: 'microcred_xapi_credentials_changed',
} as const;

export type ChangeChannel = keyof typeof CHANGE_CHANNELS;

/**
 * Tells every process on the database that `channel`'s data changed. Inside a transaction the
 * notice is sent when it commits, and not at all when it rolls back (PostgreSQL NOTIFY).
 */
export async function notifyChange(executor: Executor, channel: ChangeChannel): Promise<void> {
  await executor.execute(sql`select pg_notify(${CHANGE_CHANNELS[channel]}, '')`);
}

/**
 * Calls `onChange` whenever any process (this one included) notifies `channel`, and when
 * notices may have been lost. Returns a function that stops listening.
 */
export function watchChanges(
  database: Pick<Database, 'listen'>,
  channel: ChangeChannel,
  onChange: () => void,
): Promise<Unlisten> {
  return database.listen(CHANGE_CHANNELS[channel], () => onChange());
}

import { createLogger, type Logger } from '../config/logger.js';
import { resolveSecret } from '../config/secret.js';
import type { Settings } from '../config/settings.js';
import { openDatabase, type Db } from '../db/database.js';

export interface CommandContext {
  readonly settings: Settings;
  readonly db: Db;
  readonly secret: string;
  readonly logger: Logger;
  /** Writes one line of the command's result (to stdout from the command line; logs go to stderr). */
  readonly out: (line: string) => void;
}

/**
 * Opens the database (migrated) for one command, runs it with `out` for its result lines, and
 * closes the database.
 */
export async function withCommandContext(
  settings: Settings,
  out: (line: string) => void,
  run: (context: CommandContext) => Promise<void>,
): Promise<void> {
  const logger = createLogger(settings.logLevel === 'debug' ? 'debug' : 'warn', (line) =>
    process.stderr.write(line),
  );
  const database = await openDatabase({ ...settings, logger });
  try {
    await database.migrate();
    const secret = resolveSecret(settings, logger);
    await run({
      settings,
      db: database.db,
      secret,
      logger,
      out,
    });
  } finally {
    await database.close();
  }
}

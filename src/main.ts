import { serve } from './cli/serve.js';
import { loadSettings, SettingsError } from './config/settings.js';
import { EmbeddedDatabaseInUseError } from './errors.js';

/** Process entry for `npm start`: the same as `microcred serve`. */
try {
  await serve(loadSettings());
} catch (error) {
  if (!(error instanceof SettingsError || error instanceof EmbeddedDatabaseInUseError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}

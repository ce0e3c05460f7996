#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { loadSettings, SettingsError, withWorkers, type Settings } from '../config/settings.js';
import { MicrocredError } from '../errors.js';
import { commandNameOf, HELP, runCommand } from './commands.js';
import { serve } from './serve.js';

async function main(argv: string[]): Promise<void> {
  const settings = loadSettings();
  if (argv[0] === 'serve') return serve(serveSettings(settings, argv.slice(1)));
  const isKnown = commandNameOf(argv) !== undefined;
  if (!isKnown || argv.includes('--help')) {
    process.stdout.write(`${HELP}\n`);
    if (!isKnown && argv.length > 0 && !argv.includes('--help')) process.exitCode = 2;
    return;
  }
  await runCommand(settings, argv, (line) => process.stdout.write(`${line}\n`));
}

/** The settings with what `microcred serve [--workers N]` adds to them. */
function serveSettings(settings: Settings, args: string[]): Settings {
  const { values } = parseArgs({ args, options: { workers: { type: 'string' } } });
  return values.workers === undefined ? settings : withWorkers(settings, values.workers);
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  if (
    error instanceof SettingsError ||
    (error instanceof MicrocredError && error.expose) ||
    (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
  ) {
    process.stderr.write(`microcred: ${(error as Error).message}\n`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}

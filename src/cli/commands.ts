import type { Settings } from '../config/settings.js';
import * as achievementCreate from './achievement-create.js';
import * as backup from './backup.js';
import { withCommandContext, type CommandContext } from './command-context.js';
import * as courseList from './course-list.js';
import * as keysRotate from './keys-rotate.js';
import * as migrate from './migrate.js';
import * as moveToPostgresql from './move-to-postgresql.js';
import * as platformAdd from './platform-add.js';
import * as platformInvite from './platform-invite.js';
import * as platformList from './platform-list.js';
import * as platformXapiActors from './platform-xapi-actors.js';
import * as restore from './restore.js';
import * as xapiCredentials from './xapi-credentials.js';
import * as xapiExternal from './xapi-external.js';

type Command = { usage: string; run: (context: CommandContext, args: string[]) => Promise<void> };

/**
 * Commands that open their database themselves: a restore must see its target empty and must
 * not generate a secret; a move opens two databases.
 */
type StorageCommand = {
  usage: string;
  run: (settings: Settings, args: string[], out: (line: string) => void) => Promise<void>;
};

const COMMANDS: Record<string, Command> = {
  migrate: { usage: migrate.usage, run: migrate.migrate },
  'platform add': { usage: platformAdd.usage, run: platformAdd.platformAdd },
  'platform list': { usage: platformList.usage, run: platformList.platformList },
  'platform invite': { usage: platformInvite.usage, run: platformInvite.platformInvite },
  'platform xapi-actors': {
    usage: platformXapiActors.usage,
    run: platformXapiActors.platformXapiActors,
  },
  'course list': { usage: courseList.usage, run: courseList.courseList },
  'achievement create': {
    usage: achievementCreate.usage,
    run: achievementCreate.achievementCreate,
  },
  'keys rotate': { usage: keysRotate.usage, run: keysRotate.keysRotate },
  'xapi credentials create': {
    usage: xapiCredentials.usage,
    run: xapiCredentials.xapiCredentialsCreate,
  },
  'xapi external add': { usage: xapiExternal.addUsage, run: xapiExternal.xapiExternalAdd },
  'xapi external list': { usage: xapiExternal.listUsage, run: xapiExternal.xapiExternalList },
  'xapi external remove': { usage: xapiExternal.removeUsage, run: xapiExternal.xapiExternalRemove },
  backup: { usage: backup.usage, run: backup.backup },
};

const STORAGE_COMMANDS: Record<string, StorageCommand> = {
  restore: { usage: restore.usage, run: restore.restore },
  'move-to-postgresql': { usage: moveToPostgresql.usage, run: moveToPostgresql.moveToPostgresql },
};

export const HELP = [
  'microcred: the LTI 1.3 tool that awards Open Badges 3.0 micro-credentials',
  '',
  'Commands:',
  '  microcred serve [--workers N]',
  ...[...Object.values(COMMANDS), ...Object.values(STORAGE_COMMANDS)].map(
    (command) => `  ${command.usage}`,
  ),
].join('\n');

/** Every command name (`platform add`...) besides `serve`. */
export const COMMAND_NAMES: readonly string[] = [
  ...Object.keys(COMMANDS),
  ...Object.keys(STORAGE_COMMANDS),
];

/** The command whose words `argv` starts with, if any. */
export function commandNameOf(argv: readonly string[]): string | undefined {
  return COMMAND_NAMES.find((key) => argv.slice(0, key.split(' ').length).join(' ') === key);
}

/**
 * Runs the command `argv` names (its words, then its arguments) with the settings, writing its
 * result lines to `out`. Throws TypeError when `argv` names no command.
 */
export async function runCommand(
  settings: Settings,
  argv: readonly string[],
  out: (line: string) => void,
): Promise<void> {
  const name = commandNameOf(argv);
  if (!name) throw new TypeError(`No command ${argv.join(' ')}`);
  const args = argv.slice(name.split(' ').length);
  const storageCommand = STORAGE_COMMANDS[name];
  if (storageCommand) {
    await storageCommand.run(settings, args, out);
    return;
  }
  const command = COMMANDS[name] as Command;
  await withCommandContext(settings, out, (context) => command.run(context, args));
}

/**
 * Runs several `microcred` commands one after the other in this one process (a process start
 * costs seconds), and prints for each the error code it ended with (null: it succeeded) and
 * the lines it printed, as JSON. Usage: node --import tsx run-each-command.ts '[["migrate"], ...]'
 */
import { runCommand } from '../../src/cli/commands.js';
import { loadSettings } from '../../src/config/settings.js';

const argvs = JSON.parse(process.argv[2] ?? '[]') as string[][];
const settings = loadSettings();
const results = [];
for (const argv of argvs) {
  const printed: string[] = [];
  try {
    await runCommand(settings, argv, (line) => printed.push(line));
    results.push({ argv, code: null, printed });
  } catch (error) {
    results.push({ argv, code: (error as { code?: string }).code ?? String(error), printed });
  }
}
process.stdout.write(JSON.stringify(results));

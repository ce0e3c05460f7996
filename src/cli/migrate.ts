import type { CommandContext } from './command-context.js';

export const usage = 'microcred migrate';

/** `microcred migrate`: applies pending migrations (opening the context already did) and says so. */
export async function migrate(context: CommandContext): Promise<void> {
  context.out(
    JSON.stringify({
      migrated: true,
      storage: context.settings.databaseUrl ? 'postgresql' : 'pglite',
    }),
  );
}

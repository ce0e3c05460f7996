import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCommandContext, type CommandContext } from '../../src/cli/command-context.js';
import { platformAdd } from '../../src/cli/platform-add.js';
import { loadSettings } from '../../src/config/settings.js';
import {
  listPlatforms,
  setDeploymentActive,
  setPlatformActive,
} from '../../src/lti/platform-registry.js';
import { cliEnvironment, moodlePlatformOptions } from '../support/cli-environment.js';
import { createTestStorage, type TestStorage } from '../support/test-database.js';

const ARGS = moodlePlatformOptions('site:1');

describe('microcred platform add, run again for an LMS or a deployment an administrator deactivated', () => {
  let storage: TestStorage;

  beforeAll(async () => {
    storage = await createTestStorage();
  });
  afterAll(() => storage?.drop());

  const settings = () =>
    loadSettings({
      ...cliEnvironment(storage),
      MICROCRED_SECRET: 'platform-add-test-secret-'.padEnd(40, 's'),
    });
  /** Runs `command` as the CLI does, and returns the lines it printed. */
  const cli = async (command: (context: CommandContext) => Promise<unknown>) => {
    const lines: string[] = [];
    await withCommandContext(
      settings(),
      (line) => lines.push(line),
      async (context) => {
        await command(context);
      },
    );
    return lines.join('\n');
  };
  const platformAddPrints = async (args = ARGS) =>
    JSON.parse(await cli((context) => platformAdd(context, args))) as {
      platform: { id: string };
      notice?: string;
    };

  it('keeps a deactivated deployment deactivated, and prints where to activate it', async () => {
    const first = await platformAddPrints();
    expect(first).not.toHaveProperty('notice');
    await cli((context) => setDeploymentActive(context.db, first.platform.id, 'site:1', false));

    const again = await platformAddPrints();
    expect(again.platform.id).toBe(first.platform.id);
    expect(again.notice).toBe(
      `Deployment "site:1" stays deactivated: an administrator deactivated it, and registering it again does not activate it, so its launches are still refused. To let it launch, choose "Activate again" for it on https://tool.example/admin/platforms/${first.platform.id}, or send {"isActive": true} to PATCH https://tool.example/api/admin/platforms/${first.platform.id}/deployments/site%3A1.`,
    );
    let listed: Awaited<ReturnType<typeof listPlatforms>> = [];
    await cli(async (context) => {
      listed = await listPlatforms(context.db);
    });
    expect(listed.find((platform) => platform.id === first.platform.id)?.deployments).toEqual([
      { deploymentId: 'site:1', isActive: false },
    ]);
  });

  it('keeps a deactivated LMS deactivated, and prints where to activate it', async () => {
    const args = ['--issuer', 'https://canvas.example', ...ARGS.slice(2)];
    const first = await platformAddPrints(args);
    expect(first).not.toHaveProperty('notice');
    await cli((context) => setPlatformActive(context.db, first.platform.id, false));

    const again = await platformAddPrints(args);
    expect(again.platform.id).toBe(first.platform.id);
    expect(again.notice).toBe(
      `The LMS stays deactivated: an administrator deactivated it, and registering it again does not activate it, so all its launches are still refused. To let it launch, choose "Activate again" for it on https://tool.example/admin/platforms, or send {"isActive": true} to PATCH https://tool.example/api/admin/platforms/${first.platform.id}.`,
    );
    let listed: Awaited<ReturnType<typeof listPlatforms>> = [];
    await cli(async (context) => {
      listed = await listPlatforms(context.db);
    });
    expect(listed.find((platform) => platform.id === first.platform.id)?.isActive).toBe(false);
  });
});

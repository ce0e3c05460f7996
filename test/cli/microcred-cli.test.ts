import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliEnvironment, moodlePlatformOptions } from '../support/cli-environment.js';
import { createTestStorage, type TestStorage } from '../support/test-database.js';

// Each step starts the CLI (or the server) as a Node process of its own, compiling TypeScript as it
// loads: on a loaded CI machine that alone can take tens of seconds.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 240_000 });

const run = promisify(execFile);

describe('the microcred command', () => {
  let storage: TestStorage;

  beforeAll(async () => {
    storage = await createTestStorage();
  });
  afterAll(() => storage?.drop());

  const microcred = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env: { ...process.env, ...cliEnvironment(storage) },
    });

  it('registers a platform by hand and prints the URLs to paste into the LMS', async () => {
    const { stdout } = await microcred(
      'platform',
      'add',
      ...moodlePlatformOptions('1'),
      '--awarding-body',
      'University of Example',
    );
    expect(JSON.parse(stdout)).toMatchObject({
      platform: {
        issuer: 'https://moodle.example',
        clientId: 'abc',
        trustLevel: 'registered',
        awardingBody: 'university-of-example',
      },
      pasteIntoYourLms: {
        loginUrl: 'https://tool.example/lti/login',
        launchUrl: 'https://tool.example/lti/launch',
        jwksUrl: 'https://tool.example/lti/keys',
      },
    });
    const listed = await microcred('platform', 'list');
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ issuer: 'https://moodle.example', deploymentIds: ['1'] }),
    ]);
  });

  it('invites an LMS and prints the registration URL and when it expires', async () => {
    const before = Date.now();
    const { stdout } = await microcred(
      'platform',
      'invite',
      '--awarding-body',
      'University of Example',
      '--trust-level',
      'self-study',
      '--expires',
      '12h',
    );
    const invitation = JSON.parse(stdout) as { url: string; expiresAt: string };
    expect(invitation).toMatchObject({
      url: expect.stringMatching(/^https:\/\/tool\.example\/lti\/register\?invitation=[\w-]{43}$/),
      trustLevel: 'self-study',
      awardingBody: { id: 'university-of-example', name: 'University of Example', isNew: false },
    });
    const createdAt = Date.parse(invitation.expiresAt) - 12 * 3_600_000;
    expect(createdAt).toBeGreaterThanOrEqual(before);
    expect(createdAt).toBeLessThanOrEqual(Date.now());
  });

  it('refuses an invitation lifetime that is not a duration, with exit code 2', async () => {
    const failure = await microcred(
      'platform',
      'invite',
      '--awarding-body',
      'University of Example',
      '--trust-level',
      'registered',
      '--expires',
      'next week',
    ).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('such as 7d (days), 12h (hours) or 30m (minutes)'),
    });
  });

  it('refuses a bad URL with a message naming the option and exit code 2', async () => {
    const failure = await microcred(
      'platform',
      'add',
      '--issuer',
      'moodle',
      '--client-id',
      'x',
    ).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('issuer must be an http(s) URL'),
    });
  });

  it('prints xAPI credentials once, for a registered platform', async () => {
    const { stdout } = await microcred(
      'xapi',
      'credentials',
      'create',
      '--name',
      'Moodle logstore',
      '--platform',
      'https://moodle.example',
    );
    expect(JSON.parse(stdout)).toEqual({
      key: expect.any(String),
      secret: expect.any(String),
      endpoint: 'https://tool.example/xapi/',
    });
  });

  it('sets how a platform’s xAPI emitter names users, shown by platform list, and refuses an unknown setting', async () => {
    const { stdout } = await microcred(
      'platform',
      'xapi-actors',
      '--issuer',
      'https://moodle.example',
      '--account-name',
      'username',
    );
    expect(JSON.parse(stdout)).toMatchObject({
      issuer: 'https://moodle.example',
      xapiAccountName: 'username',
      xapiAccountHomePage: null,
      pendingStatements: 0,
    });
    const listed = await microcred('platform', 'list');
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ xapiAccountName: 'username', pendingStatements: 0 }),
    ]);
    const failure = await microcred(
      'platform',
      'xapi-actors',
      '--issuer',
      'https://moodle.example',
      '--account-name',
      'email',
    ).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('xapiAccountName'),
    });
  });

  it('lists its commands for an unknown one, with exit code 2', async () => {
    const failure = await microcred('fly').catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 2,
      stdout: expect.stringContaining('microcred platform add'),
    });
  });
});

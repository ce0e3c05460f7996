/**
 * lti-config/moodle.md against the code: every `$PUBLIC_URL/...` address it names is served by
 * the tool, and its logstore_xapi section (issue #22, item 6) configures the plugin the way the
 * plugin sends statements (its endpoint plus `/statements`, xAPI 1.0.3, Basic key and secret,
 * the default `account` actor) so that they are stored for the learner and show as the
 * credential's last success; the command and the admin page labels it names exist.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usage as xapiCredentialsUsage } from '../../src/cli/xapi-credentials.js';
import { createXapiCredentialsCommand } from '../../src/cli/xapi-credentials.js';
import { projectRoot } from '../../src/config/project-root.js';
import { statements } from '../../src/db/schema.js';
import { toolUrls } from '../../src/lti/platform-registry.js';
import { loadCatalogs } from '../../src/web/i18n.js';
import { listXapiCredentialUsage } from '../../src/xapi/credential-usage.js';
import { startTestTool, type TestTool } from '../support/test-tool.js';
import { basicAuthorization } from '../xapi/lrs-test-server.js';
import { buildPlatform, buildUser } from '../xapi/xapi-factories.js';

const PLACEHOLDER = '$PUBLIC_URL';
/** The Moodle the guide's examples use. */
const MOODLE = 'https://moodle.example';

async function guide(): Promise<string> {
  return readFile(path.join(projectRoot, 'lti-config', 'moodle.md'), 'utf8');
}

function section(text: string, heading: string): string {
  const start = text.indexOf(heading);
  if (start < 0) throw new Error(`moodle.md has no section "${heading}"`);
  const next = text.indexOf('\n## ', start + heading.length);
  return text.slice(start, next < 0 ? undefined : next);
}

/** The value column of a settings table row, its first `code` span. */
function settingValue(text: string, setting: string): string {
  const row = text.split('\n').find((line) => line.startsWith(`| ${setting} `));
  const value = row ? /`([^`]+)`/.exec(row.split('|')[2] ?? '')?.[1] : undefined;
  if (!value) throw new Error(`moodle.md names no value for "${setting}"`);
  return value;
}

/** What logstore_xapi does with its endpoint setting (src/loader/utils/correct_endpoint.php). */
function pluginStatementsUrl(endpoint: string): string {
  const base = endpoint.endsWith('/statements')
    ? endpoint.slice(0, -'/statements'.length)
    : endpoint.replace(/\/+$/, '');
  return `${base}/statements`;
}

describe('lti-config/moodle.md', () => {
  let tool: TestTool;
  let text: string;
  let logstore: string;

  beforeAll(async () => {
    [tool, text] = await Promise.all([
      startTestTool({ env: { MICROCRED_ADMIN_TOKEN: 'admin-token-for-tests-0123456789abcdef' } }),
      guide(),
    ]);
    logstore = section(text, '## Results from Moodle itself: logstore_xapi');
  });
  afterAll(async () => {
    await tool?.close();
  });

  it('names only addresses the tool serves', async () => {
    const paths = [
      ...new Set([...text.matchAll(/\$PUBLIC_URL(\/[\w\-/]*)/g)].map((match) => match[1] ?? '/')),
    ];
    expect(paths).toEqual(
      expect.arrayContaining(['/lti/launch', '/lti/keys', '/xapi/', '/admin/sign-in']),
    );
    for (const address of paths) {
      const response = await fetch(`${tool.url}${address}`, { redirect: 'manual' });
      expect(response.status, address).not.toBe(404);
    }
  });

  it('gives the LRS endpoint the tool hands out', () => {
    const endpoint = settingValue(logstore, 'LRS endpoint');
    expect(endpoint).toBe(toolUrls(PLACEHOLDER).xapiEndpoint);
    expect(logstore).toContain(`"endpoint": "${toolUrls(PLACEHOLDER).xapiEndpoint}"`);
  });

  it('stores what the plugin sends with those settings, for the learner, as a last success', async () => {
    const { db } = tool.current().database;
    const platform = await buildPlatform(db, { issuer: MOODLE });
    const learner = await buildUser(db, { platformId: platform.id, sub: '42' });
    const command = /npm run microcred -- (xapi credentials create .+)/.exec(logstore)?.[1] ?? '';
    const platformArgument = /--platform (\S+)/.exec(command)?.[1];
    expect(platformArgument).toBe(MOODLE);
    let printed = '';
    await createXapiCredentialsCommand({
      db,
      name: /--name "([^"]+)"/.exec(command)?.[1] ?? '',
      platformId: platformArgument,
      publicUrl: tool.url,
      out: (line) => (printed = line),
    });
    const { key, secret, endpoint } = JSON.parse(printed) as Record<string, string>;
    expect(endpoint).toBe(settingValue(logstore, 'LRS endpoint').replace(PLACEHOLDER, tool.url));

    const id = randomUUID();
    const response = await fetch(pluginStatementsUrl(endpoint ?? ''), {
      method: 'POST',
      headers: {
        authorization: basicAuthorization(key ?? '', secret ?? ''),
        'content-type': 'application/json',
        'x-experience-api-version': '1.0.3',
      },
      body: JSON.stringify([
        {
          id,
          actor: { name: 'Ann Example', account: { homePage: MOODLE, name: '42' } },
          verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
          object: { id: `${MOODLE}/mod/quiz/attempt.php?attempt=1&cmid=15` },
          result: { score: { scaled: 0.9 }, success: true, completion: true },
          context: {
            contextActivities: { parent: [{ id: `${MOODLE}/mod/quiz/view.php?id=15` }] },
          },
        },
      ]),
    });
    expect(response.status).toBe(200);
    const [row] = await db
      .select({ userId: statements.userId, source: statements.source })
      .from(statements)
      .where(eq(statements.id, id));
    expect(row).toEqual({ userId: learner, source: 'platform' });
    const usage = (await listXapiCredentialUsage(db)).find((entry) => entry.key === key);
    expect(usage?.lastSuccessAt).toBeInstanceOf(Date);
  });

  it('names the command options and the admin page as they are', () => {
    const command = /npm run microcred -- (xapi credentials create .+)/.exec(logstore)?.[1] ?? '';
    for (const [option] of command.matchAll(/--[a-z-]+/g)) {
      expect(xapiCredentialsUsage).toContain(option);
    }
    const admin = loadCatalogs().en.admin as {
      xapiCredentials: {
        title: string;
        list: Record<string, string>;
        form: Record<string, string>;
        created: Record<string, string>;
        failure: Record<string, string>;
        unknownKeys: Record<string, string>;
      };
    };
    const page = admin.xapiCredentials;
    const prose = logstore.replace(/\s+/g, ' ');
    for (const label of [
      page.title,
      page.list.lastSuccess,
      page.list.lastFailure,
      page.list.refused,
      page.form.scope,
      page.form.submit,
      page.failure.XAPI_CREDENTIALS_INVALID,
      page.unknownKeys.heading,
    ]) {
      expect(prose).toContain(label);
    }
    for (const label of [page.created.key, page.created.secret, page.created.endpoint]) {
      expect(prose).toContain(`**${label?.split(' (')[0]}**`);
    }
  });
});

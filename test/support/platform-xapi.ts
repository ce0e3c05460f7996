import { createXapiCredentialsCommand } from '../../src/cli/xapi-credentials.js';
import type { TestLms } from './test-lms.js';
import type { TestTool } from './test-tool.js';

/** Basic credentials bound to the test LMS, as `microcred xapi credentials create` makes them. */
export async function platformXapiAuthorization(tool: TestTool, lms: TestLms): Promise<string> {
  let printed = '';
  await createXapiCredentialsCommand({
    db: tool.current().database.db,
    name: 'LMS logstore',
    platformId: lms.issuer,
    publicUrl: tool.url,
    out: (line) => (printed = line),
  });
  const { key, secret } = JSON.parse(printed) as { key: string; secret: string };
  return `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
}

/** POSTs one statement or a batch to the tool's LRS as xAPI 2.0. */
export function postStatements(
  tool: TestTool,
  authorization: string,
  body: unknown,
): Promise<Response> {
  return fetch(`${tool.url}/xapi/statements`, {
    method: 'POST',
    headers: {
      authorization,
      'content-type': 'application/json',
      'x-experience-api-version': '2.0.0',
    },
    body: JSON.stringify(body),
  });
}

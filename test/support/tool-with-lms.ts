import { registerPlatform } from '../../src/lti/platform-registry.js';
import { startTestLms, type TestLms } from './test-lms.js';
import { startTestTool, type TestTool } from './test-tool.js';

/**
 * The tool and the test LMS, registered with each other by hand (as `platform add` does).
 * `env` adds settings of the tool.
 */
export async function startToolWithLms(options: { env?: Record<string, string> } = {}): Promise<{
  tool: TestTool;
  lms: TestLms;
  close(): Promise<void>;
}> {
  const [tool, lms] = await Promise.all([startTestTool(options), startTestLms()]);
  await registerPlatform(tool.current().database.db, lms.platformRegistration());
  lms.setToolEndpoints({ loginUrl: `${tool.url}/lti/login`, launchUrl: `${tool.url}/lti/launch` });
  lms.setToolJwksUrl(`${tool.url}/lti/keys`);
  return {
    tool,
    lms,
    close: async () => {
      await Promise.all([tool.close(), lms.close()]);
    },
  };
}

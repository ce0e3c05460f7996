import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const TEST_ROOT = path.resolve('test');
const DRIVES_THE_BROWSER = /from '[./]+(?:support\/)?(?:browser|demo-session)\.js'/;

async function testFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const entryPath = path.join(folder, entry.name);
      if (entry.isDirectory()) return testFiles(entryPath);
      return entry.name.endsWith('.test.ts') ? [entryPath] : [];
    }),
  );
  return nested.flat();
}

describe('Suites that drive the browser', () => {
  it('declare themselves with describeInBrowser, so a machine without chromium skips them instead of failing', async () => {
    const undeclared: string[] = [];
    for (const file of await testFiles(TEST_ROOT)) {
      const source = await readFile(file, 'utf8');
      if (!DRIVES_THE_BROWSER.test(source)) continue;
      if (/^describe\(/m.test(source) || !source.includes('describeInBrowser(')) {
        undeclared.push(path.relative(TEST_ROOT, file));
      }
    }
    expect(undeclared).toEqual([]);
  });
});

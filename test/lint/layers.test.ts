import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = path.join(root, 'test/lint/fixtures');
const eslint = new ESLint({ cwd: root });

/**
 * Lints a fixture as if it lived at the same place under src/ (fixtures mirror src/ and are
 * left out of the normal lint and type check) and returns the layer violations found.
 */
async function layerViolations(fixture: string): Promise<string[]> {
  const code = await readFile(path.join(fixtures, fixture), 'utf8');
  const [result] = await eslint.lintText(code, { filePath: path.join(root, fixture) });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message);
}

describe('the import layers lint enforces', () => {
  it.each([
    ['src/badges/imports-web.ts', 'web/ is in a higher layer'],
    ['src/lti/imports-web.ts', 'web/ is in a higher layer'],
    ['src/db/imports-lti.ts', 'lti/ is in a higher layer'],
    ['src/xapi/imports-badges.ts', 'xapi/ and badges/ are in one layer'],
    ['src/wallets/imports-awards.ts', 'wallets/ and awards/ are in one layer'],
    ['src/web/imports-schema.ts', 'web/ never queries tables'],
    ['src/awards/rules/imports-db.ts', 'Pure domain code takes plain data'],
    ['src/awards/rules/imports-express.ts', 'Pure domain code uses no HTTP'],
  ])('refuses %s', async (fixture, reason) => {
    const violations = await layerViolations(fixture);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toContain(reason);
  });

  it.each(['src/web/imports-lower-layers.ts', 'src/badges/imports-lower-layers.ts'])(
    'lets %s import lower layers',
    async (fixture) => {
      expect(await layerViolations(fixture)).toEqual([]);
    },
  );

  it('finds no violation in src/', { timeout: 300_000 }, async () => {
    const results = await eslint.lintFiles(['src']);
    const violations = results.flatMap((result) =>
      result.messages
        .filter((message) => message.ruleId === 'no-restricted-imports')
        .map((message) => `${path.relative(root, result.filePath)}: ${message.message}`),
    );
    expect(violations).toEqual([]);
  });
});

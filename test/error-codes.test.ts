import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../src/config/project-root.js';
import { ERROR_CODES, type ErrorCode } from '../src/error-codes.js';
import { MicrocredError } from '../src/errors.js';
import { ERRORS_DOC_PATH, renderErrorsDoc } from '../scripts/render-errors-doc.js';

/**
 * SCREAMING_SNAKE strings in src/ that are not microcred's error codes: other libraries' codes
 * and values of protocols or of other products.
 */
const NOT_ERROR_CODES = new Set([
  'LIMIT_FILE_SIZE', // multer
  'LIMIT_FIELD_VALUE', // multer
  'ERR_PARSE_ARGS', // node:util parseArgs, prefix of its codes
  'RSA_KEY', // ltijs's platform key methods
  'JWK_SET', // ltijs's platform key methods
  'CERTIFICATION_NAME', // LinkedIn's "add to profile" task
  'MICROCRED_OUTGOING_ALLOW_PRIVATE', // a setting's name
  'MICROCRED_PUBLIC_URL', // a setting's name
  'MICROCRED_CONTENT_URL', // a setting's name
  'MICROCRED_MAIL_FROM', // a setting's name
  'MICROCRED_WORKERS', // a setting's name
]);

/**
 * Classes that answer with another status than their code's row, kept as shipped. The launch
 * precheck refuses an unknown deployment with 403 (LaunchRefusal); LtiDeploymentUnknownError is
 * the 401 of the rarer case where the deployment disappears before the launch is recorded.
 */
const STATUS_SHIPPED_OTHERWISE = new Set(['LtiDeploymentUnknownError']);

const SRC = path.join(projectRoot, 'src');
const REGISTRY = path.join(SRC, 'error-codes.ts');

function sourceFiles(): string[] {
  return readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(SRC, file));
}

/** Each SCREAMING_SNAKE string literal in src/ (outside the registry), with where it is used. */
function codesUsedInSrc(): Map<string, string[]> {
  const used = new Map<string, string[]>();
  for (const file of sourceFiles().filter((name) => name !== REGISTRY)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/['"`]([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)['"`]/g)) {
      const code = match[1] ?? '';
      const line = text.slice(0, match.index).split('\n').length;
      used.set(code, [...(used.get(code) ?? []), `${path.relative(projectRoot, file)}:${line}`]);
    }
  }
  return used;
}

describe('the registry of error codes (src/error-codes.ts)', () => {
  it('has a row for every error code used in src/', () => {
    const missing = [...codesUsedInSrc()]
      .filter(([code]) => !(code in ERROR_CODES) && !NOT_ERROR_CODES.has(code))
      .map(
        ([code, places]) =>
          `  ${code}: { status: <HTTP status>, surface: '<api|launch|lrs|wallet|internal>', meaning: '<one sentence>.' }, // ${places.join(', ')}`,
      );
    expect(
      missing,
      `Add these rows to ERROR_CODES in src/error-codes.ts, then run \`npm run docs:errors\` (or, for a string that is not an error code, add it to NOT_ERROR_CODES in test/error-codes.test.ts):\n${missing.join('\n')}\n`,
    ).toEqual([]);
  });

  it('has a row for every code the error pages explain (locales/en/errors.json)', () => {
    const catalog = JSON.parse(
      readFileSync(path.join(projectRoot, 'locales', 'en', 'errors.json'), 'utf8'),
    ) as { code: Record<string, string> };
    const unknown = Object.keys(catalog.code).filter((code) => !(code in ERROR_CODES));
    expect(unknown, 'codes explained in locales/*/errors.json without a row').toEqual([]);
  });

  it('gives every code an error status and a one-sentence meaning', () => {
    const malformed = Object.entries(ERROR_CODES)
      .filter(
        ([, { status, meaning }]) => status < 400 || status > 599 || !/^[A-Z].*\.$/s.test(meaning),
      )
      .map(([code]) => code);
    expect(malformed).toEqual([]);
  });

  it('gives each error class the status and surface it answers with', async () => {
    const modules = sourceFiles().filter((file) =>
      /export (abstract )?class \w+ extends \w*Error\b/.test(readFileSync(file, 'utf8')),
    );
    const mismatches: string[] = [];
    for (const file of modules) {
      const exports = (await import(file)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(exports)) {
        if (typeof value !== 'function' || !(value.prototype instanceof MicrocredError)) continue;
        const error = new (value as new (message: string) => MicrocredError)('message');
        const row = ERROR_CODES[error.code as ErrorCode];
        // LaunchRefusal takes its code and status as arguments; each call names a row.
        if (!row || STATUS_SHIPPED_OTHERWISE.has(name)) continue;
        const surfaceFits = error.expose ? row.surface !== 'internal' : row.surface === 'internal';
        if (row.status !== error.status || !surfaceFits) {
          mismatches.push(
            `${name} (${error.code}): answers ${error.status}, ${error.expose ? 'exposed' : 'internal'}; the row says ${row.status}, ${row.surface}`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('is documented in docs/errors.md exactly as `npm run docs:errors` writes it', async () => {
    const written = readFileSync(ERRORS_DOC_PATH, 'utf8');
    expect(
      written === (await renderErrorsDoc()),
      'docs/errors.md is out of date: run `npm run docs:errors`',
    ).toBe(true);
  });
});

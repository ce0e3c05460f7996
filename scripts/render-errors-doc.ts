/**
 * Renders docs/errors.md from the registry of error codes (src/error-codes.ts) and the English
 * texts of the credential verifier's reason codes (locales/en/public.json, `checkReason`).
 * `npm run docs:errors` writes it; test/error-codes.test.ts checks it is up to date.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { projectRoot } from '../src/config/project-root.js';
import {
  ERROR_CODES,
  PROTOCOL_ERROR_CODES,
  type ErrorCodeEntry,
  type ErrorSurface,
} from '../src/error-codes.js';

export const ERRORS_DOC_PATH = path.join(projectRoot, 'docs', 'errors.md');

const SURFACES: Record<ErrorSurface, string> = {
  api: 'the JSON API answers `{ "error": { "code", "message" } }`; pages show the error page with the code',
  launch: 'the LTI launch error page, which fits the LMS’s iframe and shows the reason code',
  lrs: 'the xAPI LRS under `/xapi/` answers `{ "error": { "code", "message" } }`',
  wallet:
    'the wallet exchanges under `/wallet/exchanges/` answer `{ "error": { "code", "message" } }`',
  cli: 'the `microcred` command and `npm start` print `microcred: <message>` and exit with status 2',
  internal:
    'never shown: logged with a request id; the caller gets 500 `INTERNAL_ERROR` with that request id',
};

/** The Markdown of docs/errors.md, formatted as Prettier formats the repository. */
export async function renderErrorsDoc(): Promise<string> {
  const options = await resolveConfig(ERRORS_DOC_PATH);
  return format(errorsMarkdown(), { ...options, filepath: ERRORS_DOC_PATH });
}

function errorsMarkdown(): string {
  const checkReasons = loadCheckReasons();
  const ours = Object.entries(ERROR_CODES) as [string, ErrorCodeEntry][];
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated from src/error-codes.ts by `npm run docs:errors`; do not edit by hand. -->',
    '',
    'Every error microcred answers with carries a stable code. A code never changes once shipped.',
    'To add one, add its row to `ERROR_CODES` in `src/error-codes.ts` and run `npm run docs:errors`.',
    '',
    '## Where codes are answered',
    '',
    '| surface | how |',
    '| --- | --- |',
    ...Object.entries(SURFACES).map(([surface, how]) => `| \`${surface}\` | ${how} |`),
    '',
    '## Codes',
    '',
    'Codes marked *ltijs* name a launch failure that ltijs reports: `LTI_` and ltijs’s reason.',
    'A reason ltijs adds later gets a code the same way, before it has a row here.',
    '',
    '| code | status | surface | meaning |',
    '| --- | --- | --- | --- |',
    ...ours.map(
      ([code, { status, surface, meaning, origin }]) =>
        `| \`${code}\` | ${status} | \`${surface}\` | ${origin ? `*${origin}*: ` : ''}${cell(meaning)} |`,
    ),
    '',
    '## OpenID4VCI protocol codes',
    '',
    'The OpenID4VCI endpoints (`/oid4vci/`) answer `{ "error", "error_description" }` with the',
    'codes their protocols define; they are the protocols’ codes, not microcred’s.',
    '',
    '| code | status | defined by | meaning |',
    '| --- | --- | --- | --- |',
    ...Object.entries(PROTOCOL_ERROR_CODES).map(
      ([code, { status, protocol, meaning }]) =>
        `| \`${code}\` | ${status} | ${protocol} | ${cell(meaning)} |`,
    ),
    '',
    '## Credential verification reason codes',
    '',
    'The verifier (`/verify`, a page and `POST /verify`) answers with a report: one entry per check',
    '(`format`, `context`, `type`, `schema`, `proof`, `issuer`, `validity`, `status`) with its',
    'outcome (`passed`, `failed`, `warning`, `skipped`) and a `reasonCode` from this list. The',
    'texts are the English page texts (`checkReason` in `locales/en/public.json`).',
    '',
    '| reasonCode | text |',
    '| --- | --- |',
    ...Object.entries(checkReasons).map(([code, text]) => `| \`${code}\` | ${cell(text)} |`),
    '',
  ];
  return lines.join('\n');
}

function loadCheckReasons(): Record<string, string> {
  const catalog = JSON.parse(
    readFileSync(path.join(projectRoot, 'locales', 'en', 'public.json'), 'utf8'),
  ) as { checkReason: Record<string, string> };
  return catalog.checkReason;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

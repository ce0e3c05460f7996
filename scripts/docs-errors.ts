/** `npm run docs:errors`: writes docs/errors.md from src/error-codes.ts. */
import { writeFileSync } from 'node:fs';
import { ERRORS_DOC_PATH, renderErrorsDoc } from './render-errors-doc.js';

writeFileSync(ERRORS_DOC_PATH, await renderErrorsDoc());
process.stdout.write(`Wrote ${ERRORS_DOC_PATH}\n`);

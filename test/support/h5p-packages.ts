import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { zipOf } from './cmi5-packages.js';

const FIXTURES = 'test/browser/fixtures/h5p';

/** The files of a folder by path relative to it, read recursively. */
function filesUnder(folder: string, prefix = ''): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (const name of readdirSync(folder)) {
    const full = path.join(folder, name);
    if (statSync(full).isDirectory()) Object.assign(files, filesUnder(full, `${prefix}${name}/`));
    else files[`${prefix}${name}`] = readFileSync(full);
  }
  return files;
}

/** The files of a fixture content (`true-false`, `multi-choice`) with every fixture library. */
export function h5pFilesOf(content: 'true-false' | 'multi-choice'): Record<string, Buffer> {
  return { ...filesUnder(`${FIXTURES}/${content}`), ...filesUnder(`${FIXTURES}/libraries`) };
}

/** An .h5p file of a fixture content, with `changes` added over its files (null removes one). */
export function h5pOf(
  content: 'true-false' | 'multi-choice',
  changes: Record<string, string | Buffer | (() => Readable) | null> = {},
  options: { compress?: boolean } = {},
): Promise<Buffer> {
  const files: Record<string, string | Buffer | (() => Readable)> = h5pFilesOf(content);
  for (const [file, body] of Object.entries(changes)) {
    if (body === null) delete files[file];
    else files[file] = body;
  }
  return zipOf(files, options);
}

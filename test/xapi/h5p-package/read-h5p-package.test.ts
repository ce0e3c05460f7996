import { describe, expect, it } from 'vitest';
import { H5pPackageInvalidError } from '../../../src/xapi/h5p-package/h5p-package-problem.js';
import {
  H5P_PACKAGE_LIMITS,
  readH5pPackage,
} from '../../../src/xapi/h5p-package/read-h5p-package.js';
import { lieAboutSizes, renameEntry, zeros } from '../../support/cmi5-packages.js';
import { h5pOf } from '../../support/h5p-packages.js';

async function refusal(bytes: Buffer) {
  const error = await readH5pPackage(bytes).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(H5pPackageInvalidError);
  const invalid = error as H5pPackageInvalidError;
  expect(invalid).toMatchObject({ code: 'H5P_PACKAGE_INVALID', status: 422, expose: true });
  return invalid.problems;
}

describe('readH5pPackage (an .h5p file: h5p.json, content/content.json, its libraries)', () => {
  it('reads a True/False package with its title, content type and files', async () => {
    const read = await readH5pPackage(await h5pOf('true-false'));
    expect(read.title).toBe('Photosynthesis: true or false');
    expect(read.mainLibrary).toBe('H5P.TrueFalse 1.8');
    expect(read.files.has('content/content.json')).toBe(true);
    expect(read.files.has('H5P.Question-1.5/scripts/question.js')).toBe(true);
  });

  it('leaves out the hidden files archivers add', async () => {
    const read = await readH5pPackage(
      await h5pOf('multi-choice', { '.DS_Store': 'x', '__MACOSX/content/._content.json': 'x' }),
    );
    expect(read.mainLibrary).toBe('H5P.MultiChoice 1.16');
    expect([...read.files.keys()].some((path) => path.includes('DS_Store'))).toBe(false);
    expect([...read.files.keys()].some((path) => path.startsWith('__MACOSX'))).toBe(false);
  });

  describe('refuses', () => {
    it('bytes that are not a zip', async () => {
      expect(await refusal(Buffer.from('<html>not a package</html>'))).toEqual([
        { reason: 'notAPackage' },
      ]);
    });

    it('a zip without h5p.json', async () => {
      expect(await refusal(await h5pOf('true-false', { 'h5p.json': null }))).toEqual([
        { reason: 'noH5pJson' },
      ]);
    });

    it('an h5p.json without a mainLibrary, naming the field', async () => {
      const manifest = JSON.stringify({ title: 'T', preloadedDependencies: [] });
      expect(await refusal(await h5pOf('true-false', { 'h5p.json': manifest }))).toEqual([
        { reason: 'h5pJsonInvalid', at: 'mainLibrary' },
      ]);
    });

    it('an h5p.json whose mainLibrary is not among its dependencies', async () => {
      const manifest = JSON.stringify({
        title: 'T',
        mainLibrary: 'H5P.Blanks',
        preloadedDependencies: [{ machineName: 'H5P.TrueFalse', majorVersion: 1, minorVersion: 8 }],
      });
      expect(await refusal(await h5pOf('true-false', { 'h5p.json': manifest }))).toEqual([
        { reason: 'h5pJsonInvalid', at: 'mainLibrary' },
      ]);
    });

    it('a package without content/content.json, or with one that is not JSON', async () => {
      expect(await refusal(await h5pOf('true-false', { 'content/content.json': null }))).toEqual([
        { reason: 'noContentJson' },
      ]);
      expect(
        await refusal(await h5pOf('true-false', { 'content/content.json': '{ broken' })),
      ).toEqual([{ reason: 'contentJsonInvalid' }]);
    });

    it('a package missing a library that another library depends on', async () => {
      const withoutTransition = await h5pOf('true-false', {
        'H5P.Transition-1.0/library.json': null,
        'H5P.Transition-1.0/transition.js': null,
      });
      expect(await refusal(withoutTransition)).toEqual([
        { reason: 'libraryMissing', at: 'H5P.Transition 1.0' },
      ]);
    });

    it('a library whose preloaded script is missing', async () => {
      const zip = await h5pOf('true-false', { 'H5P.Question-1.5/scripts/explainer.js': null });
      expect(await refusal(zip)).toEqual([
        { reason: 'libraryFileMissing', at: 'H5P.Question-1.5/scripts/explainer.js' },
      ]);
    });

    it('an HTML page, and a script outside the library folders (H5P’s file type whitelist)', async () => {
      const zip = await h5pOf('true-false', {
        'content/steal.html': '<script>fetch("/course")</script>',
        'content/steal.js': 'fetch("/course")',
      });
      expect(await refusal(zip)).toEqual([
        { reason: 'fileTypeNotAllowed', at: 'content/steal.html' },
        { reason: 'fileTypeNotAllowed', at: 'content/steal.js' },
      ]);
    });

    it.each([
      ['../../etc/pwned', 'a parent-directory path'],
      ['/etc/passwd/x1', 'an absolute path'],
      ['a\\..\\..\\x1yz', 'backslashes'],
    ])('a zip slip path %s (%s), before unpacking anything', async (evil) => {
      const placeholder = 'p'.repeat(Buffer.byteLength(evil));
      const zip = renameEntry(
        await h5pOf('true-false', { [placeholder]: 'owned' }),
        placeholder,
        evil,
      );
      expect(await refusal(zip)).toEqual([{ reason: 'zipUnsafePath', at: evil }]);
    });

    it('a zip bomb whose declared size passes the limit, before unpacking anything', async () => {
      const zip = await h5pOf('true-false', {
        'content/bomb.json': zeros(H5P_PACKAGE_LIMITS.unpackedBytes + 1),
      });
      expect(zip.length).toBeLessThan(H5P_PACKAGE_LIMITS.unpackedBytes / 500);
      expect(await refusal(zip)).toEqual([
        { reason: 'zipTooLarge', limit: H5P_PACKAGE_LIMITS.unpackedBytes },
      ]);
    });

    it('a zip bomb that lies about its sizes, stopped by the bytes actually produced', async () => {
      const honest = await h5pOf('true-false', { 'content/bomb.json': zeros(20e6) });
      const problems = await refusal(lieAboutSizes(honest, 1000));
      expect(problems).toHaveLength(1);
      expect(problems[0]?.reason).toBe('zipSizeMismatch');
    });

    it('a zip of 10,000 files, from its directory alone', async () => {
      const files: Record<string, string> = {};
      for (let index = 0; index < 10_000; index += 1) files[`content/${index}.txt`] = '';
      expect(await refusal(await h5pOf('true-false', files, { compress: false }))).toEqual([
        { reason: 'zipTooManyFiles', limit: H5P_PACKAGE_LIMITS.files },
      ]);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { ausOf } from '../../../src/xapi/cmi5-package/course-structure.js';
import { Cmi5PackageInvalidError } from '../../../src/xapi/cmi5-package/package-problem.js';
import { PACKAGE_LIMITS, readPackage } from '../../../src/xapi/cmi5-package/read-package.js';
import {
  courseXml,
  lieAboutSizes,
  renameEntry,
  zeros,
  zipOf,
} from '../../support/cmi5-packages.js';

const BASE = 'https://example.org/cmi5';
const XML = courseXml({
  courseId: `${BASE}/course`,
  children: [{ id: `${BASE}/au/1`, url: 'index.html?level=1', attributes: 'moveOn="Passed"' }],
});
const PAGE = '<!doctype html><title>AU</title>';

async function refusal(bytes: Buffer, mediaType = 'application/zip') {
  const error = await readPackage(bytes, mediaType).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(Cmi5PackageInvalidError);
  const invalid = error as Cmi5PackageInvalidError;
  expect(invalid).toMatchObject({ code: 'CMI5_PACKAGE_INVALID', status: 422, expose: true });
  return invalid.problems;
}

describe('readPackage (cmi5 section 14: zip or bare cmi5.xml)', () => {
  it('reads a zip with cmi5.xml at its root and the files its AUs name', async () => {
    const read = await readPackage(
      await zipOf({ 'cmi5.xml': XML, 'index.html': PAGE, 'js/au.js': 'void 0' }),
      'application/zip',
    );
    expect(ausOf(read.course).map((au) => [au.url, au.moveOn])).toEqual([
      ['index.html?level=1', 'Passed'],
    ]);
    expect([...(read.files?.keys() ?? [])].sort()).toEqual(['cmi5.xml', 'index.html', 'js/au.js']);
    expect(read.files?.get('index.html')?.toString()).toBe(PAGE);
  });

  it('reads a Zip64 archive (CATAPULT 102-zip64)', async () => {
    const read = await readPackage(
      await zipOf({ 'cmi5.xml': XML, 'index.html': PAGE }, { zip64: true }),
      'application/zip',
    );
    expect(read.files?.size).toBe(2);
  });

  it('reads a bare cmi5.xml whose AUs are absolute URLs, by its media type or its first byte', async () => {
    const bare = courseXml({
      courseId: `${BASE}/course`,
      children: [{ id: `${BASE}/au/1`, url: 'https://content.example.org/au/index.html' }],
    });
    expect((await readPackage(Buffer.from(bare), 'text/xml')).files).toBeNull();
    expect(
      (await readPackage(Buffer.from(bare), 'application/xml; charset=utf-8')).files,
    ).toBeNull();
    expect((await readPackage(Buffer.from(bare), 'application/octet-stream')).files).toBeNull();
  });

  describe('refuses', () => {
    it('a file that is neither zip nor XML (CATAPULT 208-1)', async () => {
      expect(await refusal(Buffer.from('# A markdown file'), 'text/markdown')).toEqual([
        { reason: 'notAPackage', at: 'text/markdown' },
      ]);
    });

    it('a .zip that is not a zip (CATAPULT 209-1)', async () => {
      expect(await refusal(Buffer.from('not a zip at all'))).toEqual([{ reason: 'notAZip' }]);
      expect(await refusal(Buffer.from('PK\u0003\u0004 truncated'))).toEqual([
        { reason: 'notAZip' },
      ]);
    });

    it('a zip without cmi5.xml at its root (CATAPULT 210-1)', async () => {
      const zip = await zipOf({ 'course/cmi5.xml': XML, 'index.html': PAGE });
      expect(await refusal(zip)).toEqual([{ reason: 'noCmi5Xml' }]);
    });

    it('a zip whose AU names a file it does not hold (CATAPULT 203-1)', async () => {
      expect(await refusal(await zipOf({ 'cmi5.xml': XML }))).toEqual([
        { reason: 'urlFileMissing', at: 'index.html?level=1' },
      ]);
    });

    it('a bare cmi5.xml with a relative AU url (CATAPULT 202-x)', async () => {
      expect(await refusal(Buffer.from(XML), 'text/xml')).toEqual([
        { reason: 'urlRelativeWithoutZip', at: 'index.html?level=1' },
      ]);
    });

    it.each([
      ['../../etc/pwned', 'a parent-directory path'],
      ['/etc/passwd/x1', 'an absolute path'],
      ['C:/windows/x1y', 'a drive letter'],
      ['a\\..\\..\\x1yz', 'backslashes'],
    ])('a zip slip path %s (%s), before unpacking anything', async (evil) => {
      const placeholder = 'p'.repeat(Buffer.byteLength(evil));
      const zip = renameEntry(
        await zipOf({ 'cmi5.xml': XML, 'index.html': PAGE, [placeholder]: 'owned' }),
        placeholder,
        evil,
      );
      expect(await refusal(zip)).toEqual([{ reason: 'zipUnsafePath', at: evil }]);
    });

    it('a zip bomb whose declared size passes the limit, before unpacking anything', async () => {
      const zip = await zipOf({
        'cmi5.xml': XML,
        'index.html': PAGE,
        'bomb.bin': zeros(PACKAGE_LIMITS.unpackedBytes + 1),
      });
      expect(zip.length).toBeLessThan(PACKAGE_LIMITS.unpackedBytes / 500);
      expect(await refusal(zip)).toEqual([
        { reason: 'zipTooLarge', limit: PACKAGE_LIMITS.unpackedBytes },
      ]);
    });

    it('a zip bomb that lies about its sizes, stopped by the bytes actually produced', async () => {
      const honest = await zipOf({ 'cmi5.xml': XML, 'index.html': PAGE, 'bomb.bin': zeros(20e6) });
      const problems = await refusal(lieAboutSizes(honest, 1000));
      expect(problems).toHaveLength(1);
      expect(problems[0]?.reason).toBe('zipSizeMismatch');
    });

    it('a zip of 10,000 files, from its directory alone', async () => {
      const files: Record<string, string> = { 'cmi5.xml': XML, 'index.html': PAGE };
      for (let index = 0; index < 10_000; index += 1) files[`f/${index}.txt`] = '';
      expect(await refusal(await zipOf(files, { compress: false }))).toEqual([
        { reason: 'zipTooManyFiles', limit: PACKAGE_LIMITS.files },
      ]);
    });

    it('a zip holding one path twice', async () => {
      const zip = renameEntry(
        await zipOf({ 'cmi5.xml': XML, 'index.html': PAGE, 'indey.html': 'other' }),
        'indey.html',
        'index.html',
      );
      expect(await refusal(zip)).toEqual([{ reason: 'zipDuplicatePath', at: 'index.html' }]);
    });
  });
});

import { unzipPackage, ZipRefusedError } from '../content-package/unzip-package.js';
import type { Cmi5Course } from './course-structure.js';
import { Cmi5PackageInvalidError } from './package-problem.js';
import { parseCourseStructure } from './parse-course-structure.js';
import { checkAuUrls } from './resolve-au-urls.js';

/**
 * What one package may hold. A cmi5 AU is web content (pages, scripts, media); courses past
 * these belong on a content server, referenced by absolute AU urls from a bare cmi5.xml.
 */
export const PACKAGE_LIMITS = {
  uploadBytes: 100 * 1024 * 1024,
  files: 5000,
  unpackedBytes: 200 * 1024 * 1024,
} as const;

export interface ReadPackage {
  readonly course: Cmi5Course;
  /** The files of the zip by path (cmi5.xml included); null for a bare cmi5.xml. */
  readonly files: ReadonlyMap<string, Buffer> | null;
}

const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b]);
const XML_TYPES = new Set(['application/xml', 'text/xml']);
const ZIP_TYPES = new Set([
  'application/zip',
  'application/x-zip-compressed',
  'application/x-zip',
  'application/octet-stream',
]);

/**
 * Reads an uploaded cmi5 package (cmi5 14): a zip with cmi5.xml at its root, or a bare cmi5.xml
 * whose AUs live elsewhere. `mediaType` is what the upload declared; a zip is recognised by its
 * bytes whatever was declared, and XML sent as application/octet-stream by its first character.
 * The zip is unpacked within PACKAGE_LIMITS by content-package/unzip-package.ts, which refuses
 * zip slip paths, zip bombs and too many files before or while unpacking.
 * Throws Cmi5PackageInvalidError listing the problems.
 */
export async function readPackage(bytes: Buffer, mediaType: string): Promise<ReadPackage> {
  const type = mediaType.split(';')[0]!.trim().toLowerCase();
  const looksLikeZip = bytes.subarray(0, 2).equals(ZIP_SIGNATURE);
  const looksLikeXml = /^(\uFEFF)?\s*</.test(bytes.subarray(0, 64).toString('utf8'));
  if (looksLikeZip) return readZip(bytes);
  if (XML_TYPES.has(type) || (type === 'application/octet-stream' && looksLikeXml)) {
    return readBareCourseStructure(bytes);
  }
  if (ZIP_TYPES.has(type)) throw new Cmi5PackageInvalidError([{ reason: 'notAZip' }]);
  throw new Cmi5PackageInvalidError([{ reason: 'notAPackage', at: type || undefined }]);
}

function readBareCourseStructure(bytes: Buffer): ReadPackage {
  const course = courseFrom(bytes, null);
  return { course, files: null };
}

function courseFrom(xml: Buffer, files: ReadonlySet<string> | null): Cmi5Course {
  const parsed = parseCourseStructure(xml.toString('utf8'));
  if (!parsed.ok) throw new Cmi5PackageInvalidError(parsed.problems);
  const problems = checkAuUrls(parsed.course, files);
  if (problems.length > 0) throw new Cmi5PackageInvalidError(problems);
  return parsed.course;
}

async function readZip(bytes: Buffer): Promise<ReadPackage> {
  let files: Map<string, Buffer>;
  try {
    files = await unzipPackage(bytes, PACKAGE_LIMITS);
  } catch (error) {
    if (error instanceof ZipRefusedError) throw new Cmi5PackageInvalidError(error.problems);
    throw error;
  }
  const cmi5Xml = files.get('cmi5.xml');
  if (!cmi5Xml) throw new Cmi5PackageInvalidError([{ reason: 'noCmi5Xml' }]);
  const course = courseFrom(cmi5Xml, new Set(files.keys()));
  return { course, files };
}

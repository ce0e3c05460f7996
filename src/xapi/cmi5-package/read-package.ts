import { getFileNameLowLevel, fromBufferPromise, type Entry, type ZipFile } from 'yauzl';
import type { Cmi5Course } from './course-structure.js';
import {
  Cmi5PackageInvalidError,
  MAX_PROBLEMS_LISTED,
  type PackageProblem,
} from './package-problem.js';
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
 * bytes whatever was declared, and XML sent as application/octet-stream by its first character. Zip64 archives are read (yauzl). Every entry's
 * path is checked before anything is unpacked (no absolute paths, `..`, backslashes or drive
 * letters), the declared sizes are summed against the limits before unpacking, and unpacking
 * stops as soon as the bytes actually produced pass the declared size or the limit, so a zip
 * bomb costs at most `unpackedBytes` of work.
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
  let zip: ZipFile;
  try {
    zip = await fromBufferPromise(bytes, {
      lazyEntries: true,
      decodeStrings: false,
      validateEntrySizes: true,
    });
  } catch {
    throw new Cmi5PackageInvalidError([{ reason: 'notAZip' }]);
  }
  try {
    const entries = await listEntries(zip);
    const files = await unpack(zip, entries);
    const cmi5Xml = files.get('cmi5.xml');
    if (!cmi5Xml) throw new Cmi5PackageInvalidError([{ reason: 'noCmi5Xml' }]);
    const course = courseFrom(cmi5Xml, new Set(files.keys()));
    return { course, files };
  } finally {
    zip.close();
  }
}

interface FileEntry {
  readonly path: string;
  readonly entry: Entry;
}

/** Reads the central directory and refuses the package before unpacking anything. */
async function listEntries(zip: ZipFile): Promise<FileEntry[]> {
  if (zip.entryCount > PACKAGE_LIMITS.files) {
    throw new Cmi5PackageInvalidError([{ reason: 'zipTooManyFiles', limit: PACKAGE_LIMITS.files }]);
  }
  const problems: PackageProblem[] = [];
  const report = (problem: PackageProblem) => {
    if (problems.length < MAX_PROBLEMS_LISTED) problems.push(problem);
  };
  const files: FileEntry[] = [];
  const paths = new Set<string>();
  let declaredBytes = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      const path = getFileNameLowLevel(
        entry.generalPurposeBitFlag,
        entry.fileNameRaw,
        entry.extraFields,
        true, // keep backslashes as they are, for isSafePath to refuse
      );
      if (!isSafePath(path)) {
        report({ reason: 'zipUnsafePath', at: path });
        continue;
      }
      if (path.endsWith('/')) continue; // a directory: its files carry their full paths
      if (paths.has(path)) report({ reason: 'zipDuplicatePath', at: path });
      paths.add(path);
      if (entry.isEncrypted() || (entry.compressionMethod !== 0 && entry.compressionMethod !== 8)) {
        report({ reason: 'zipEntryUnreadable', at: path });
      }
      declaredBytes += entry.uncompressedSize;
      files.push({ path, entry });
    }
  } catch (error) {
    if (error instanceof Cmi5PackageInvalidError) throw error;
    throw new Cmi5PackageInvalidError([{ reason: 'notAZip' }]);
  }
  if (declaredBytes > PACKAGE_LIMITS.unpackedBytes) {
    report({ reason: 'zipTooLarge', limit: PACKAGE_LIMITS.unpackedBytes });
  }
  if (problems.length > 0) throw new Cmi5PackageInvalidError(problems);
  return files;
}

/**
 * Unpacks every file, counting the bytes that come out: yauzl fails an entry that yields more
 * or fewer bytes than declared (validateEntrySizes), and the running total is held to the limit
 * in case the declared sizes lie together.
 */
async function unpack(zip: ZipFile, entries: readonly FileEntry[]): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  let unpackedBytes = 0;
  for (const { path, entry } of entries) {
    const chunks: Buffer[] = [];
    try {
      const stream = await zip.openReadStreamPromise(entry);
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        unpackedBytes += chunk.length;
        if (unpackedBytes > PACKAGE_LIMITS.unpackedBytes) {
          stream.destroy();
          throw new Cmi5PackageInvalidError([
            { reason: 'zipTooLarge', limit: PACKAGE_LIMITS.unpackedBytes },
          ]);
        }
        chunks.push(chunk);
      }
    } catch (error) {
      if (error instanceof Cmi5PackageInvalidError) throw error;
      const reason = /too many bytes|not enough bytes/.test(String(error))
        ? 'zipSizeMismatch'
        : 'zipEntryUnreadable';
      throw new Cmi5PackageInvalidError([{ reason, at: path }]);
    }
    files.set(path, Buffer.concat(chunks));
  }
  return files;
}

/**
 * A path that stays inside the package wherever it is unpacked or served: relative, `/` as the
 * only separator, no `.`/`..` or empty segments, no drive letter, no control characters.
 */
export function isSafePath(path: string): boolean {
  if (path === '' || path.length > 1024) return false;
  if (path.startsWith('/') || path.includes('\\') || /^[A-Za-z]:/.test(path)) return false;
  if (/[\x00-\x1f\x7f]/.test(path)) return false;
  const segments = (path.endsWith('/') ? path.slice(0, -1) : path).split('/');
  return segments.every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

import { getFileNameLowLevel, fromBufferPromise, type Entry, type ZipFile } from 'yauzl';

/** Why a zip was not unpacked; the package readers (cmi5, H5P) list these with their own. */
export type ZipProblemReason =
  /** The bytes claim to be a zip but are not one. */
  | 'notAZip'
  /** A zip entry is encrypted or uses a compression the tool cannot read. */
  | 'zipEntryUnreadable'
  /** A zip entry's path is absolute, has `..`, a drive letter or a backslash (zip slip). */
  | 'zipUnsafePath'
  /** Two entries of the zip have the same path. */
  | 'zipDuplicatePath'
  | 'zipTooManyFiles'
  /** The files, unpacked, exceed the size the tool keeps (declared or actual). */
  | 'zipTooLarge'
  /** An entry unpacks to more or fewer bytes than the zip declares (a zip bomb or damage). */
  | 'zipSizeMismatch';

export interface ZipProblem {
  readonly reason: ZipProblemReason;
  /** The file path concerned. */
  readonly at?: string;
  /** The limit that was passed (files, bytes). */
  readonly limit?: number;
}

export interface ZipLimits {
  readonly files: number;
  readonly unpackedBytes: number;
}

/** A zip refused before or while unpacking; callers translate it into their package error. */
export class ZipRefusedError extends Error {
  constructor(readonly problems: readonly ZipProblem[]) {
    super(`zip refused: ${problems.map((problem) => problem.reason).join(', ')}`);
  }
}

/** The most problems one refusal lists. */
const MAX_PROBLEMS_LISTED = 20;

/**
 * Unpacks a content package zip into its files by path, refusing hostile archives. Zip64
 * archives are read (yauzl). Every entry's path is checked before anything is unpacked (no
 * absolute paths, `..`, backslashes or drive letters), the declared sizes are summed against
 * the limits before unpacking, and unpacking stops as soon as the bytes actually produced pass
 * the declared size or the limit, so a zip bomb costs at most `limits.unpackedBytes` of work.
 * Throws ZipRefusedError listing the problems.
 */
export async function unzipPackage(bytes: Buffer, limits: ZipLimits): Promise<Map<string, Buffer>> {
  let zip: ZipFile;
  try {
    zip = await fromBufferPromise(bytes, {
      lazyEntries: true,
      decodeStrings: false,
      validateEntrySizes: true,
    });
  } catch {
    throw new ZipRefusedError([{ reason: 'notAZip' }]);
  }
  try {
    const entries = await listEntries(zip, limits);
    return await unpack(zip, entries, limits);
  } finally {
    zip.close();
  }
}

interface FileEntry {
  readonly path: string;
  readonly entry: Entry;
}

/** Reads the central directory and refuses the package before unpacking anything. */
async function listEntries(zip: ZipFile, limits: ZipLimits): Promise<FileEntry[]> {
  if (zip.entryCount > limits.files) {
    throw new ZipRefusedError([{ reason: 'zipTooManyFiles', limit: limits.files }]);
  }
  const problems: ZipProblem[] = [];
  const report = (problem: ZipProblem) => {
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
  } catch {
    throw new ZipRefusedError([{ reason: 'notAZip' }]);
  }
  if (declaredBytes > limits.unpackedBytes) {
    report({ reason: 'zipTooLarge', limit: limits.unpackedBytes });
  }
  if (problems.length > 0) throw new ZipRefusedError(problems);
  return files;
}

/**
 * Unpacks every file, counting the bytes that come out: yauzl fails an entry that yields more
 * or fewer bytes than declared (validateEntrySizes), and the running total is held to the limit
 * in case the declared sizes lie together.
 */
async function unpack(
  zip: ZipFile,
  entries: readonly FileEntry[],
  limits: ZipLimits,
): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  let unpackedBytes = 0;
  for (const { path, entry } of entries) {
    const chunks: Buffer[] = [];
    try {
      const stream = await zip.openReadStreamPromise(entry);
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        unpackedBytes += chunk.length;
        if (unpackedBytes > limits.unpackedBytes) {
          stream.destroy();
          throw new ZipRefusedError([{ reason: 'zipTooLarge', limit: limits.unpackedBytes }]);
        }
        chunks.push(chunk);
      }
    } catch (error) {
      if (error instanceof ZipRefusedError) throw error;
      const reason = /too many bytes|not enough bytes/.test(String(error))
        ? 'zipSizeMismatch'
        : 'zipEntryUnreadable';
      throw new ZipRefusedError([{ reason, at: path }]);
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

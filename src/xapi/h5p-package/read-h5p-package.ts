import { z } from 'zod';
import { unzipPackage, ZipRefusedError } from '../content-package/unzip-package.js';
import { H5pPackageInvalidError, type H5pPackageProblem } from './h5p-package-problem.js';

/** What one .h5p package may hold: the same bounds as a cmi5 package. */
export const H5P_PACKAGE_LIMITS = {
  uploadBytes: 100 * 1024 * 1024,
  files: 5000,
  unpackedBytes: 200 * 1024 * 1024,
} as const;

export interface ReadH5pPackage {
  /** h5p.json `title`. */
  readonly title: string;
  /** The content type that runs the content, as `H5P.TrueFalse 1.8`. */
  readonly mainLibrary: string;
  /** Every file of the package by path, hidden files (`.DS_Store`, `__MACOSX/`) left out. */
  readonly files: ReadonlyMap<string, Buffer>;
}

const dependency = z.object({
  machineName: z.string().regex(/^[\w.-]{1,255}$/),
  majorVersion: z.coerce.number().int().nonnegative(),
  minorVersion: z.coerce.number().int().nonnegative(),
});
type Dependency = z.infer<typeof dependency>;

/** The part of h5p.json the tool relies on (H5P's h5p.json specification). */
const h5pJson = z.object({
  title: z.string().trim().min(1).max(255),
  mainLibrary: z.string().regex(/^[\w.-]{1,255}$/),
  preloadedDependencies: z.array(dependency).min(1),
});

/** The part of a library.json the player relies on. */
const libraryJson = dependency.extend({
  preloadedDependencies: z.array(dependency).optional(),
  preloadedJs: z.array(z.object({ path: z.string() })).optional(),
  preloadedCss: z.array(z.object({ path: z.string() })).optional(),
});

/** H5P's default whitelist of content file types (the H5P core's `h5p_whitelist`). */
const CONTENT_FILE_TYPES = new Set(
  (
    'json png jpg jpeg gif bmp tif tiff svg eot ttf woff woff2 otf webm mp4 ogg mp3 m4a wav txt ' +
    'pdf rtf doc docx xls xlsx ppt pptx odt ods odp xml csv diff patch swf md textile vtt webvtt ' +
    'gltf glb'
  ).split(' '),
);
/** Libraries may add their scripts and styles (the H5P core's `h5p_library_whitelist_extras`). */
const LIBRARY_FILE_TYPES = new Set([...CONTENT_FILE_TYPES, 'js', 'css']);
/** A library folder: `<machineName>-<major>.<minor>`. */
const LIBRARY_FOLDER = /^[\w.-]+-\d+\.\d+$/;
const MAX_PROBLEMS_LISTED = 20;
const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b]);

/**
 * Reads an uploaded .h5p package: a zip (unpacked within H5P_PACKAGE_LIMITS, refusing zip slip
 * paths, zip bombs and too many files) with h5p.json and content/content.json, and a folder
 * `<machineName>-<major>.<minor>/` with a library.json for every library the content preloads,
 * directly or through other libraries, with the scripts and styles each lists. Every file's
 * type must be on H5P's whitelist (scripts and styles only inside library folders), so a
 * package carries no HTML page. Throws H5pPackageInvalidError listing the problems.
 */
export async function readH5pPackage(bytes: Buffer): Promise<ReadH5pPackage> {
  if (!bytes.subarray(0, 2).equals(ZIP_SIGNATURE)) {
    throw new H5pPackageInvalidError([{ reason: 'notAPackage' }]);
  }
  let unpacked: Map<string, Buffer>;
  try {
    unpacked = await unzipPackage(bytes, H5P_PACKAGE_LIMITS);
  } catch (error) {
    if (error instanceof ZipRefusedError) throw new H5pPackageInvalidError(error.problems);
    throw error;
  }
  const files = new Map([...unpacked].filter(([path]) => !isHidden(path)));

  const problems: H5pPackageProblem[] = [];
  const report = (problem: H5pPackageProblem) => {
    if (problems.length < MAX_PROBLEMS_LISTED) problems.push(problem);
  };
  for (const path of files.keys()) {
    if (!isAllowedType(path)) report({ reason: 'fileTypeNotAllowed', at: path });
  }

  const manifest = parseJson(files.get('h5p.json'));
  if (manifest === undefined) report({ reason: 'noH5pJson' });
  const parsedManifest = manifest === undefined ? null : h5pJson.safeParse(manifest);
  if (parsedManifest && !parsedManifest.success) {
    const at = parsedManifest.error.issues[0]?.path.join('.') || 'h5p.json';
    report({ reason: 'h5pJsonInvalid', at });
  }

  const content = parseJson(files.get('content/content.json'));
  if (content === undefined) report({ reason: 'noContentJson' });
  else if (content === null || typeof content !== 'object') {
    report({ reason: 'contentJsonInvalid' });
  }

  const main = parsedManifest?.success ? parsedManifest.data : null;
  const mainDependency = main?.preloadedDependencies.find(
    (library) => library.machineName === main.mainLibrary,
  );
  if (main) {
    if (!mainDependency) report({ reason: 'h5pJsonInvalid', at: 'mainLibrary' });
    checkLibraries(files, main.preloadedDependencies, report);
  }
  if (problems.length > 0 || !main || !mainDependency) throw new H5pPackageInvalidError(problems);
  const { machineName, majorVersion, minorVersion } = mainDependency;
  return {
    title: main.title,
    mainLibrary: `${machineName} ${majorVersion}.${minorVersion}`,
    files,
  };
}

/** Follows preloaded dependencies from the content through every library it reaches. */
function checkLibraries(
  files: ReadonlyMap<string, Buffer>,
  roots: readonly Dependency[],
  report: (problem: H5pPackageProblem) => void,
): void {
  const seen = new Set<string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const library = pending.pop()!;
    const folder = `${library.machineName}-${library.majorVersion}.${library.minorVersion}`;
    if (seen.has(folder)) continue;
    seen.add(folder);
    const json = parseJson(files.get(`${folder}/library.json`));
    if (json === undefined) {
      report({ reason: 'libraryMissing', at: `${library.machineName} ${folder.split('-').pop()}` });
      continue;
    }
    const parsed = libraryJson.safeParse(json);
    if (!parsed.success) {
      report({ reason: 'libraryJsonInvalid', at: `${folder}/library.json` });
      continue;
    }
    for (const { path } of [
      ...(parsed.data.preloadedJs ?? []),
      ...(parsed.data.preloadedCss ?? []),
    ]) {
      if (!files.has(`${folder}/${path}`)) {
        report({ reason: 'libraryFileMissing', at: `${folder}/${path}` });
      }
    }
    pending.push(...(parsed.data.preloadedDependencies ?? []));
  }
}

/** The parsed JSON of a file; undefined when there is no file, null when it is not JSON. */
function parseJson(body: Buffer | undefined): unknown {
  if (!body) return undefined;
  try {
    return JSON.parse(body.toString('utf8').replace(/^\uFEFF/, '')) as unknown;
  } catch {
    return null;
  }
}

function isAllowedType(path: string): boolean {
  const name = path.split('/').pop() ?? '';
  const extension = name.includes('.') ? name.split('.').pop()!.toLowerCase() : '';
  const isInLibrary = LIBRARY_FOLDER.test(path.split('/')[0] ?? '') && path.includes('/');
  return (isInLibrary ? LIBRARY_FILE_TYPES : CONTENT_FILE_TYPES).has(extension);
}

/** Files that archivers add and H5P skips: dot files and macOS resource forks. */
function isHidden(path: string): boolean {
  return path.split('/').some((segment) => segment.startsWith('.') || segment === '__MACOSX');
}

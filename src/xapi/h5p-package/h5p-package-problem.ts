import { MicrocredError } from '../../errors.js';
import type { ZipProblemReason } from '../content-package/unzip-package.js';

/**
 * Why an H5P package was refused. The import page gives each reason its own translated message,
 * with `at` (a file path or a library name) and `limit`.
 */
export type H5pPackageProblemReason =
  | ZipProblemReason
  /** Not a zip at all: an .h5p file is a zip archive. */
  | 'notAPackage'
  | 'uploadTooLarge'
  /** The zip has no h5p.json at its root. */
  | 'noH5pJson'
  /** h5p.json is not JSON, or lacks title, mainLibrary or preloadedDependencies (`at` says which). */
  | 'h5pJsonInvalid'
  /** The zip has no content/content.json. */
  | 'noContentJson'
  | 'contentJsonInvalid'
  /** A library the content or another library depends on is not in the package (`at`: name). */
  | 'libraryMissing'
  /** A library.json that is not JSON or lacks its name and version (`at`: its path). */
  | 'libraryJsonInvalid'
  /** A script or style a library.json lists is not in the package (`at`: its path). */
  | 'libraryFileMissing'
  /**
   * A file type H5P does not allow in packages (`at`: its path): H5P's whitelist of content
   * file types, plus scripts and styles inside library folders. HTML pages are never allowed.
   */
  | 'fileTypeNotAllowed';

export interface H5pPackageProblem {
  readonly reason: H5pPackageProblemReason;
  readonly at?: string;
  readonly limit?: number;
}

/** An H5P package the tool does not import, with every problem found (up to a bound). */
export class H5pPackageInvalidError extends MicrocredError {
  override readonly code = 'H5P_PACKAGE_INVALID';
  override readonly status = 422;
  override readonly expose = true;

  constructor(readonly problems: readonly H5pPackageProblem[]) {
    super(
      `The H5P package cannot be imported: ${Array.from(problems, (problem) =>
        [
          problem.reason,
          problem.at && `at ${problem.at}`,
          problem.limit && `limit ${problem.limit}`,
        ]
          .filter(Boolean)
          .join(' '),
      ).join('; ')}.`,
    );
  }
}

/** H5P content is served only on a host name of its own (settings `contentUrl`), and none is set. */
export class H5pContentHostMissingError extends MicrocredError {
  override readonly code = 'H5P_CONTENT_URL_MISSING';
  override readonly status = 503;
  override readonly expose = true;

  constructor() {
    super(
      'H5P activities need a host name of their own for their content: the administrator sets MICROCRED_CONTENT_URL.',
    );
  }
}

import { MicrocredError } from '../../errors.js';

/**
 * Why a cmi5 package was refused. Each names the cmi5 requirement it enforces where there is one
 * (the numbering is the one of the cmi5 requirements list that ADL CATAPULT cites); the import
 * page gives each reason its own translated message, with `at` (an element, id or file path).
 */
export type PackageProblemReason =
  /** Neither a zip nor XML (cmi5 14.0: a package is a zip, or a bare cmi5.xml). */
  | 'notAPackage'
  /** The upload is larger than the tool accepts. */
  | 'uploadTooLarge'
  /** The bytes claim to be a zip but are not one (cmi5 14.1.0.0-1). */
  | 'notAZip'
  /** The zip has no cmi5.xml at its root (cmi5 14.1.0.0-2). */
  | 'noCmi5Xml'
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
  | 'zipSizeMismatch'
  | 'xmlTooLarge'
  /** Not well-formed XML, or a DOCTYPE (entities are never expanded). */
  | 'xmlMalformed'
  /** The root element is not `courseStructure` in the cmi5 namespace (cmi5 13.2.0.0-1). */
  | 'notCourseStructure'
  /** An element missing, out of order or unexpected under the XSD (cmi5 13.2.0.0-1). */
  | 'structureInvalid'
  /** An id that is not an absolute IRI (cmi5 3.0.0.0-1). */
  | 'iriInvalid'
  /** The same id on two elements (cmi5 13.1.2.0-1, 13.1.3.0-1, 13.1.4.0-1). */
  | 'idDuplicated'
  /** An `objective idref` that names no objective of the course. */
  | 'objectiveUnknown'
  | 'moveOnInvalid'
  /** masteryScore not a decimal from 0 to 1 (cmi5 13.1.4). */
  | 'masteryScoreInvalid'
  | 'launchMethodInvalid'
  | 'tooManyAus'
  /** An AU url that is not a URL (cmi5 13.1.4.0-2). */
  | 'urlInvalid'
  /** A relative AU url in a bare cmi5.xml, which has no package to resolve it in (14.2.0.0-1). */
  | 'urlRelativeWithoutZip'
  /** A relative AU url naming no file of the zip (cmi5 14.1.0.0-4). */
  | 'urlFileMissing'
  /** An AU url whose query has a parameter the LMS adds at launch (cmi5 8.1.0.0-6). */
  | 'urlLaunchParameterConflict';

export interface PackageProblem {
  readonly reason: PackageProblemReason;
  /** Where: an element path, an id, a file path or a parameter name. */
  readonly at?: string;
  /** A limit that was passed (files, bytes, AUs). */
  readonly limit?: number;
}

/** The most problems one refusal lists: a broken 1,000-AU package need not list 1,000 lines. */
export const MAX_PROBLEMS_LISTED = 20;

/** A cmi5 package the tool does not import, with every problem found (up to a bound). */
export class Cmi5PackageInvalidError extends MicrocredError {
  override readonly code = 'CMI5_PACKAGE_INVALID';
  override readonly status = 422;
  override readonly expose = true;

  constructor(readonly problems: readonly PackageProblem[]) {
    super(`The cmi5 package cannot be imported: ${Array.from(problems, describe).join('; ')}.`);
  }
}

function describe(problem: PackageProblem): string {
  return [
    problem.reason,
    problem.at && `at ${problem.at}`,
    problem.limit && `limit ${problem.limit}`,
  ]
    .filter(Boolean)
    .join(' ');
}

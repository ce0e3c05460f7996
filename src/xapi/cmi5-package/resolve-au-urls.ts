import { ausOf, type Cmi5Course } from './course-structure.js';
import { MAX_PROBLEMS_LISTED, type PackageProblem } from './package-problem.js';

/** The query parameters the LMS adds to every AU launch URL (cmi5 8.1). */
export const LAUNCH_PARAMETER_NAMES = [
  'endpoint',
  'fetch',
  'actor',
  'registration',
  'activityId',
] as const;

const PACKAGE_BASE = 'https://package.invalid/';

/**
 * Where each AU is launched from: an absolute http(s) URL stays as it is; a relative one names a
 * file of the zip (cmi5 14.1.0.0-4) and needs a zip to resolve in (a bare cmi5.xml has none,
 * cmi5 14.2.0.0-1). No AU url may already carry a launch parameter (cmi5 8.1.0.0-6).
 * `packageFiles` is null for a bare cmi5.xml. Answers the problems, none when all resolve.
 */
export function checkAuUrls(
  course: Cmi5Course,
  packageFiles: ReadonlySet<string> | null,
): PackageProblem[] {
  const problems: PackageProblem[] = [];
  for (const au of ausOf(course)) {
    if (problems.length >= MAX_PROBLEMS_LISTED) break;
    const isAbsolute = /^[A-Za-z][A-Za-z0-9+.-]*:/.test(au.url);
    let url: URL;
    try {
      url = new URL(au.url, PACKAGE_BASE);
    } catch {
      continue; // parseCourseStructure already reported it as urlInvalid
    }
    const conflict = LAUNCH_PARAMETER_NAMES.find((name) => url.searchParams.has(name));
    if (conflict)
      problems.push({ reason: 'urlLaunchParameterConflict', at: `${au.id}: ${conflict}` });
    if (isAbsolute) {
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        problems.push({ reason: 'urlInvalid', at: au.url });
      }
      continue;
    }
    if (packageFiles === null) {
      problems.push({ reason: 'urlRelativeWithoutZip', at: au.url });
      continue;
    }
    const path = packagePathOf(au.url);
    if (path === null || !packageFiles.has(path)) {
      problems.push({ reason: 'urlFileMissing', at: au.url });
    }
  }
  return problems;
}

/**
 * The file path inside the package that a relative AU url names: query and fragment dropped,
 * dot segments resolved at the root, percent escapes decoded. Null when it names no file.
 */
export function packagePathOf(relativeUrl: string): string | null {
  try {
    const path = decodeURIComponent(new URL(relativeUrl, PACKAGE_BASE).pathname.slice(1));
    return path === '' || path.endsWith('/') ? null : path;
  } catch {
    return null;
  }
}

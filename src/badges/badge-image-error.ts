import { BadRequestError } from '../errors.js';

export type BadgeImageType = 'png' | 'jpeg' | 'svg';

/** Why an image was refused; the achievement form gives each its own message. */
export type BadgeImageProblem =
  | { reason: 'too-large'; maxBytes: number }
  /** Not PNG, JPEG or SVG; `detected` names the format when it is a known one (gif, webp…). */
  | { reason: 'unsupported-type'; detected: string | null }
  /** A `data:` URI whose media type is not what its bytes are. */
  | { reason: 'type-mismatch'; claimed: string; actual: BadgeImageType }
  /** Truncated, corrupt, or (SVG) not well-formed XML. */
  | { reason: 'damaged'; type: BadgeImageType; detail: string }
  | { reason: 'too-many-pixels'; width: number; height: number; maxSide: number }
  /** An SVG with a DOCTYPE declaring entities (XXE, "billion laughs"). */
  | { reason: 'svg-entities' }
  /** XML whose root element is not `<svg>` in the SVG namespace. */
  | { reason: 'svg-root'; root: string }
  /** An SVG past a structure limit that bounds the time sanitizing takes. */
  | { reason: 'svg-too-complex'; limit: 'elements' | 'depth' | 'attributes'; max: number };

/** An uploaded or given image that is not a PNG, JPEG or SVG the tool accepts. */
export class BadgeImageInvalidError extends BadRequestError {
  override readonly code = 'BADGE_IMAGE_INVALID';

  constructor(
    readonly problem: BadgeImageProblem,
    field = 'image',
  ) {
    super(`${field} ${describeBadgeImageProblem(problem)}`);
  }
}

/** The problem in words, to follow the field's name: "image is …". */
export function describeBadgeImageProblem(problem: BadgeImageProblem): string {
  switch (problem.reason) {
    case 'too-large':
      return `is too large: at most ${problem.maxBytes / 1024} KB`;
    case 'unsupported-type':
      return `must be a PNG, JPEG or SVG image${problem.detected ? ` (this is ${problem.detected.toUpperCase()})` : ''}`;
    case 'type-mismatch':
      return `claims ${problem.claimed} but holds ${problem.actual === 'svg' ? 'an' : 'a'} ${problem.actual.toUpperCase()} image`;
    case 'damaged':
      return `is a damaged or incomplete ${problem.type.toUpperCase()} file: ${problem.detail}`;
    case 'too-many-pixels':
      return `is ${problem.width}×${problem.height} pixels: at most ${problem.maxSide}×${problem.maxSide}`;
    case 'svg-entities':
      return 'is an SVG declaring XML entities (<!ENTITY>), which are not accepted';
    case 'svg-root':
      return `is not an SVG image: its root element is <${problem.root}>, not <svg xmlns="http://www.w3.org/2000/svg">`;
    case 'svg-too-complex':
      return `is too complex an SVG: more than ${problem.max} ${SVG_LIMITS[problem.limit]}`;
  }
}

const SVG_LIMITS = {
  elements: 'elements',
  depth: 'levels of nested elements',
  attributes: 'attributes on one element',
};

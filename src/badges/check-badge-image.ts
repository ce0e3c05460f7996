import { createHash } from 'node:crypto';
import { imageSize } from 'image-size';
import { z } from 'zod';
import {
  BadgeImageInvalidError,
  describeBadgeImageProblem,
  type BadgeImageProblem,
  type BadgeImageType,
} from './badge-image-error.js';
import { readPngChunks, writePngChunks } from './bake.js';
import { sanitizeSvg } from './sanitize-svg.js';

/** The largest image file accepted, uploaded or as a `data:` URI. */
export const MAX_BADGE_IMAGE_BYTES = 1024 * 1024;
/**
 * The widest and tallest PNG or JPEG accepted, in pixels: room for print-quality artwork,
 * while a browser or wallet decoding the largest one needs at most 64 MB (4096² RGBA).
 */
export const MAX_BADGE_IMAGE_SIDE = 4096;

export const BADGE_IMAGE_MEDIA_TYPES = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  svg: 'image/svg+xml',
} as const satisfies Record<BadgeImageType, string>;

/** An image that passed checkBadgeImage, in the form to store and serve. */
export interface BadgeImage {
  readonly type: BadgeImageType;
  readonly bytes: Buffer;
  /** In pixels; null for SVG, which scales. */
  readonly width: number | null;
  readonly height: number | null;
}

/**
 * What an image file really is, from its bytes (never its name or declared type), checked:
 * - PNG: signature, every chunk's length and CRC up to IEND (a truncated file fails), IHDR
 *   first with its size, image data present; bytes after IEND are dropped;
 * - JPEG: start-of-image marker, a start-of-frame header with its size (image-size), and the
 *   end-of-image marker last (a truncated file fails);
 * - SVG (UTF-8 XML text): sanitized by sanitizeSvg, which also refuses what is not SVG;
 * - PNG and JPEG at most MAX_BADGE_IMAGE_SIDE pixels each way, every file at most
 *   MAX_BADGE_IMAGE_BYTES.
 * Anything else (GIF, WebP, HTML, text...) is refused. Returns the image to store; throws
 * BadgeImageInvalidError saying what is wrong. Results of recent calls are remembered by the
 * bytes' digest, for the input and for the output (sanitizing is idempotent), since an upload is
 * checked again as a `data:` URI and every baked SVG download checks the stored image again.
 */
export function checkBadgeImage(bytes: Buffer): BadgeImage {
  if (bytes.length > MAX_BADGE_IMAGE_BYTES) {
    throw new BadgeImageInvalidError({ reason: 'too-large', maxBytes: MAX_BADGE_IMAGE_BYTES });
  }
  const key = digestOf(bytes);
  const known = recentChecks.get(key);
  if (known) return outcomeOf(known);
  let outcome: BadgeImage | BadgeImageProblem;
  try {
    outcome = checkBytes(bytes);
  } catch (error) {
    if (!(error instanceof BadgeImageInvalidError)) throw error;
    outcome = error.problem;
  }
  remember(key, outcome);
  if ('bytes' in outcome) remember(digestOf(outcome.bytes), outcome);
  return outcomeOf(outcome);
}

/**
 * A `data:image/png|jpeg|svg+xml;base64,` URI checked with checkBadgeImage, whose media type
 * must be what the bytes are; returns the URI of the image to store. Throws
 * BadgeImageInvalidError.
 */
export function checkBadgeImageDataUri(uri: string): string {
  const match = DATA_URI.exec(uri);
  if (!match) throw new TypeError('Not a base64 image data: URI');
  const [, claimed = '', base64 = ''] = match;
  if ((base64.length * 3) / 4 > MAX_BADGE_IMAGE_BYTES + 2) {
    throw new BadgeImageInvalidError({ reason: 'too-large', maxBytes: MAX_BADGE_IMAGE_BYTES });
  }
  const image = checkBadgeImage(Buffer.from(base64, 'base64'));
  if (BADGE_IMAGE_MEDIA_TYPES[image.type] !== claimed) {
    throw new BadgeImageInvalidError({ reason: 'type-mismatch', claimed, actual: image.type });
  }
  return badgeImageDataUri(image);
}

export function badgeImageDataUri(image: BadgeImage): string {
  return `data:${BADGE_IMAGE_MEDIA_TYPES[image.type]};base64,${image.bytes.toString('base64')}`;
}

/**
 * An image as teachers and administrators give it: an http(s) URL (never fetched by the tool),
 * or a base64 PNG, JPEG or SVG `data:` URI, which is checked and becomes the image to store. A
 * refusal is a zod issue whose `params.badgeImageProblem` says why.
 */
export const badgeImageReferenceSchema = z
  .string()
  .max(2_000_000, 'must be at most 2 MB')
  .regex(
    /^(https?:\/\/\S+|data:image\/(png|jpeg|svg\+xml);base64,[A-Za-z0-9+/=]+)$/,
    'must be an http(s) URL or a base64 PNG, JPEG or SVG data URI',
  )
  .transform((reference, context) => {
    if (!reference.startsWith('data:')) return reference;
    try {
      return checkBadgeImageDataUri(reference);
    } catch (error) {
      if (!(error instanceof BadgeImageInvalidError)) throw error;
      context.addIssue({
        code: 'custom',
        message: describeBadgeImageProblem(error.problem),
        params: { badgeImageProblem: error.problem },
      });
      return z.NEVER;
    }
  });

/** The image problem a zod issue of badgeImageReferenceSchema carries, if it is one. */
export function badgeImageProblemOf(issue: z.core.$ZodIssue): BadgeImageProblem | null {
  if (issue.code !== 'custom') return null;
  return (issue.params?.badgeImageProblem as BadgeImageProblem | undefined) ?? null;
}

const DATA_URI = /^data:(image\/(?:png|jpeg|svg\+xml));base64,([A-Za-z0-9+/=]+)$/;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function checkBytes(bytes: Buffer): BadgeImage {
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return checkPng(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return checkJpeg(bytes);
  const text = bytes.subarray(0, 3).equals(UTF8_BOM) ? bytes.subarray(3) : bytes;
  if (/^\s*</.test(text.subarray(0, 256).toString('latin1'))) return checkSvg(text);
  throw new BadgeImageInvalidError({ reason: 'unsupported-type', detected: otherFormatOf(bytes) });
}

function checkPng(bytes: Buffer): BadgeImage {
  let chunks: ReturnType<typeof readPngChunks>;
  try {
    chunks = readPngChunks(bytes);
  } catch (error) {
    if (error instanceof TypeError) throw damaged('png', error.message);
    throw error;
  }
  const [header] = chunks;
  if (header?.type !== 'IHDR' || header.data.length !== 13) {
    throw damaged('png', 'the first chunk is not IHDR');
  }
  if (!chunks.some((chunk) => chunk.type === 'IDAT')) throw damaged('png', 'no image data');
  const width = header.data.readUInt32BE(0);
  const height = header.data.readUInt32BE(4);
  checkSize('png', width, height);
  return { type: 'png', bytes: writePngChunks(chunks), width, height };
}

function checkJpeg(bytes: Buffer): BadgeImage {
  let size: { width: number; height: number; type?: string };
  try {
    size = imageSize(bytes);
  } catch (error) {
    throw damaged('jpeg', error instanceof Error ? error.message : String(error));
  }
  if (size.type !== 'jpg') throw damaged('jpeg', 'no JPEG frame header');
  if (bytes.at(-2) !== 0xff || bytes.at(-1) !== 0xd9) {
    throw damaged('jpeg', 'the end-of-image marker is missing');
  }
  checkSize('jpeg', size.width, size.height);
  return { type: 'jpeg', bytes, width: size.width, height: size.height };
}

function checkSvg(text: Buffer): BadgeImage {
  let svg: string;
  try {
    svg = new TextDecoder('utf-8', { fatal: true }).decode(text);
  } catch {
    throw damaged('svg', 'the text is not UTF-8');
  }
  return { type: 'svg', bytes: Buffer.from(sanitizeSvg(svg), 'utf8'), width: null, height: null };
}

function checkSize(type: 'png' | 'jpeg', width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw damaged(type, `the header gives a size of ${width}×${height} pixels`);
  }
  if (width > MAX_BADGE_IMAGE_SIDE || height > MAX_BADGE_IMAGE_SIDE) {
    throw new BadgeImageInvalidError({
      reason: 'too-many-pixels',
      width,
      height,
      maxSide: MAX_BADGE_IMAGE_SIDE,
    });
  }
}

/** The name of a known image format other than ours (gif, webp, bmp...), for the message. */
function otherFormatOf(bytes: Buffer): string | null {
  try {
    const { type } = imageSize(bytes);
    return type && !['png', 'jpg', 'svg'].includes(type) ? type : null;
  } catch {
    return null;
  }
}

function damaged(type: BadgeImageType, detail: string): BadgeImageInvalidError {
  return new BadgeImageInvalidError({ reason: 'damaged', type, detail });
}

const RECENT_CHECKS = 16;
const recentChecks = new Map<string, BadgeImage | BadgeImageProblem>();

function remember(key: string, outcome: BadgeImage | BadgeImageProblem): void {
  recentChecks.delete(key);
  recentChecks.set(key, outcome);
  const oldest = recentChecks.keys().next();
  if (recentChecks.size > RECENT_CHECKS && !oldest.done) recentChecks.delete(oldest.value);
}

function outcomeOf(outcome: BadgeImage | BadgeImageProblem): BadgeImage {
  if ('bytes' in outcome) return outcome;
  throw new BadgeImageInvalidError(outcome);
}

function digestOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('base64');
}

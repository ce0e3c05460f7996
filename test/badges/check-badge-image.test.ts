import { describe, expect, it } from 'vitest';
import {
  BadgeImageInvalidError,
  type BadgeImageProblem,
} from '../../src/badges/badge-image-error.js';
import {
  checkBadgeImage,
  checkBadgeImageDataUri,
  MAX_BADGE_IMAGE_BYTES,
  MAX_BADGE_IMAGE_SIDE,
} from '../../src/badges/check-badge-image.js';
import {
  GIF,
  HOSTILE_SVG,
  HOSTILE_SVG_SANITIZED,
  JPEG,
  PNG,
  pngDeclaring,
} from '../support/badge-images.js';

function problemOf(bytes: Buffer): BadgeImageProblem | null {
  try {
    checkBadgeImage(bytes);
    return null;
  } catch (error) {
    if (error instanceof BadgeImageInvalidError) return error.problem;
    throw error;
  }
}

/** The JPEG with its start-of-frame header declaring another width. */
function jpegDeclaringWidth(width: number): Buffer {
  const jpeg = Buffer.from(JPEG);
  const frame = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
  jpeg.writeUInt16BE(width, frame + 7);
  return jpeg;
}

describe('checkBadgeImage: what an image file really is', () => {
  it('accepts a PNG, with its size in pixels', () => {
    expect(checkBadgeImage(PNG)).toEqual({ type: 'png', bytes: PNG, width: 24, height: 16 });
  });

  it('accepts a JPEG, with its size in pixels', () => {
    expect(checkBadgeImage(JPEG)).toEqual({ type: 'jpeg', bytes: JPEG, width: 24, height: 16 });
  });

  it('drops what follows the end of a PNG (a PNG and HTML polyglot)', () => {
    const polyglot = Buffer.concat([PNG, Buffer.from('<html><script>alert(1)</script></html>')]);
    expect(checkBadgeImage(polyglot).bytes).toEqual(PNG);
  });

  it('sanitizes an SVG', () => {
    expect(checkBadgeImage(Buffer.from(HOSTILE_SVG))).toEqual({
      type: 'svg',
      bytes: Buffer.from(HOSTILE_SVG_SANITIZED),
      width: null,
      height: null,
    });
  });

  describe('refusals', () => {
    it('refuses a GIF, naming its format', () => {
      expect(problemOf(GIF)).toEqual({ reason: 'unsupported-type', detected: 'gif' });
    });

    it('refuses text that is no image', () => {
      expect(problemOf(Buffer.from('just some words'))).toEqual({
        reason: 'unsupported-type',
        detected: null,
      });
    });

    it('refuses an HTML page', () => {
      expect(problemOf(Buffer.from('<html><body>Hello</body></html>'))).toEqual({
        reason: 'svg-root',
        root: 'html',
      });
    });

    it('refuses a truncated PNG', () => {
      expect(problemOf(PNG.subarray(0, PNG.length - 30))).toMatchObject({
        reason: 'damaged',
        type: 'png',
      });
    });

    it('refuses a PNG whose data does not match its checksum', () => {
      const corrupt = Buffer.from(PNG);
      corrupt[40] = (corrupt[40] ?? 0) ^ 0xff;
      expect(problemOf(corrupt)).toMatchObject({ reason: 'damaged', type: 'png' });
    });

    it('refuses a PNG declaring 100000×100000 pixels', () => {
      expect(problemOf(pngDeclaring(100_000, 100_000))).toEqual({
        reason: 'too-many-pixels',
        width: 100_000,
        height: 100_000,
        maxSide: MAX_BADGE_IMAGE_SIDE,
      });
    });

    it('refuses a PNG declaring no pixels', () => {
      expect(problemOf(pngDeclaring(0, 16))).toMatchObject({ reason: 'damaged', type: 'png' });
    });

    it('refuses a truncated JPEG', () => {
      expect(problemOf(JPEG.subarray(0, JPEG.length - 100))).toMatchObject({
        reason: 'damaged',
        type: 'jpeg',
      });
    });

    it('refuses a JPEG wider than the limit', () => {
      expect(problemOf(jpegDeclaringWidth(MAX_BADGE_IMAGE_SIDE + 1))).toEqual({
        reason: 'too-many-pixels',
        width: MAX_BADGE_IMAGE_SIDE + 1,
        height: 16,
        maxSide: MAX_BADGE_IMAGE_SIDE,
      });
    });

    it('refuses a file larger than the limit', () => {
      const large = Buffer.concat([PNG, Buffer.alloc(MAX_BADGE_IMAGE_BYTES)]);
      expect(problemOf(large)).toEqual({ reason: 'too-large', maxBytes: MAX_BADGE_IMAGE_BYTES });
    });
  });
});

describe('checkBadgeImageDataUri: an image given as a data: URI', () => {
  const uriOf = (type: string, bytes: Buffer) => `data:${type};base64,${bytes.toString('base64')}`;

  it('gives back the URI of the image to store', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    expect(checkBadgeImageDataUri(uriOf('image/svg+xml', Buffer.from(svg)))).toBe(
      uriOf('image/svg+xml', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')),
    );
    expect(checkBadgeImageDataUri(uriOf('image/jpeg', JPEG))).toBe(uriOf('image/jpeg', JPEG));
  });

  it('refuses a URI claiming another type than its bytes have', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"/>';
    expect(() => checkBadgeImageDataUri(uriOf('image/png', Buffer.from(svg)))).toThrow(
      expect.objectContaining({
        code: 'BADGE_IMAGE_INVALID',
        problem: { reason: 'type-mismatch', claimed: 'image/png', actual: 'svg' },
      }),
    );
  });

  it('refuses a GIF named PNG', () => {
    expect(() => checkBadgeImageDataUri(uriOf('image/png', GIF))).toThrow(
      'image must be a PNG, JPEG or SVG image (this is GIF)',
    );
  });
});

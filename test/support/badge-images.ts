import { readFileSync } from 'node:fs';
import { readPngChunks, writePngChunks } from '../../src/badges/bake.js';

/** 24×16 pictures drawn and encoded by Chromium (test/badges/fixtures/README.md). */
export const PNG = readFileSync(
  new URL('../badges/fixtures/images/badge-24x16.png', import.meta.url),
);
export const JPEG = readFileSync(
  new URL('../badges/fixtures/images/badge-24x16.jpg', import.meta.url),
);

/** A 1×1 GIF89a: header, screen, two-colour table, one image, trailer. */
export const GIF = Buffer.from(
  [
    '474946383961',
    '01000100800000',
    '000000ffffff',
    '2c000000000100010000',
    '0202440100',
    '3b',
  ].join(''),
  'hex',
);

/** The PNG with its IHDR declaring another size, every CRC right. */
export function pngDeclaring(width: number, height: number): Buffer {
  const chunks = readPngChunks(PNG).map((chunk) => {
    if (chunk.type !== 'IHDR') return chunk;
    const data = Buffer.from(chunk.data);
    data.writeUInt32BE(width, 0);
    data.writeUInt32BE(height, 4);
    return { type: chunk.type, data };
  });
  return writePngChunks(chunks);
}

/**
 * An SVG with everything an uploaded badge must not keep: a handler on the root, a script, a
 * style sheet importing another, HTML in a foreignObject, a handler and a tracking url() on a
 * shape, a use of another file, a javascript: link; and `HOSTILE_SVG_SANITIZED`, the drawing
 * that is left of it.
 */
export const HOSTILE_SVG =
  '<?xml version="1.0"?>' +
  '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 100" onload="alert(1)">' +
  '<script>alert(2)</script>' +
  '<style>@import url(https://evil.example/x.css);</style>' +
  '<foreignObject width="100" height="100"><body xmlns="http://www.w3.org/1999/xhtml"><iframe src="https://evil.example/"></iframe></body></foreignObject>' +
  '<circle cx="50" cy="50" r="40" fill="#2a6f97" onclick="alert(3)" style="fill:url(https://evil.example/track)"/>' +
  '<use xlink:href="https://evil.example/sprite.svg#icon"/>' +
  '<a href="javascript:alert(4)"><text x="50" y="55">Badge</text></a>' +
  '</svg>';
export const HOSTILE_SVG_SANITIZED =
  '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 100">' +
  '<circle cx="50" cy="50" r="40" fill="#2a6f97"/>' +
  '<use/>' +
  '<a><text x="50" y="55">Badge</text></a>' +
  '</svg>';

export function dataUri(type: string, bytes: Buffer | string): string {
  return `data:${type};base64,${Buffer.from(bytes).toString('base64')}`;
}

import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { writePngChunks } from './bake.js';
import { BadgeImageInvalidError } from './badge-image-error.js';
import { checkBadgeImage, type BadgeImage } from './check-badge-image.js';

/**
 * The achievement image in PNG and SVG, for baking and serving: the achievement's `data:`
 * image when it passes checkBadgeImage now (so an image stored before the checks existed, or
 * written to the database by other means, is sanitized or left out here too), else a generated
 * round badge whose colour derives from the achievement id (SVG with the name written on it;
 * PNG a plain disc, as we do not rasterise text). In SVG a PNG or JPEG image is embedded in an
 * `<image>`; in PNG an SVG or JPEG image gives the generated disc, as we do not convert images.
 * Images given by http(s) URL are never fetched, so they get the generated one too.
 */

const SIZE = 256;

export function badgeSvg(achievement: { id: string; name: string; image: string | null }): string {
  const stored = storedImage(achievement.image);
  if (stored?.type === 'svg') return stored.bytes.toString('utf8');
  if (stored) return rasterInSvg(stored);
  const [r, g, b] = colourOf(achievement.id);
  const words = achievement.name.split(/\s+/).slice(0, 6);
  const lines = [words.slice(0, 3).join(' '), words.slice(3).join(' ')].filter(Boolean);
  const text = lines
    .map(
      (line, index) =>
        `<text x="128" y="${128 + (index - (lines.length - 1) / 2) * 22}" font-family="sans-serif" font-size="18" fill="#fff" text-anchor="middle" dominant-baseline="middle">${escapeXml(line)}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}"><circle cx="128" cy="128" r="120" fill="rgb(${r},${g},${b})"/><circle cx="128" cy="128" r="106" fill="none" stroke="#fff" stroke-width="4"/>${text}</svg>`;
}

export function badgePng(achievement: { id: string; image: string | null }): Buffer {
  const stored = storedImage(achievement.image);
  if (stored?.type === 'png') return stored.bytes;
  const [r, g, b] = colourOf(achievement.id);
  // RGBA scanlines, each with filter byte 0: a disc of the colour with a white ring.
  const raw = Buffer.alloc((SIZE * 4 + 1) * SIZE);
  for (let y = 0; y < SIZE; y += 1) {
    const row = y * (SIZE * 4 + 1);
    for (let x = 0; x < SIZE; x += 1) {
      const distance = Math.hypot(x - 127.5, y - 127.5);
      const at = row + 1 + x * 4;
      if (distance > 120) continue;
      const isRing = distance > 102 && distance < 108;
      raw[at] = isRing ? 255 : r;
      raw[at + 1] = isRing ? 255 : g;
      raw[at + 2] = isRing ? 255 : b;
      raw[at + 3] = 255;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, no filter, no interlace
  return writePngChunks([
    { type: 'IHDR', data: header },
    { type: 'IDAT', data: deflateSync(raw) },
    { type: 'IEND', data: Buffer.alloc(0) },
  ]);
}

function colourOf(id: string): [number, number, number] {
  const hash = createHash('sha256').update(id).digest();
  // Darkish colours, so white text and ring stay readable.
  return [40 + ((hash[0] ?? 0) % 120), 40 + ((hash[1] ?? 0) % 120), 60 + ((hash[2] ?? 0) % 120)];
}

function storedImage(uri: string | null): BadgeImage | null {
  const base64 = /^data:image\/(?:png|jpeg|svg\+xml);base64,([A-Za-z0-9+/=]+)$/.exec(
    uri ?? '',
  )?.[1];
  if (!base64) return null;
  try {
    return checkBadgeImage(Buffer.from(base64, 'base64'));
  } catch (error) {
    if (error instanceof BadgeImageInvalidError) return null;
    throw error;
  }
}

function rasterInSvg(image: BadgeImage): string {
  const { width, height } = image;
  const href = `data:image/${image.type};base64,${image.bytes.toString('base64')}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><image width="${width}" height="${height}" xlink:href="${href}"/></svg>`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

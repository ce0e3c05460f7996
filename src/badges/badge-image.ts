import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { writePngChunks } from './bake.js';

/**
 * The achievement image in PNG and SVG, for baking: a `data:` image of the achievement when it
 * has one in that format, else a generated round badge whose colour derives from the
 * achievement id (SVG with the name written on it; PNG a plain disc, as we do not rasterise
 * text). Images given by http(s) URL are never fetched, so they get the generated one too.
 */

const SIZE = 256;

export function badgeSvg(achievement: { id: string; name: string; image: string | null }): string {
  const fromData = decodeDataUri(achievement.image, 'image/svg+xml');
  if (fromData) return fromData.toString('utf8');
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
  const fromData = decodeDataUri(achievement.image, 'image/png');
  if (fromData) return fromData;
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

function decodeDataUri(uri: string | null, mediaType: string): Buffer | null {
  const prefix = `data:${mediaType};base64,`;
  if (!uri?.startsWith(prefix)) return null;
  return Buffer.from(uri.slice(prefix.length), 'base64');
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

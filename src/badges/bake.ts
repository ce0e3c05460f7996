import { crc32 } from 'node:zlib';

/**
 * Baking (OB 3.0 §5.3): putting a credential into its badge image.
 *
 * PNG: one uncompressed `iTXt` chunk with the keyword `openbadgecredential` holds the JSON
 * credential or the compact VC-JWT; any previous one is removed. We write the chunk ourselves
 * with node:zlib's crc32: the PNG packages on npm either recompress the image, drop unknown
 * chunks, or are unmaintained, and the format needs only length, type, data and a CRC.
 *
 * SVG: an `<openbadges:credential>` element in the `https://purl.imsglobal.org/ob/v3p0`
 * namespace, first in the root element, with the JSON in CDATA or the JWT in `verify`.
 */

export const OB_SVG_NAMESPACE = 'https://purl.imsglobal.org/ob/v3p0';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const KEYWORD = 'openbadgecredential';

type Chunk = { type: string; data: Buffer };

/** Splits a PNG into chunks; throws TypeError when it is not a well-formed PNG. */
export function readPngChunks(png: Buffer): Chunk[] {
  if (png.length < 8 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw new TypeError('Not a PNG image');
  }
  const chunks: Chunk[] = [];
  let offset = 8;
  while (offset + 12 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (end > png.length) throw new TypeError(`Truncated PNG chunk ${type}`);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (crc32(png.subarray(offset + 4, offset + 8 + length)) !== png.readUInt32BE(end - 4)) {
      throw new TypeError(`Bad CRC in PNG chunk ${type}`);
    }
    chunks.push({ type, data });
    offset = end;
    if (type === 'IEND') break;
  }
  if (chunks.at(-1)?.type !== 'IEND') throw new TypeError('PNG has no IEND chunk');
  return chunks;
}

export function writePngChunks(chunks: readonly Chunk[]): Buffer {
  const parts: Buffer[] = [PNG_SIGNATURE];
  for (const { type, data } of chunks) {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    parts.push(head, data, crc);
  }
  return Buffer.concat(parts);
}

/** The PNG with `credential` (JSON text or compact JWT) baked in, replacing any earlier one. */
export function bakePng(png: Buffer, credential: string): Buffer {
  const chunks = readPngChunks(png).filter((chunk) => !isCredentialChunk(chunk));
  // iTXt: keyword, NUL, compression flag 0 (uncompressed), method 0, empty language tag, NUL,
  // empty translated keyword, NUL, then the UTF-8 text.
  const data = Buffer.concat([
    Buffer.from(KEYWORD, 'latin1'),
    Buffer.from([0, 0, 0, 0, 0]),
    Buffer.from(credential, 'utf8'),
  ]);
  chunks.splice(chunks.length - 1, 0, { type: 'iTXt', data });
  return writePngChunks(chunks);
}

/** The credential text baked in a PNG, or null when it has none. Throws TypeError for a bad PNG. */
export function unbakePng(png: Buffer): string | null {
  const chunk = readPngChunks(png).find(isCredentialChunk);
  if (!chunk) return null;
  const data = chunk.data;
  const afterKeyword = data.indexOf(0) + 1;
  const compressed = data[afterKeyword] === 1;
  if (compressed) throw new TypeError('Compressed openbadgecredential chunks are not allowed');
  const languageEnd = data.indexOf(0, afterKeyword + 2);
  const translatedEnd = data.indexOf(0, languageEnd + 1);
  return data.subarray(translatedEnd + 1).toString('utf8');
}

function isCredentialChunk(chunk: Chunk): boolean {
  if (chunk.type !== 'iTXt') return false;
  const end = chunk.data.indexOf(0);
  return chunk.data.toString('latin1', 0, end) === KEYWORD;
}

/**
 * The SVG with the credential baked in: a JSON credential goes in CDATA, a compact JWT in the
 * `verify` attribute. The credential cannot end its element early: a JWT is base64url only, and
 * in the JSON every `<` (which JSON allows only inside strings) is written `\u003c`, the same
 * string to any JSON parser, so no end tag can appear in the CDATA, while `]]>` is split across
 * two CDATA sections. `svg` must be inert already (badge-image.ts); throws TypeError when it has
 * no `<svg>` root element.
 */
export function bakeSvg(svg: string, credential: string): string {
  const withoutOld = svg.replace(
    /<openbadges:credential\b[^>]*?(\/>|>[\s\S]*?<\/openbadges:credential>)\s*/g,
    '',
  );
  const root = /<svg\b[^>]*>/.exec(withoutOld);
  if (!root) throw new TypeError('Not an SVG image');
  let openTag = root[0];
  if (!/\sxmlns:openbadges=/.test(openTag)) {
    openTag = openTag.replace(/^<svg\b/, `<svg xmlns:openbadges="${OB_SVG_NAMESPACE}"`);
  }
  const isJwt = /^[\w-]+\.[\w-]+\.[\w-]+$/.test(credential);
  const element = isJwt
    ? `<openbadges:credential verify="${credential}"></openbadges:credential>`
    : `<openbadges:credential><![CDATA[${credential.replaceAll('<', '\\u003c').replaceAll(']]>', ']]]]><![CDATA[>')}]]></openbadges:credential>`;
  const at = root.index;
  return `${withoutOld.slice(0, at)}${openTag}${element}${withoutOld.slice(at + root[0].length)}`;
}

/** The credential text baked in an SVG (JSON or JWT), or null when it has none. */
export function unbakeSvg(svg: string): string | null {
  const match = /<openbadges:credential\b([^>]*?)(\/>|>([\s\S]*?)<\/openbadges:credential>)/.exec(
    svg,
  );
  if (!match) return null;
  const verify = /\sverify\s*=\s*"([^"]*)"/.exec(match[1] ?? '');
  if (verify?.[1]) return verify[1];
  const body = (match[3] ?? '').trim();
  const cdata = /^<!\[CDATA\[([\s\S]*)\]\]>$/.exec(body);
  return (cdata ? (cdata[1] ?? '').replaceAll(']]]]><![CDATA[>', ']]>') : body).trim();
}

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

/**
 * The credential text baked in a PNG, or null when it has none. Throws TypeError for a bad PNG,
 * a compressed credential chunk, or a second credential chunk: one pass over the chunks, and
 * each chunk's keyword is looked for only where a keyword can be (at most 79 bytes).
 */
export function unbakePng(png: Buffer): string | null {
  let found: Buffer | null = null;
  for (const chunk of readPngChunks(png)) {
    if (!isCredentialChunk(chunk)) continue;
    if (found) throw new TypeError('More than one openbadgecredential chunk');
    found = chunk.data;
  }
  if (!found) return null;
  const afterKeyword = KEYWORD.length + 1;
  if (found[afterKeyword] !== 0) {
    throw new TypeError('Compressed openbadgecredential chunks are not allowed');
  }
  const languageEnd = found.indexOf(0, afterKeyword + 2);
  const translatedEnd = languageEnd === -1 ? -1 : found.indexOf(0, languageEnd + 1);
  if (translatedEnd === -1) throw new TypeError('Malformed openbadgecredential chunk');
  return found.subarray(translatedEnd + 1).toString('utf8');
}

function isCredentialChunk(chunk: Chunk): boolean {
  return (
    chunk.type === 'iTXt' &&
    chunk.data.length > KEYWORD.length &&
    chunk.data[KEYWORD.length] === 0 &&
    chunk.data.toString('latin1', 0, KEYWORD.length) === KEYWORD
  );
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

const SVG_CREDENTIAL_OPEN = '<openbadges:credential';
const SVG_CREDENTIAL_CLOSE = '</openbadges:credential>';

/**
 * The credential text baked in an SVG (JSON or JWT), or null when it has none. Throws TypeError
 * for an element without its end and for a second credential. Linear in the SVG: every search
 * starts where the previous one stopped.
 */
export function unbakeSvg(svg: string): string | null {
  const start = findSvgCredential(svg, 0);
  if (start === -1) return null;
  const tagEnd = svg.indexOf('>', start);
  if (tagEnd === -1) throw new TypeError('The openbadges:credential tag is not closed');
  const selfClosing = svg[tagEnd - 1] === '/';
  const attributes = svg.slice(
    start + SVG_CREDENTIAL_OPEN.length,
    selfClosing ? tagEnd - 1 : tagEnd,
  );
  let body = '';
  let end = tagEnd + 1;
  if (!selfClosing) {
    const close = svg.indexOf(SVG_CREDENTIAL_CLOSE, end);
    if (close === -1) throw new TypeError('The openbadges:credential element has no end tag');
    body = svg.slice(end, close);
    end = close + SVG_CREDENTIAL_CLOSE.length;
  }
  if (findSvgCredential(svg, end) !== -1) {
    throw new TypeError('More than one openbadges:credential element');
  }
  const verify = /\sverify\s*=\s*"([^"]*)"/.exec(attributes);
  if (verify?.[1]) return verify[1];
  const text = body.trim();
  const cdata = text.startsWith('<![CDATA[') && text.endsWith(']]>');
  return (
    cdata
      ? text.slice('<![CDATA['.length, -']]>'.length).replaceAll(']]]]><![CDATA[>', ']]>')
      : text
  ).trim();
}

/** Where the next `<openbadges:credential` element starts from `from` on, or -1. */
function findSvgCredential(svg: string, from: number): number {
  let at = svg.indexOf(SVG_CREDENTIAL_OPEN, from);
  while (at !== -1 && /[\w:.-]/.test(svg[at + SVG_CREDENTIAL_OPEN.length] ?? '')) {
    at = svg.indexOf(SVG_CREDENTIAL_OPEN, at + SVG_CREDENTIAL_OPEN.length);
  }
  return at;
}

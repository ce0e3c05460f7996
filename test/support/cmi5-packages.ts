/**
 * cmi5 packages built by the tests themselves: cmi5.xml from a small description, and zips
 * (yazl, optionally Zip64) from a list of files, plus byte surgery for the hostile zips that no
 * well-behaved zip writer produces (paths that leave the package, sizes that lie).
 */
import { Readable } from 'node:stream';
import { ZipFile } from 'yazl';

export const CMI5_NS = 'https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd';

export interface AuSpec {
  id: string;
  url: string;
  title?: string;
  /** Raw attributes, e.g. `moveOn="Passed" masteryScore="0.8"`. */
  attributes?: string;
  /** Extra elements after `<description>` (objectives) or after `<url>` (launchParameters). */
  beforeUrl?: string;
  afterUrl?: string;
}

export interface BlockSpec {
  id: string;
  title?: string;
  children: (AuSpec | BlockSpec)[];
}

function isBlock(spec: AuSpec | BlockSpec): spec is BlockSpec {
  return 'children' in spec;
}

const texts = (title: string) =>
  `<title><langstring lang="en-US">${title}</langstring><langstring lang="de">${title} (de)</langstring></title>` +
  `<description><langstring lang="en-US">About ${title}</langstring></description>`;

function partXml(spec: AuSpec | BlockSpec): string {
  if (isBlock(spec)) {
    return `<block id="${spec.id}">${texts(spec.title ?? 'Block')}${spec.children.map(partXml).join('')}</block>`;
  }
  return (
    `<au id="${spec.id}" ${spec.attributes ?? ''}>${texts(spec.title ?? 'AU')}` +
    `${spec.beforeUrl ?? ''}<url>${spec.url}</url>${spec.afterUrl ?? ''}</au>`
  );
}

/** A cmi5.xml: the course, optional course objectives, then the AUs and blocks. */
export function courseXml(options: {
  courseId: string;
  title?: string;
  objectives?: string;
  children: (AuSpec | BlockSpec)[];
}): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?>\n<courseStructure xmlns="${CMI5_NS}">` +
    `<course id="${options.courseId}">${texts(options.title ?? 'Course')}</course>` +
    `${options.objectives ?? ''}${options.children.map(partXml).join('')}</courseStructure>`
  );
}

/** Zips files; `zip64` forces the Zip64 format (as CATAPULT's 102-zip64 package does). */
export function zipOf(
  files: Record<string, string | Buffer | (() => Readable)>,
  options: { zip64?: boolean; compress?: boolean } = {},
): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [path, content] of Object.entries(files)) {
    const fileOptions = {
      forceZip64Format: options.zip64 ?? false,
      compress: options.compress ?? true,
      mtime: new Date(0),
    };
    if (typeof content === 'function') zip.addReadStream(content(), path, fileOptions);
    else zip.addBuffer(Buffer.from(content), path, fileOptions);
  }
  zip.end({ forceZip64Format: options.zip64 ?? false, comment: '' });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/** `bytes` zeros as a stream, without holding them in memory. */
export function zeros(bytes: number): () => Readable {
  return () =>
    Readable.from(
      (function* () {
        const chunk = Buffer.alloc(1024 * 1024);
        for (let left = bytes; left > 0; left -= chunk.length) {
          yield left >= chunk.length ? chunk : chunk.subarray(0, left);
        }
      })(),
    );
}

/**
 * Renames a zip entry in place (local header and central directory): `to` must have as many
 * bytes as `from`. Zip writers refuse names like `../x`, attackers' tools do not.
 */
export function renameEntry(zip: Buffer, from: string, to: string): Buffer {
  if (Buffer.byteLength(from) !== Buffer.byteLength(to)) throw new TypeError('same length only');
  const out = Buffer.from(zip);
  const needle = Buffer.from(from);
  let at = out.indexOf(needle);
  let count = 0;
  while (at !== -1) {
    Buffer.from(to).copy(out, at);
    count += 1;
    at = out.indexOf(needle, at + needle.length);
  }
  if (count === 0) throw new TypeError(`no entry named ${from}`);
  return out;
}

/**
 * Makes every header of the zip declare `declaredBytes` as the uncompressed size of each entry
 * (a zip bomb that lies about its sizes). Works on zips without Zip64 records.
 */
export function lieAboutSizes(zip: Buffer, declaredBytes: number): Buffer {
  const out = Buffer.from(zip);
  for (let at = 0; at < out.length - 4; at += 1) {
    const signature = out.readUInt32LE(at);
    if (signature === 0x04034b50 && out.readUInt32LE(at + 22) !== 0) {
      out.writeUInt32LE(declaredBytes, at + 22); // local file header: uncompressed size
    } else if (signature === 0x02014b50) {
      out.writeUInt32LE(declaredBytes, at + 24); // central directory: uncompressed size
    } else if (signature === 0x08074b50) {
      out.writeUInt32LE(declaredBytes, at + 12); // data descriptor: uncompressed size
    }
  }
  return out;
}

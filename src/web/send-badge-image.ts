import type { Response } from 'express';

const MEDIA_TYPES = { png: 'image/png', svg: 'image/svg+xml' } as const;

/**
 * Answers with a badge image the tool serves (achievement images, baked downloads). The type is
 * exact (a Buffer, so Express adds no charset) and never sniffed; the Content-Security-Policy
 * replaces the pages' one: an SVG opened as a document, rather than shown by an `<img>`, may
 * apply its own styles and embedded pictures and nothing else: no script, no fetch, a sandbox
 * without an origin. `fileName` makes it a download (Content-Disposition: attachment).
 */
export function sendBadgeImage(
  res: Response,
  image: { type: keyof typeof MEDIA_TYPES; body: Buffer | string; fileName?: string },
): void {
  if (image.fileName) res.attachment(image.fileName);
  res
    .set({
      'Content-Type': MEDIA_TYPES[image.type],
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
    })
    .send(Buffer.isBuffer(image.body) ? image.body : Buffer.from(image.body, 'utf8'));
}

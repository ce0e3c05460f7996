import { createHash } from 'node:crypto';
import { BadgeImageInvalidError } from './badge-image-error.js';
import { renderBadgeArtwork } from './badge-design.js';
import { badgeImageDataUri, checkBadgeImage, type BadgeImage } from './check-badge-image.js';
import { rasterizeSvg } from './rasterize-svg.js';

/**
 * The achievement image in PNG and SVG, for baking and serving: the achievement's `data:`
 * image when it passes checkBadgeImage now (so an image stored before the checks existed, or
 * written to the database by other means, is sanitized or left out here too), else a generated
 * round badge with the name written on it, whose colour derives from the achievement id
 * (badge-design.ts). In SVG a PNG or JPEG image is embedded in an `<image>`; PNG is the stored
 * PNG, or any other image drawn by resvg (rasterize-svg.ts) BADGE_PNG_WIDTH pixels wide. Images
 * given by http(s) URL are never fetched, so they get the generated one too.
 */

export const BADGE_PNG_WIDTH = 512;

export function badgeSvg(achievement: { id: string; name: string; image: string | null }): string {
  const stored = storedImage(achievement.image);
  if (stored?.type === 'svg') return stored.bytes.toString('utf8');
  if (stored) return rasterInSvg(stored);
  return renderBadgeArtwork({
    template: 'circle',
    title: achievement.name,
    background: colourOf(achievement.id),
    accent: '#ffffff',
    ribbon: null,
    logo: null,
    awardingBody: null,
    language: null,
  });
}

export function badgePng(achievement: { id: string; name: string; image: string | null }): Buffer {
  const stored = storedImage(achievement.image);
  if (stored?.type === 'png') return stored.bytes;
  return rasterizeSvg(badgeSvg(achievement), BADGE_PNG_WIDTH);
}

/** A darkish colour from the id, so white text and ring stay readable. */
function colourOf(id: string): string {
  const hash = createHash('sha256').update(id).digest();
  const channels = [
    40 + ((hash[0] ?? 0) % 120),
    40 + ((hash[1] ?? 0) % 120),
    60 + ((hash[2] ?? 0) % 120),
  ];
  return `#${channels.map((value) => value.toString(16).padStart(2, '0')).join('')}`;
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

/**
 * An awarding body's logo as a badge can embed it: a PNG or JPEG `data:` URI, an SVG logo drawn
 * as PNG (a badge's `<image>` embeds only PNG and JPEG, see sanitize-svg.ts). Null for a logo
 * that is missing, refused by checkBadgeImage, or given by URL, which the tool never fetches.
 */
export function badgeLogoOf(image: string | null): string | null {
  const stored = storedImage(image);
  if (!stored) return null;
  if (stored.type !== 'svg') return badgeImageDataUri(stored);
  const png = rasterizeSvg(stored.bytes.toString('utf8'), LOGO_PNG_WIDTH);
  return `data:image/png;base64,${png.toString('base64')}`;
}

const LOGO_PNG_WIDTH = 200;

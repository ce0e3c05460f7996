import { z } from 'zod';

/**
 * Badge artwork drawn from a few choices (the teacher's badge designer, and the generated image
 * of an achievement without one): a template shape in two colours, the title written on it, an
 * optional logo of the awarding body and an optional ribbon ("5 ECTS · EQF 6", "Badge"). The SVG
 * is accessible on its own: `role="img"` named by its `<title>` and described by its `<desc>`,
 * so an SVG opened as a file or embedded inline is announced, not only an `<img>` with alt text.
 * Text is set in DejaVu Sans, the font the rasterizer bundles (rasterize-svg.ts), so the PNG
 * shows the same letters on every machine. Pure: no I/O.
 */

export const BADGE_TEMPLATES = ['circle', 'shield', 'hexagon'] as const;
export type BadgeTemplate = (typeof BADGE_TEMPLATES)[number];

/** Where the ribbon's text comes from: the achievement's credit, the word "badge", or none. */
export const BADGE_RIBBONS = ['credits', 'badge', 'none'] as const;
export type BadgeRibbon = (typeof BADGE_RIBBONS)[number];

const colour = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1d4e89')
  .transform((value) => value.toLowerCase());

/** What the teacher chooses in the designer; the form's one source of truth. */
export const badgeDesignSchema = z.object({
  template: z.enum(BADGE_TEMPLATES),
  title: z.string().trim().min(1, 'is required').max(60, 'must be at most 60 characters'),
  background: colour,
  accent: colour,
  ribbon: z.enum(BADGE_RIBBONS),
  showLogo: z.boolean(),
});
export type BadgeDesign = z.infer<typeof badgeDesignSchema>;

export interface BadgeArtwork {
  readonly template: BadgeTemplate;
  readonly title: string;
  readonly background: string;
  readonly accent: string;
  /** The ribbon's text, already worded; null draws no ribbon. */
  readonly ribbon: string | null;
  /** A PNG or JPEG `data:` URI (an SVG logo is rasterized first); null draws none. */
  readonly logo: string | null;
  /** Who awards it, for the description. */
  readonly awardingBody: string | null;
  /** BCP 47 language of the title and ribbon; null when unknown. */
  readonly language: string | null;
}

const SIDE = 512;

const OUTLINES: Record<BadgeTemplate, { shape: string; inner: string }> = {
  circle: {
    shape: `<circle cx="256" cy="256" r="244"/>`,
    inner: `<circle cx="256" cy="256" r="218"/>`,
  },
  shield: {
    shape: `<path d="M256 12 L476 76 V236 C476 372 380 458 256 500 C132 458 36 372 36 236 V76 Z"/>`,
    inner: `<path d="M256 40 L450 96 V238 C450 356 366 432 256 470 C146 432 62 356 62 238 V96 Z"/>`,
  },
  hexagon: {
    shape: `<polygon points="256,10 469,133 469,379 256,502 43,379 43,133"/>`,
    inner: `<polygon points="256,38 445,147 445,365 256,474 67,365 67,147"/>`,
  },
};

/** The SVG of a badge; every text is escaped, colours are checked by badgeDesignSchema. */
export function renderBadgeArtwork(artwork: BadgeArtwork): string {
  const { shape, inner } = OUTLINES[artwork.template];
  const ink = readableInk(artwork.background);
  const lines = wrapTitle(artwork.title);
  const titleSize = lines.length === 1 ? 46 : 38;
  const titleTop = artwork.logo ? 250 : 220;
  const titleY = (index: number) =>
    titleTop + (index - (lines.length - 1) / 2) * (titleSize + 6) + (artwork.ribbon ? 0 : 30);
  const title = lines
    .map(
      (line, index) =>
        `<text x="256" y="${titleY(index)}" font-family="DejaVu Sans" font-weight="bold" font-size="${titleSize}" fill="${ink}" text-anchor="middle" dominant-baseline="middle">${escapeXml(line)}</text>`,
    )
    .join('');
  const logo = artwork.logo
    ? `<image x="206" y="${artwork.ribbon ? 62 : 72}" width="100" height="100" preserveAspectRatio="xMidYMid meet" xlink:href="${artwork.logo}"/>`
    : '';
  const ribbon = artwork.ribbon
    ? `<polygon points="16,344 496,344 476,380 496,416 16,416 36,380" fill="${artwork.accent}"/><text x="256" y="382" font-family="DejaVu Sans" font-weight="bold" font-size="30" fill="${readableInk(artwork.accent)}" text-anchor="middle" dominant-baseline="middle">${escapeXml(fitRibbon(artwork.ribbon))}</text>`
    : '';
  const description = [artwork.title, artwork.ribbon, artwork.awardingBody]
    .filter((part): part is string => Boolean(part))
    .join(' · ');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${SIDE}" height="${SIDE}" viewBox="0 0 ${SIDE} ${SIDE}" role="img" aria-labelledby="badge-title badge-desc"${artwork.language ? ` lang="${escapeXml(artwork.language)}"` : ''}>` +
    `<title id="badge-title">${escapeXml(artwork.title)}</title>` +
    `<desc id="badge-desc">${escapeXml(description)}</desc>` +
    `<g fill="${artwork.background}">${shape}</g>` +
    `<g fill="none" stroke="${artwork.accent}" stroke-width="10">${inner}</g>` +
    `${logo}${title}${ribbon}</svg>`
  );
}

/** Up to three lines of about 16 characters, the last one cut with an ellipsis if need be. */
function wrapTitle(title: string): string[] {
  const lines: string[] = [];
  for (const word of title.trim().split(/\s+/)) {
    const last = lines.at(-1);
    if (last !== undefined && `${last} ${word}`.length <= 16)
      lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  const shown = lines
    .slice(0, 3)
    .map((line) => (line.length > 18 ? `${line.slice(0, 17)}…` : line));
  if (lines.length > 3) shown[2] = `${shown[2]!.slice(0, 17)}…`;
  return shown;
}

function fitRibbon(text: string): string {
  return text.length > 26 ? `${text.slice(0, 25)}…` : text;
}

/**
 * Black or white, whichever contrasts more with the colour (WCAG 2.x relative luminance), so the
 * title stays readable on any background the teacher picks.
 */
export function readableInk(hex: string): '#000000' | '#ffffff' {
  const channel = (offset: number) => {
    const value = parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) ? '#000000' : '#ffffff';
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

import { describe, expect, it } from 'vitest';
import { readPngChunks } from '../../src/badges/bake.js';
import {
  BADGE_TEMPLATES,
  readableInk,
  renderBadgeArtwork,
  type BadgeArtwork,
} from '../../src/badges/badge-design.js';
import { badgePng } from '../../src/badges/badge-image.js';
import { checkBadgeImage } from '../../src/badges/check-badge-image.js';
import { rasterizeSvg } from '../../src/badges/rasterize-svg.js';

const ARTWORK: BadgeArtwork = {
  template: 'shield',
  title: 'Sustainable Business Strategy',
  background: '#1d4e89',
  accent: '#f2c14e',
  ribbon: '5 ECTS · EQF 6',
  logo: null,
  awardingBody: 'Universität Beispiel',
  language: 'de',
};

describe('badge artwork (renderBadgeArtwork)', () => {
  it.each(BADGE_TEMPLATES)(
    'draws the %s template as an SVG image named by its title and described by its desc, which the upload checks keep',
    (template) => {
      const svg = renderBadgeArtwork({ ...ARTWORK, template });
      const kept = checkBadgeImage(Buffer.from(svg)).bytes.toString('utf8');
      expect(kept).toContain('role="img" aria-labelledby="badge-title badge-desc" lang="de"');
      expect(kept).toContain('<title id="badge-title">Sustainable Business Strategy</title>');
      expect(kept).toContain(
        '<desc id="badge-desc">Sustainable Business Strategy · 5 ECTS · EQF 6 · Universität Beispiel</desc>',
      );
    },
  );

  it('writes a title with markup in it as text', () => {
    const svg = renderBadgeArtwork({ ...ARTWORK, title: '<script>alert(1)</script> & co' });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&#60;script&#62;alert(1)&#60;/script&#62; &#38; co');
  });

  it('leaves the ribbon out when there is none', () => {
    expect(renderBadgeArtwork({ ...ARTWORK, ribbon: null })).not.toContain(
      '<polygon points="16,344',
    );
  });

  it('picks the ink with the better contrast: white on dark colours, black on light ones', () => {
    expect(readableInk('#1d4e89')).toBe('#ffffff');
    expect(readableInk('#f2c14e')).toBe('#000000');
  });
});

describe('badge PNGs (rasterizeSvg, badgePng)', () => {
  it('draws the badge 512 pixels wide, with its letters in the bundled font', () => {
    const one = rasterizeSvg(renderBadgeArtwork({ ...ARTWORK, title: 'Ecology' }), 512);
    const other = rasterizeSvg(renderBadgeArtwork({ ...ARTWORK, title: 'Economy' }), 512);
    const header = readPngChunks(one)[0]!;
    expect(header.type).toBe('IHDR');
    expect(header.data.readUInt32BE(0)).toBe(512);
    // Only the title differs: if no font were found, both would be the bare shape.
    expect(one.equals(other)).toBe(false);
  });

  it('draws the generated badge of an achievement without an image, with its name on it', () => {
    const named = badgePng({ id: 'urn:uuid:1', name: 'Ecology', image: null });
    const renamed = badgePng({ id: 'urn:uuid:1', name: 'Economy', image: null });
    expect(readPngChunks(named)[0]!.data.readUInt32BE(0)).toBe(512);
    expect(named.equals(renamed)).toBe(false);
  });
});

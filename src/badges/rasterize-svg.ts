import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';

const require = createRequire(import.meta.url);

/** DejaVu Sans from the npm package: the same letters on every machine, without system fonts. */
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((file) =>
  require.resolve(`dejavu-fonts-ttf/ttf/${file}`),
);

/**
 * A PNG of an SVG, `widthPx` wide, drawn by resvg (Rust, no browser, no system libraries). Only
 * the bundled fonts are used and nothing is fetched: resvg resolves no external references, and
 * the SVGs given here are ours or sanitized (sanitize-svg.ts), whose pictures are `data:` URIs.
 */
export function rasterizeSvg(svg: string, widthPx: number): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: widthPx },
    font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

import { createRequire } from 'node:module';
import createDOMPurify, { type Config, type DOMPurify } from 'dompurify';
import type { JSDOM, JsdomWindow, XmlDocument, XmlElement, XmlNode } from 'jsdom';
import { SaxesParser } from 'saxes';
import { BadgeImageInvalidError, type BadgeImageProblem } from './badge-image-error.js';

/**
 * SVG badge images made inert: DOMPurify's SVG profile run in place on a jsdom XML document,
 * plus the rules a badge needs beyond that profile. What is left can be opened as a file, shown
 * in an `<img>` or baked, and neither runs code nor fetches anything:
 * - no `<script>`, `<foreignObject>`, `<animate>`/`<set>`, event handlers (`on…`) or elements
 *   and attributes outside the SVG profile (DOMPurify);
 * - `href`/`xlink:href` only to a fragment of the image itself (`#id`), or on `<image>` and
 *   `<feImage>` to an embedded `data:image/png|jpeg` picture; `<use>` therefore only of the
 *   image's own parts;
 * - CSS (`<style>` and `style`/presentation attributes) without `@import`, escapes, or `url(`
 *   other than `url(#id)`;
 * - no `javascript:` or `vbscript:` in any attribute;
 * - no DOCTYPE with entities: refused before parsing (external entities, "billion laughs" and
 *   quadratic blow-up), and the output is the root element alone, without DOCTYPE or
 *   processing instructions.
 * Before any DOM is built, one streaming pass (saxes, the parser jsdom uses) checks that the
 * input is well-formed XML with `<svg>` in the SVG namespace as root and within SVG_LIMITS:
 * building and walking a jsdom tree costs time quadratic in nesting depth and in attributes per
 * element, and sanitizing is synchronous. Throws BadgeImageInvalidError when a check fails or
 * nothing of the root would be left. The output is XML serialization (namespaces declared
 * where used), and sanitizing it again gives it back.
 */
export function sanitizeSvg(svg: string): string {
  if (/<!ENTITY/i.test(svg)) throw new BadgeImageInvalidError({ reason: 'svg-entities' });
  checkStructure(svg);
  const { window, purify } = sanitizer();
  const document = new window.DOMParser().parseFromString(svg, 'image/svg+xml');
  const root = svgRootOf(document);
  cdataToText(document, root);
  try {
    purify.sanitize(root as never, SANITIZE_CONFIG);
  } catch (error) {
    throw damaged(error instanceof Error ? error.message : String(error));
  }
  return new window.XMLSerializer().serializeToString(svgRootOf(document));
}

/** Far above what badge artwork needs (Inkscape and Illustrator files nest a few levels deep). */
export const SVG_LIMITS = { elements: 10_000, depth: 100, attributes: 200 } as const;

const SVG_NAMESPACE = 'http://www.w3.org/2000/svg';
const PARSER_ERROR_NAMESPACE = 'http://www.mozilla.org/newlayout/xml/parsererror.xml';
const SHOW_CDATA_SECTION = 0x8;

const SANITIZE_CONFIG: Config = {
  IN_PLACE: true,
  USE_PROFILES: { svg: true, svgFilters: true },
  // `<use>` is left out of the profile for its external references, which the href rule refuses.
  ADD_TAGS: ['use'],
  // ARIA's role is inert, and lets an SVG badge announce itself as one image (role="img").
  ADD_ATTR: ['role'],
  // A removed element takes its content with it (the text of a `<foreignObject>` is no badge).
  KEEP_CONTENT: false,
};

let shared: { window: JsdomWindow; purify: DOMPurify } | undefined;

/**
 * One jsdom window and DOMPurify instance for the process: creating them costs far more than a
 * sanitizing, which is synchronous, so calls never interleave; the hooks hold no state.
 */
function sanitizer(): { window: JsdomWindow; purify: DOMPurify } {
  if (shared) return shared;
  // jsdom is loaded here, at the first SVG, not when the tool starts: it is the largest module
  // the tool would import, and most processes never sanitize an SVG.
  const { JSDOM: Dom } = createRequire(import.meta.url)('jsdom') as { JSDOM: typeof JSDOM };
  const { window } = new Dom('');
  const purify = createDOMPurify(window as never);
  purify.addHook('uponSanitizeElement', (node: XmlNode, event) => {
    if (event.tagName === 'style' && !isInertCss(node.textContent ?? '')) node.remove();
  });
  purify.addHook('uponSanitizeAttribute', (element: XmlElement, event) => {
    if (!isInertAttribute(element.localName.toLowerCase(), event.attrName, event.attrValue)) {
      event.keepAttr = false;
    }
  });
  shared = { window, purify };
  return shared;
}

function checkStructure(svg: string): void {
  const parser = new SaxesParser({ xmlns: true });
  let depth = 0;
  let elements = 0;
  parser.on('opentag', (tag) => {
    if (elements === 0 && (tag.local !== 'svg' || tag.uri !== SVG_NAMESPACE)) {
      throw new BadgeImageInvalidError({ reason: 'svg-root', root: tag.name });
    }
    depth += 1;
    elements += 1;
    if (elements > SVG_LIMITS.elements) throw tooComplex('elements');
    if (depth > SVG_LIMITS.depth) throw tooComplex('depth');
    if (Object.keys(tag.attributes).length > SVG_LIMITS.attributes) throw tooComplex('attributes');
  });
  parser.on('closetag', () => {
    depth -= 1;
  });
  parser.on('error', (error) => {
    throw damaged(error.message);
  });
  parser.write(svg).close();
}

function tooComplex(
  limit: Extract<BadgeImageProblem, { reason: 'svg-too-complex' }>['limit'],
): BadgeImageInvalidError {
  return new BadgeImageInvalidError({ reason: 'svg-too-complex', limit, max: SVG_LIMITS[limit] });
}

function svgRootOf(document: XmlDocument): XmlElement {
  const root = document.documentElement;
  if (!root) throw damaged('no root element');
  if (root.namespaceURI === PARSER_ERROR_NAMESPACE) {
    throw damaged((root.textContent ?? '').trim().split('\n')[0] || 'not well-formed XML');
  }
  if (root.localName !== 'svg' || root.namespaceURI !== SVG_NAMESPACE) {
    throw new BadgeImageInvalidError({ reason: 'svg-root', root: root.localName });
  }
  return root;
}

/** CDATA is text in XML; DOMPurify removes CDATA nodes, which would empty `<style>` sheets. */
function cdataToText(document: XmlDocument, root: XmlElement): void {
  const iterator = document.createNodeIterator(root, SHOW_CDATA_SECTION);
  const sections: XmlNode[] = [];
  for (let node = iterator.nextNode(); node; node = iterator.nextNode()) sections.push(node);
  for (const section of sections) {
    section.replaceWith(document.createTextNode(section.textContent ?? ''));
  }
}

function isInertAttribute(element: string, name: string, value: string): boolean {
  const compact = compactOf(value);
  if (compact.includes('javascript:') || compact.includes('vbscript:')) return false;
  if (name === 'href' || name.endsWith(':href')) {
    const target = value.trim();
    return (
      target.startsWith('#') ||
      ((element === 'image' || element === 'feimage') && EMBEDDED_RASTER.test(target))
    );
  }
  return name !== 'style' && !compact.includes('url(') ? true : isInertCss(value);
}

const EMBEDDED_RASTER = /^data:image\/(png|jpeg);base64,[A-Za-z0-9+/=\s]*$/i;

/** CSS that fetches nothing: every `url(` points into the image itself, no imports or escapes. */
function isInertCss(css: string): boolean {
  const compact = compactOf(css);
  if (
    /\\|@import|expression\(|javascript:|vbscript:|-moz-binding|behavior:|image-set\(/.test(compact)
  ) {
    return false;
  }
  return [...compact.matchAll(/url\(/g)].every((match) =>
    /^url\(['"]?#/.test(compact.slice(match.index)),
  );
}

/** Lower case without white space or control characters, which browsers skip inside schemes. */
function compactOf(text: string): string {
  return text.replace(/[\s\u0000-\u001f\u007f]+/g, '').toLowerCase();
}

function damaged(detail: string): BadgeImageInvalidError {
  return new BadgeImageInvalidError({ reason: 'damaged', type: 'svg', detail });
}

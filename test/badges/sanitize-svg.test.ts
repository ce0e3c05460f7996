import { describe, expect, it } from 'vitest';
import {
  BadgeImageInvalidError,
  type BadgeImageProblem,
} from '../../src/badges/badge-image-error.js';
import { sanitizeSvg, SVG_LIMITS } from '../../src/badges/sanitize-svg.js';

const SVG = 'xmlns="http://www.w3.org/2000/svg"';
const XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"';
const PIXEL = 'data:image/png;base64,iVBORw0KGgo=';

function problemOf(svg: string): BadgeImageProblem | null {
  try {
    sanitizeSvg(svg);
    return null;
  } catch (error) {
    if (error instanceof BadgeImageInvalidError) return error.problem;
    throw error;
  }
}

describe('sanitizeSvg: an uploaded SVG badge image made inert', () => {
  it('keeps a drawing with gradients, styles, internal references and an embedded picture', () => {
    const drawing =
      `<svg ${SVG} ${XLINK} viewBox="0 0 100 100">` +
      '<defs><linearGradient id="g"><stop offset="0" stop-color="#2a6f97"/></linearGradient>' +
      '<path id="p" d="M10 10H90"/></defs>' +
      '<style>.ring{stroke:url(#g)}</style>' +
      '<circle class="ring" cx="50" cy="50" r="40" fill="url(#g)" style="opacity:.9"/>' +
      '<use xlink:href="#p"/><use href="#p"/>' +
      `<image width="10" height="10" href="${PIXEL}"/>` +
      '<text x="50" y="55" text-anchor="middle">Data &amp; more</text></svg>';
    expect(sanitizeSvg(drawing)).toBe(drawing);
  });

  describe('removes what runs', () => {
    it('removes <script> elements, with their code', () => {
      expect(
        sanitizeSvg(
          `<svg ${SVG}><script>alert(1)</script><script><![CDATA[alert(2)]]></script><circle r="4"/></svg>`,
        ),
      ).toBe(`<svg ${SVG}><circle r="4"/></svg>`);
    });

    it('removes event handler attributes, on the root and below', () => {
      expect(
        sanitizeSvg(
          `<svg ${SVG} onload="alert(1)"><g onclick="alert(2)"><circle r="4" onmouseover="alert(3)" ONLOAD="alert(4)"/></g></svg>`,
        ),
      ).toBe(`<svg ${SVG}><g><circle r="4"/></g></svg>`);
    });

    it('removes <foreignObject> with the HTML inside it', () => {
      expect(
        sanitizeSvg(
          `<svg ${SVG}><foreignObject width="100" height="100"><div xmlns="http://www.w3.org/1999/xhtml"><iframe src="https://evil.example/"/><img src="x" onerror="alert(1)"/>Click</div></foreignObject><rect width="5" height="5"/></svg>`,
        ),
      ).toBe(`<svg ${SVG}><rect width="5" height="5"/></svg>`);
    });

    it('removes <animate> and <set>, which could write an href or a handler', () => {
      expect(
        sanitizeSvg(
          `<svg ${SVG}><a><animate attributeName="href" to="javascript:alert(1)"/><set attributeName="onclick" to="alert(2)"/><text>x</text></a></svg>`,
        ),
      ).toBe(`<svg ${SVG}><a><text>x</text></a></svg>`);
    });

    it('removes javascript: links, also when spaced, tabbed or in capitals', () => {
      expect(
        sanitizeSvg(
          `<svg ${SVG} ${XLINK}><a href="javascript:alert(1)"><text>a</text></a><a xlink:href=" JavaScript:alert(2)"><text>b</text></a><a href="jav&#x09;ascript:alert(3)"><text>c</text></a></svg>`,
        ),
      ).toBe(
        `<svg ${SVG} ${XLINK}><a><text>a</text></a><a><text>b</text></a><a><text>c</text></a></svg>`,
      );
    });
  });

  describe('removes what fetches', () => {
    it('removes href and xlink:href to anything but a fragment of the image', () => {
      expect(
        sanitizeSvg(
          `<svg ${SVG} ${XLINK}><a href="https://evil.example/"><text>a</text></a><a xlink:href="//evil.example/x"><text>b</text></a><a href="other.svg#x"><text>c</text></a><a href="#top"><text>d</text></a></svg>`,
        ),
      ).toBe(
        `<svg ${SVG} ${XLINK}><a><text>a</text></a><a><text>b</text></a><a><text>c</text></a><a href="#top"><text>d</text></a></svg>`,
      );
    });

    it('removes <use> of another file, keeping <use> of its own parts', () => {
      expect(
        sanitizeSvg(
          `<svg ${SVG} ${XLINK}><path id="p" d="M0 0"/><use xlink:href="https://evil.example/sprite.svg#icon"/><use href="sprite.svg#icon"/><use href="#p"/></svg>`,
        ),
      ).toBe(`<svg ${SVG} ${XLINK}><path id="p" d="M0 0"/><use/><use/><use href="#p"/></svg>`);
    });

    it('keeps only embedded PNG and JPEG pictures in <image>', () => {
      expect(
        sanitizeSvg(
          `<svg ${SVG} ${XLINK}><image href="https://evil.example/tracker.png"/><image xlink:href="data:image/svg+xml;base64,PHN2Zy8+"/><image href="data:text/html;base64,PHNjcmlwdD4="/><image href="data:image/jpeg;base64,/9j/"/></svg>`,
        ),
      ).toBe(
        `<svg ${SVG} ${XLINK}><image/><image/><image/><image href="data:image/jpeg;base64,/9j/"/></svg>`,
      );
    });

    it('removes CSS that imports or loads from elsewhere, in sheets, style and presentation attributes', () => {
      expect(
        sanitizeSvg(
          `<svg ${SVG}><style>@import url(https://evil.example/a.css);</style><style>.a{fill:url(http://evil.example/p.svg#g)}</style><style>.b{background:u\\72l(http://evil.example/)}</style><rect style="fill:url('https://evil.example/x')"/><rect fill="url(http://evil.example/p#g)"/><rect fill="url(#g)" style="fill:url('#g')"/></svg>`,
        ),
      ).toBe(`<svg ${SVG}><rect/><rect/><rect fill="url(#g)" style="fill:url('#g')"/></svg>`);
    });

    it('keeps a style sheet written in CDATA, as text', () => {
      expect(sanitizeSvg(`<svg ${SVG}><style><![CDATA[.a > .b{fill:red}]]></style></svg>`)).toBe(
        `<svg ${SVG}><style>.a &gt; .b{fill:red}</style></svg>`,
      );
    });
  });

  describe('XML features', () => {
    it('refuses a DOCTYPE declaring entities ("billion laughs")', () => {
      const laughs =
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>' +
        `<svg ${SVG}><text>&lol2;</text></svg>`;
      expect(problemOf(laughs)).toEqual({ reason: 'svg-entities' });
    });

    it('refuses an external entity (XXE)', () => {
      const xxe = `<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg ${SVG}><text>&xxe;</text></svg>`;
      expect(problemOf(xxe)).toEqual({ reason: 'svg-entities' });
    });

    it('drops the XML declaration, a plain DOCTYPE, processing instructions and comments', () => {
      expect(
        sanitizeSvg(
          '<?xml version="1.0" standalone="no"?>\n' +
            '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n' +
            '<?xml-stylesheet href="https://evil.example/a.css"?>\n' +
            `<svg ${SVG}><!-- made by hand --><?pi data?><rect/></svg>\n`,
        ),
      ).toBe(`<svg ${SVG}><rect/></svg>`);
    });

    it('removes elements and attributes of editors’ namespaces', () => {
      expect(
        sanitizeSvg(
          `<svg ${SVG} xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"><inkscape:grid/><g inkscape:label="Layer 1" id="layer1"><rect/></g></svg>`,
        ),
      ).toBe(`<svg ${SVG}><g id="layer1"><rect/></g></svg>`);
    });

    it('gives back what it gave when run again', () => {
      const once = sanitizeSvg(
        `<svg ${SVG} ${XLINK} onload="x()"><style>.a{fill:url(#g)}</style><script>y()</script><use xlink:href="#g"/><a href="javascript:z()"><text>&lt;b&gt;</text></a></svg>`,
      );
      expect(sanitizeSvg(once)).toBe(once);
    });
  });

  describe('refusals', () => {
    it('refuses an HTML page', () => {
      expect(
        problemOf('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>'),
      ).toEqual({ reason: 'svg-root', root: 'html' });
    });

    it('refuses an <svg> root outside the SVG namespace', () => {
      expect(problemOf('<svg><circle r="4"/></svg>')).toEqual({ reason: 'svg-root', root: 'svg' });
    });

    it('refuses XML that is not well-formed', () => {
      expect(problemOf(`<svg ${SVG}><rect>`)).toMatchObject({ reason: 'damaged', type: 'svg' });
    });

    it('refuses an entity it does not know', () => {
      expect(problemOf(`<svg ${SVG}><text>&nbsp;</text></svg>`)).toMatchObject({
        reason: 'damaged',
        type: 'svg',
      });
    });

    it('refuses nesting deeper than its limit, before building a DOM', () => {
      const depth = SVG_LIMITS.depth;
      const nested = (levels: number) =>
        `<svg ${SVG}>${'<g>'.repeat(levels - 1)}${'</g>'.repeat(levels - 1)}</svg>`;
      expect(problemOf(nested(depth))).toBeNull();
      expect(problemOf(nested(depth + 1))).toEqual({
        reason: 'svg-too-complex',
        limit: 'depth',
        max: depth,
      });
    });

    it('refuses more elements than its limit', () => {
      const many = `<svg ${SVG}>${'<g/>'.repeat(SVG_LIMITS.elements)}</svg>`;
      expect(problemOf(many)).toEqual({
        reason: 'svg-too-complex',
        limit: 'elements',
        max: SVG_LIMITS.elements,
      });
    });

    it('refuses more attributes on one element than its limit', () => {
      const attributes = Array.from(
        { length: SVG_LIMITS.attributes + 1 },
        (_, i) => `data-a${i}=""`,
      );
      expect(problemOf(`<svg ${SVG}><g ${attributes.join(' ')}/></svg>`)).toEqual({
        reason: 'svg-too-complex',
        limit: 'attributes',
        max: SVG_LIMITS.attributes,
      });
    });
  });
});

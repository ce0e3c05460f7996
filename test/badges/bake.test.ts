import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { badgePng, badgeSvg } from '../../src/badges/badge-image.js';
import {
  bakePng,
  bakeSvg,
  readPngChunks,
  unbakePng,
  unbakeSvg,
  writePngChunks,
} from '../../src/badges/bake.js';

const ACHIEVEMENT = {
  id: 'https://badges.example/achievements/a/versions/1',
  name: 'Data <Literacy> & more',
  image: null,
};
const JSON_CREDENTIAL = JSON.stringify({ id: 'urn:uuid:1', name: 'Ünïcode ]]> test' });
const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJqdGkiOiJ1cm46dXVpZDoxIn0.c2lnbmF0dXJl';

describe('baking credentials into badge images', () => {
  it('writes one uncompressed iTXt openbadgecredential chunk before IEND, readable back', () => {
    const baked = bakePng(badgePng(ACHIEVEMENT), JSON_CREDENTIAL);
    const chunks = readPngChunks(baked);
    const credentialChunks = chunks.filter(
      (chunk) =>
        chunk.type === 'iTXt' && chunk.data.toString('latin1').startsWith('openbadgecredential\0'),
    );
    expect(credentialChunks).toHaveLength(1);
    expect(credentialChunks[0]?.data[20]).toBe(0);
    expect(chunks.at(-1)?.type).toBe('IEND');
    expect(unbakePng(baked)).toBe(JSON_CREDENTIAL);
  });

  it('replaces an earlier credential when baking again', () => {
    const twice = bakePng(bakePng(badgePng(ACHIEVEMENT), JSON_CREDENTIAL), JWT);
    expect(readPngChunks(twice).filter((chunk) => chunk.type === 'iTXt')).toHaveLength(1);
    expect(unbakePng(twice)).toBe(JWT);
  });

  it('refuses a PNG whose chunk CRC is wrong', () => {
    const png = badgePng(ACHIEVEMENT);
    png[png.length - 1] = (png[png.length - 1] ?? 0) ^ 0xff;
    expect(() => readPngChunks(png)).toThrow(/Bad CRC/);
  });

  it('puts JSON in CDATA and a JWT in verify, in the OB 3.0 namespace', () => {
    const svg = badgeSvg(ACHIEVEMENT);
    expect(svg).toContain('Data &#60;Literacy&#62; &#38;');
    const withJson = bakeSvg(svg, JSON_CREDENTIAL);
    expect(withJson).toContain('xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"');
    expect(unbakeSvg(withJson)).toBe(JSON_CREDENTIAL);
    const withJwt = bakeSvg(withJson, JWT);
    expect(withJwt).toContain(`<openbadges:credential verify="${JWT}">`);
    expect(withJwt.match(/<openbadges:credential/g)).toHaveLength(1);
    expect(unbakeSvg(withJwt)).toBe(JWT);
  });

  it('keeps a credential inside its element whatever its text holds', () => {
    const hostile = {
      id: 'urn:uuid:2',
      name: 'Ends early? </openbadges:credential><script>alert(1)</script> ]]> <![CDATA[',
    };
    const svg = badgeSvg(ACHIEVEMENT);
    const baked = bakeSvg(svg, JSON.stringify(hostile));
    const [root, ...drawing] = elementsIn(svg);
    expect(elementsIn(baked)).toEqual([root, 'openbadges:credential', ...drawing]);
    expect(JSON.parse(unbakeSvg(baked) ?? '')).toEqual(hostile);
  });

  describe('reading a credential back takes one pass over the image', () => {
    const OPENING = '<openbadges:credential>';

    it('stops an SVG of a megabyte of credential openings at the first one, which has no end', () => {
      const hostile = `<svg xmlns="http://www.w3.org/2000/svg">${OPENING.repeat(45_000)}</svg>`;
      expect(() => unbakeSvg(hostile)).toThrow(/has no end tag/);
    });

    it('refuses an SVG with a second credential after the first', () => {
      const once = bakeSvg(badgeSvg(ACHIEVEMENT), JSON_CREDENTIAL);
      const twice = once.replace('</svg>', `<openbadges:credential verify="${JWT}"/></svg>`);
      expect(() => unbakeSvg(twice)).toThrow(/More than one openbadges:credential/);
    });

    it('does not take a longer element name for the credential element', () => {
      const svg = `<svg><openbadges:credentials>x</openbadges:credentials>${bakeSvg('<svg></svg>', JWT).slice(5)}`;
      expect(unbakeSvg(svg)).toBe(JWT);
    });

    it('reads the credential among thousands of other iTXt chunks', () => {
      const chunks = readPngChunks(bakePng(badgePng(ACHIEVEMENT), JWT));
      const other = { type: 'iTXt', data: Buffer.from('Comment\0\0\0\0\0text', 'latin1') };
      const many = writePngChunks([
        ...chunks.slice(0, 1),
        ...Array.from({ length: 5_000 }, () => other),
        ...chunks.slice(1),
      ]);
      expect(unbakePng(many)).toBe(JWT);
    });

    it('refuses a PNG with a second credential chunk', () => {
      const chunks = readPngChunks(bakePng(badgePng(ACHIEVEMENT), JWT));
      const credential = chunks.find((chunk) => chunk.type === 'iTXt');
      if (!credential) throw new Error('the baked PNG has no iTXt chunk');
      const twice = writePngChunks([
        ...chunks.slice(0, -1),
        credential,
        chunks.at(-1) ?? credential,
      ]);
      expect(() => unbakePng(twice)).toThrow(/More than one openbadgecredential chunk/);
    });
  });
});

describe('badge images from stored achievement images', () => {
  const svgUri = (svg: string) =>
    `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;

  it('sanitizes a stored SVG again, for images stored before the checks', () => {
    const stored = svgUri(
      '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject><circle r="4"/></svg>',
    );
    expect(badgeSvg({ ...ACHIEVEMENT, image: stored })).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>',
    );
  });

  it('gives the generated badge for a stored image that is no longer accepted', () => {
    const stored = svgUri('<html><script>alert(1)</script></html>');
    expect(badgeSvg({ ...ACHIEVEMENT, image: stored })).toBe(badgeSvg(ACHIEVEMENT));
    expect(badgePng({ ...ACHIEVEMENT, image: stored })).toEqual(badgePng(ACHIEVEMENT));
  });
});

/** The qualified names of the elements of an XML document, in document order. */
function elementsIn(xml: string): string[] {
  const names: string[] = [];
  const parser = new SaxesParser({ xmlns: true });
  parser.on('opentag', (tag) => names.push(tag.name));
  parser.write(xml).close();
  return names;
}

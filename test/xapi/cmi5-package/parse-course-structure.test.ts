import { describe, expect, it } from 'vitest';
import { ausOf, blocksOf } from '../../../src/xapi/cmi5-package/course-structure.js';
import { parseCourseStructure } from '../../../src/xapi/cmi5-package/parse-course-structure.js';
import { checkAuUrls } from '../../../src/xapi/cmi5-package/resolve-au-urls.js';
import { CMI5_NS, courseXml } from '../../support/cmi5-packages.js';

const BASE = 'https://example.org/cmi5';
const au = (name: string, extra: Partial<Parameters<typeof courseXml>[0]['children'][0]> = {}) => ({
  id: `${BASE}/au/${name}`,
  url: `https://content.example.org/${name}/index.html`,
  ...extra,
});

function problemsOf(xml: string) {
  const parsed = parseCourseStructure(xml);
  return parsed.ok ? [] : parsed.problems;
}

describe('parseCourseStructure (cmi5 section 13, CourseStructure.xsd)', () => {
  it('reads a course with objectives, nested blocks and AUs with their attributes, in document order', () => {
    const xml = courseXml({
      courseId: `${BASE}/course`,
      objectives:
        `<objectives><objective id="${BASE}/objective/1"><title><langstring lang="en">O1</langstring></title>` +
        `<description><langstring lang="en">First</langstring></description></objective></objectives>`,
      children: [
        au('intro', {
          attributes: 'moveOn="CompletedAndPassed" masteryScore="0.75" launchMethod="OwnWindow"',
          beforeUrl: `<objectives><objective idref="${BASE}/objective/1"/></objectives>`,
          afterUrl:
            '<launchParameters>{"level":2}</launchParameters><entitlementKey>k-1</entitlementKey>',
        }),
        {
          id: `${BASE}/block/1`,
          children: [
            au('a'),
            { id: `${BASE}/block/1.1`, children: [au('b', { attributes: 'moveOn="Passed"' })] },
          ],
        },
      ],
    });
    const parsed = parseCourseStructure(xml);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const [intro, a, b] = ausOf(parsed.course);
    expect(ausOf(parsed.course).map((x) => x.id)).toEqual([
      `${BASE}/au/intro`,
      `${BASE}/au/a`,
      `${BASE}/au/b`,
    ]);
    expect(blocksOf(parsed.course).map((x) => x.id)).toEqual([
      `${BASE}/block/1`,
      `${BASE}/block/1.1`,
    ]);
    expect(intro).toMatchObject({
      moveOn: 'CompletedAndPassed',
      masteryScore: 0.75,
      launchMethod: 'OwnWindow',
      objectives: [`${BASE}/objective/1`],
      launchParameters: '{"level":2}',
      entitlementKey: 'k-1',
      title: [
        { lang: 'en-US', value: 'AU' },
        { lang: 'de', value: 'AU (de)' },
      ],
    });
    expect(a).toMatchObject({
      moveOn: 'NotApplicable',
      masteryScore: null,
      launchMethod: 'AnyWindow',
    });
    expect(b?.moveOn).toBe('Passed');
    expect(parsed.course.objectives.map((objective) => objective.id)).toEqual([
      `${BASE}/objective/1`,
    ]);
  });

  it('reads launchParameters and entitlementKey without the indentation around them (CATAPULT 001)', () => {
    const xml = courseXml({
      courseId: `${BASE}/course`,
      children: [
        au('x', {
          afterUrl:
            '<launchParameters>\n    sample string\n  </launchParameters>' +
            '<entitlementKey>\n    sample value\n  </entitlementKey>',
        }),
      ],
    });
    const parsed = parseCourseStructure(xml);
    expect(parsed.ok && ausOf(parsed.course)[0]).toMatchObject({
      launchParameters: 'sample string',
      entitlementKey: 'sample value',
    });
  });

  it('skips extension elements and attributes of other namespaces (xs:any ##other)', () => {
    const xml = courseXml({
      courseId: `${BASE}/course`,
      children: [
        au('x', {
          attributes: 'xmlns:ext="https://ext.example/" ext:colour="red"',
          afterUrl: '<ext:note xmlns:ext="https://ext.example/">hi</ext:note>',
        }),
      ],
    });
    expect(parseCourseStructure(xml).ok).toBe(true);
  });

  it('accepts 1,001 AUs (CATAPULT 101-one-thousand-aus)', () => {
    const children = Array.from({ length: 1001 }, (_, index) => au(String(index)));
    const parsed = parseCourseStructure(courseXml({ courseId: `${BASE}/course`, children }));
    expect(parsed.ok && ausOf(parsed.course).length).toBe(1001);
  });

  describe('refuses, naming the reason and where', () => {
    const cases: [string, string, { reason: string; at?: string }][] = [
      [
        'a course id without a scheme (cmi5 3.0.0.0-1)',
        courseXml({ courseId: 'example.org/course', children: [au('x')] }),
        { reason: 'iriInvalid', at: 'example.org/course' },
      ],
      [
        'a block id without a scheme',
        courseXml({ courseId: `${BASE}/c`, children: [{ id: 'block-1', children: [au('x')] }] }),
        { reason: 'iriInvalid', at: 'block-1' },
      ],
      [
        'an AU id without a scheme',
        courseXml({ courseId: `${BASE}/c`, children: [{ id: 'au 1', url: 'https://e.org/' }] }),
        { reason: 'iriInvalid' },
      ],
      [
        'an objective id without a scheme',
        courseXml({
          courseId: `${BASE}/c`,
          objectives:
            '<objectives><objective id="o1"><title><langstring>t</langstring></title><description><langstring>d</langstring></description></objective></objectives>',
          children: [au('x')],
        }),
        { reason: 'iriInvalid', at: 'o1' },
      ],
      [
        'a duplicated block id (13.1.2.0-1)',
        courseXml({
          courseId: `${BASE}/c`,
          children: [
            { id: `${BASE}/b`, children: [au('x')] },
            { id: `${BASE}/b`, children: [au('y')] },
          ],
        }),
        { reason: 'idDuplicated', at: `${BASE}/b` },
      ],
      [
        'a duplicated AU id (13.1.4.0-1)',
        courseXml({ courseId: `${BASE}/c`, children: [au('x'), au('x')] }),
        { reason: 'idDuplicated', at: `${BASE}/au/x` },
      ],
      [
        'an AU with the id of the course',
        courseXml({ courseId: `${BASE}/au/x`, children: [au('x')] }),
        { reason: 'idDuplicated' },
      ],
      [
        'an objective reference to no objective',
        courseXml({
          courseId: `${BASE}/c`,
          children: [
            au('x', { beforeUrl: `<objectives><objective idref="${BASE}/nothing"/></objectives>` }),
          ],
        }),
        { reason: 'objectiveUnknown', at: `${BASE}/nothing` },
      ],
      [
        'url before title (13.2.0.0-1, element order)',
        `<courseStructure xmlns="${CMI5_NS}"><course id="${BASE}/c"><title><langstring>t</langstring></title><description><langstring>d</langstring></description></course><au id="${BASE}/au"><url>https://e.org/</url><title><langstring>t</langstring></title><description><langstring>d</langstring></description></au></courseStructure>`,
        { reason: 'structureInvalid' },
      ],
      [
        'a course without AUs',
        `<courseStructure xmlns="${CMI5_NS}"><course id="${BASE}/c"><title><langstring>t</langstring></title><description><langstring>d</langstring></description></course></courseStructure>`,
        { reason: 'structureInvalid' },
      ],
      [
        'an unknown attribute',
        courseXml({
          courseId: `${BASE}/c`,
          children: [au('x', { attributes: 'moveon="Passed"' })],
        }),
        { reason: 'structureInvalid' },
      ],
      [
        'an unknown moveOn',
        courseXml({
          courseId: `${BASE}/c`,
          children: [au('x', { attributes: 'moveOn="Finished"' })],
        }),
        { reason: 'moveOnInvalid' },
      ],
      [
        'a masteryScore above 1',
        courseXml({
          courseId: `${BASE}/c`,
          children: [au('x', { attributes: 'masteryScore="1.5"' })],
        }),
        { reason: 'masteryScoreInvalid' },
      ],
      [
        'a masteryScore that is no decimal',
        courseXml({
          courseId: `${BASE}/c`,
          children: [au('x', { attributes: 'masteryScore="80%"' })],
        }),
        { reason: 'masteryScoreInvalid' },
      ],
      [
        'an unknown launchMethod',
        courseXml({
          courseId: `${BASE}/c`,
          children: [au('x', { attributes: 'launchMethod="NewTab"' })],
        }),
        { reason: 'launchMethodInvalid' },
      ],
      [
        'an AU url with a space in the host (13.1.4.0-2)',
        courseXml({
          courseId: `${BASE}/c`,
          children: [{ id: `${BASE}/au`, url: 'http://example.com index.html' }],
        }),
        { reason: 'urlInvalid' },
      ],
      [
        'another root element',
        `<manifest xmlns="${CMI5_NS}"/>`,
        { reason: 'notCourseStructure', at: 'manifest' },
      ],
      [
        'courseStructure outside the cmi5 namespace',
        '<courseStructure/>',
        { reason: 'notCourseStructure' },
      ],
      [
        'XML that is not well-formed',
        `<courseStructure xmlns="${CMI5_NS}"><course>`,
        { reason: 'xmlMalformed' },
      ],
      [
        'a DOCTYPE (no entity is ever expanded)',
        `<!DOCTYPE x [<!ENTITY a "aaaa">]><courseStructure xmlns="${CMI5_NS}"/>`,
        { reason: 'xmlMalformed' },
      ],
    ];
    it.each(cases)('%s', (_name, xml, expected) => {
      expect(problemsOf(xml)).toContainEqual(expect.objectContaining(expected));
    });
  });
});

describe('checkAuUrls (cmi5 8.1, 14.1, 14.2)', () => {
  const parse = (url: string) => {
    const parsed = parseCourseStructure(
      courseXml({ courseId: `${BASE}/c`, children: [{ id: `${BASE}/au`, url }] }),
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    return parsed.course;
  };

  it('accepts absolute AU urls with or without a zip, and relative ones naming a file of the zip', () => {
    expect(checkAuUrls(parse('https://content.example.org/a.html?x=1'), null)).toEqual([]);
    expect(
      checkAuUrls(parse('path/1/index.html?abc=def#top'), new Set(['path/1/index.html'])),
    ).toEqual([]);
    expect(checkAuUrls(parse('./path/a%20b.html'), new Set(['path/a b.html']))).toEqual([]);
  });

  it.each([
    ['index.html', 'relative with no zip (14.2.0.0-1)'],
    ['path/1/index.html?abc=def', 'relative with a query and no zip'],
    ['/index.html', 'root-relative with no zip'],
  ])('refuses %s: %s', (url) => {
    expect(checkAuUrls(parse(url), null)).toEqual([{ reason: 'urlRelativeWithoutZip', at: url }]);
  });

  it('refuses a relative url naming no file of the zip (14.1.0.0-4)', () => {
    expect(checkAuUrls(parse('not-found.html'), new Set(['index.html']))).toEqual([
      { reason: 'urlFileMissing', at: 'not-found.html' },
    ]);
  });

  it.each(['endpoint', 'fetch', 'actor', 'registration', 'activityId'])(
    'refuses an AU url that already carries the launch parameter %s (8.1.0.0-6)',
    (name) => {
      expect(checkAuUrls(parse(`https://content.example.org/a.html?${name}=x`), null)).toEqual([
        { reason: 'urlLaunchParameterConflict', at: `${BASE}/au: ${name}` },
      ]);
    },
  );

  it('refuses an AU url of a scheme other than http(s)', () => {
    expect(checkAuUrls(parse('javascript:alert(1)'), null)).toContainEqual({
      reason: 'urlInvalid',
      at: 'javascript:alert(1)',
    });
  });
});

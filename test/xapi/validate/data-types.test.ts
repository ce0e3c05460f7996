import { describe, expect, it } from 'vitest';
import { durationForComparison, isDuration } from '../../../src/xapi/validate/duration.js';
import { isIri, isIrl } from '../../../src/xapi/validate/iri.js';
import { isLanguageTag } from '../../../src/xapi/validate/language-map.js';
import { parseTimestamp } from '../../../src/xapi/validate/timestamp.js';
import { isSupportedVersion } from '../../../src/xapi/validate/version.js';

describe('parseTimestamp (xAPI Data 4.5)', () => {
  it.each([
    ['2024-05-01T10:20:30Z', Date.UTC(2024, 4, 1, 10, 20, 30)],
    ['2024-05-01T12:20:30+02:00', Date.UTC(2024, 4, 1, 10, 20, 30)],
    ['2024-05-01T05:20:30-05', Date.UTC(2024, 4, 1, 10, 20, 30)],
    ['2024-05-01T10:20:30.1234567Z', Date.UTC(2024, 4, 1, 10, 20, 30, 123)],
    ['2024-05-01T10:20:30,5Z', Date.UTC(2024, 4, 1, 10, 20, 30, 500)],
    ['20240501T122030+0200', Date.UTC(2024, 4, 1, 10, 20, 30)],
    ['2024-05-01T10:20Z', Date.UTC(2024, 4, 1, 10, 20)],
    ['0099-01-01T00:00:00Z', new Date('0099-01-01T00:00:00Z').getTime()],
  ])('reads %s as the instant it names', (text, expected) => {
    expect(parseTimestamp(text)).toBe(expected);
  });

  it.each([
    '2024-05-01T10:20:30',
    '2024-05-01',
    '2024-05-01T10:20:30-00:00',
    '2024-05-01T10:20:30+0200',
    '20240501T102030+02:00',
    '2024-13-01T10:20:30Z',
    '2024-04-31T10:20:30Z',
    '2024-05-01T10:60:30Z',
    '2024-05-01T10:20:61Z',
    '2024-05-01T10:20:30+24:00',
    '2024-05-01t10:20:30z',
    ' 2024-05-01T10:20:30Z',
  ])('refuses %s', (text) => {
    expect(parseTimestamp(text)).toBeNull();
  });
});

describe('isDuration (xAPI Data 4.6, ISO 8601:2004 4.4.3.2)', () => {
  it.each([
    'PT4H35M59.14S',
    'PT16559.14S',
    'P3Y1M29DT4H35M59.14S',
    'P3Y',
    'P4W',
    'PT0S',
    'P1M',
    'PT1M',
    'P0.5D',
  ])('accepts %s', (text) => expect(isDuration(text)).toBe(true));

  it.each([
    'P',
    'PT',
    'P4W1D',
    'P1Y2M3DT',
    'PT1.5H2M',
    'P-1D',
    'p1d',
    'P1D ',
    'PT1H1H',
    '1D',
    'P0003-06-04T12:30:05',
  ])('refuses %s', (text) => expect(isDuration(text)).toBe(false));

  it('cuts seconds to 0.01 s for comparisons', () => {
    expect(durationForComparison('PT1.2345S')).toBe('PT1.23S');
    expect(durationForComparison('PT1.2S')).toBe('PT1.2S');
    expect(durationForComparison('PT1.001S')).toBe('PT1S');
    expect(durationForComparison('P1D')).toBe('P1D');
  });
});

describe('isIri and isIrl (xAPI Data 4.3, best effort)', () => {
  it.each([
    'http://adlnet.gov/expapi/verbs/passed',
    'urn:uuid:fd41c918-b88b-4b20-a0a5-a4c32391aaa0',
    'https://example.org/path?q=1#frag',
    'http://example.com/فعل/خواندن',
    'tag:example.org,2024:quiz',
    'https://example.org/a%20b',
  ])('accepts the IRI %s', (text) => expect(isIri(text)).toBe(true));

  it.each([
    'passed',
    '/relative/path',
    '#fragment',
    'http:',
    'http://example.org/a b',
    'http://example.org/<x>',
    'http://example.org/%2',
    '',
    '1http://x',
  ])('refuses %j as an IRI', (text) => expect(isIri(text)).toBe(false));

  it('accepts IRLs that parse as URLs and refuses IRIs that do not', () => {
    expect(isIrl('https://lms.example.org/')).toBe(true);
    expect(isIrl('http://[::1')).toBe(false);
  });
});

describe('isLanguageTag (RFC 5646, as xAPI Data 4.2 requires)', () => {
  it.each([
    'en',
    'en-US',
    'es-419',
    'zh-Hant-TW',
    'de-CH-1996',
    'sl-rozaj-biske',
    'tlh',
    'und',
    'x-private',
    'en-a-bbb-x-a',
    'i-klingon',
    'zh-min-nan',
    'EN-us',
  ])('accepts %s', (tag) => expect(isLanguageTag(tag)).toBe(true));

  it.each(['', 'e', 'en_US', 'en-', 'english language', 'en-US-', '123', 'en-x', 'a-DE'])(
    'refuses %j',
    (tag) => expect(isLanguageTag(tag)).toBe(false),
  );
});

describe('isSupportedVersion (xAPI Communication 3.3)', () => {
  it.each(['1.0', '1.0.0', '1.0.3', '2.0', '2.0.0', '2.0.1'])('accepts %s', (version) =>
    expect(isSupportedVersion(version)).toBe(true),
  );
  it.each(['0.95', '0.9', '1.1.0', '1', '2.1.0', '3.0.0', '1.0.0-beta', 'v1.0.3', ''])(
    'refuses %j',
    (version) => expect(isSupportedVersion(version)).toBe(false),
  );
});

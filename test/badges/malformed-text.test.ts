import { describe, expect, it } from 'vitest';
import { findMalformedText } from '../../src/badges/malformed-text.js';

describe('findMalformedText', () => {
  it('accepts any well-formed text: controls, quotes, NFD, right-to-left marks, emoji', () => {
    const texts = [
      '',
      '\t\n\r"\\<>',
      'Universite\u0301',
      '\u200f\u05e2\u05d1\u202e',
      '\u{1f393}\u{1d518}',
    ];
    expect(findMalformedText({ texts, nested: { [texts[4]!]: texts } })).toBeNull();
  });

  it('names the path of a lone high or low surrogate', () => {
    expect(
      findMalformedText({ eu: { learningOutcomes: [{ text: 'ok' }, { text: 'a\ud800b' }] } }),
    ).toEqual({
      path: ['eu', 'learningOutcomes', 1, 'text'],
      problem: expect.stringContaining('lone surrogate, U+D800'),
    });
    expect(findMalformedText({ name: '\udc00\ud83c' })?.problem).toContain('U+DC00');
    expect(findMalformedText({ name: 'end\ud83c' })?.problem).toContain('U+D83C');
  });

  it('names the path of a NUL character, and of a malformed key', () => {
    expect(findMalformedText({ address: { streetAddress: 'a\u0000' } })).toEqual({
      path: ['address', 'streetAddress'],
      problem: expect.stringContaining('NUL'),
    });
    expect(findMalformedText({ translations: { 'de\ud800': {} } })?.path).toEqual([
      'translations',
      'de\ud800',
    ]);
  });
});

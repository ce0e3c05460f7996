import { describe, expect, it } from 'vitest';
import { nextLink } from '../../../src/lti/nrps/next-link.js';

const PAGE = 'https://lms.example/contexts/7/memberships?page=1';

describe('nextLink (RFC 8288 Link header, NRPS 2.0 section 2.4.2 paging)', () => {
  it('finds the next link among others', () => {
    const header =
      '<https://lms.example/contexts/7/memberships?page=1>; rel="first", ' +
      '<https://lms.example/contexts/7/memberships?page=2>; rel="next", ' +
      '<https://lms.example/contexts/7/memberships?page=9>; rel="last"';
    expect(nextLink(header, PAGE)).toBe('https://lms.example/contexts/7/memberships?page=2');
  });

  it('reads an unquoted rel, a rel with several types and other parameters', () => {
    expect(nextLink('<https://lms.example/p2>; rel=next', PAGE)).toBe('https://lms.example/p2');
    expect(nextLink('<https://lms.example/p2>; title="a, b"; rel="prev NEXT"', PAGE)).toBe(
      'https://lms.example/p2',
    );
  });

  it('keeps commas and semicolons inside the URI', () => {
    expect(nextLink('<https://lms.example/m?sort=a,b;c>; rel="next"', PAGE)).toBe(
      'https://lms.example/m?sort=a,b;c',
    );
  });

  it('resolves a relative link against the page that carried it', () => {
    expect(nextLink('<?page=2>; rel="next"', PAGE)).toBe(
      'https://lms.example/contexts/7/memberships?page=2',
    );
    expect(nextLink('</other/memberships?p=2>; rel="next"', PAGE)).toBe(
      'https://lms.example/other/memberships?p=2',
    );
  });

  it('answers null without a next link', () => {
    expect(nextLink(null, PAGE)).toBeNull();
    expect(nextLink('', PAGE)).toBeNull();
    expect(nextLink('<https://lms.example/diff>; rel="differences"', PAGE)).toBeNull();
    expect(nextLink('<https://lms.example/p2>; rel="nextpage"', PAGE)).toBeNull();
  });
});

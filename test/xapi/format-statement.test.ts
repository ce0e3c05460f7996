import { describe, expect, it } from 'vitest';
import { formatStatement, parseAcceptLanguage } from '../../src/xapi/format-statement.js';
import type { LrsStatement } from '../../src/xapi/statement.js';

const stored = {
  id: '0c6d1a43-5b8e-4d0b-9a43-3cb1e2e0a0f1',
  actor: { objectType: 'Agent', name: 'Ann', mbox: 'mailto:ann@example.org' },
  verb: {
    id: 'http://adlnet.gov/expapi/verbs/passed',
    display: { 'en-US': 'passed', de: 'bestanden' },
  },
  object: {
    objectType: 'Activity',
    id: 'https://content.example.org/quiz',
    definition: { name: { 'en-US': 'Quiz', de: 'Test' } },
  },
  timestamp: '2024-06-01T08:00:00.000Z',
  stored: '2024-06-01T08:00:00.000Z',
  authority: { objectType: 'Agent', account: { homePage: 'https://tool.example.org', name: 'k' } },
  version: '2.0.0',
} as unknown as LrsStatement;

describe('formatStatement (xAPI Communication 2.1.3, format)', () => {
  it('keeps the statement as stored with exact', () => {
    expect(formatStatement(stored, 'exact')).toBe(stored);
  });

  it('reduces agents to their identifier and activities and verbs to their ids with ids', () => {
    const formatted = formatStatement(stored, 'ids') as unknown as Record<string, unknown>;
    expect(formatted.actor).toEqual({ objectType: 'Agent', mbox: 'mailto:ann@example.org' });
    expect(formatted.verb).toEqual({ id: 'http://adlnet.gov/expapi/verbs/passed' });
    expect(formatted.object).toEqual({ id: 'https://content.example.org/quiz' });
  });

  it('keeps one language per language map with canonical, the reader’s preferred one', () => {
    const formatted = formatStatement(stored, 'canonical', ['de']) as unknown as {
      verb: { display: unknown };
      object: { definition: { name: unknown } };
    };
    expect(formatted.verb.display).toEqual({ de: 'bestanden' });
    expect(formatted.object.definition.name).toEqual({ de: 'Test' });
  });

  it('orders Accept-Language tags by quality', () => {
    expect(parseAcceptLanguage('en;q=0.5, de, fr;q=0')).toEqual(['de', 'en']);
  });
});

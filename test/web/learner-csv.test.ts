import { describe, expect, it } from 'vitest';
import { readLearnerCsv } from '../../src/web/learner-csv.js';

describe('readLearnerCsv: a spreadsheet’s list of learners', () => {
  it('reads the column the header names, with line numbers counting the header as line 1', () => {
    expect(
      readLearnerCsv('\uFEFFname;E-mail\r\nAda;ada@example.org\n\n"Noyce, Bob";bob@example.org\n'),
    ).toEqual({
      key: 'email',
      lines: [
        { line: 2, value: 'ada@example.org' },
        { line: 4, value: 'bob@example.org' },
      ],
    });
  });

  it.each([
    ['username\nbob\n', 'username'],
    ['User ID\n42\n', 'userId'],
  ])('knows the column of %j', (csv, key) => {
    expect(readLearnerCsv(csv)).toMatchObject({ key });
  });

  it.each([
    ['', 'empty'],
    ['email\n\n', 'empty'],
    ['ada@example.org\n', 'noColumn'],
    ['email\n"ada@example.org\n', 'unreadable'],
    [`email\n${'a@example.org\n'.repeat(1001)}`, 'tooMany'],
  ])('names the problem of %j', (csv, problem) => {
    expect(readLearnerCsv(csv)).toEqual({ problem });
  });
});

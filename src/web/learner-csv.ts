import { CsvError, parse } from 'csv-parse/sync';
import type { LearnerKey } from '../awards/course-learners.js';

/** At most this many learners per file: one page of rows a teacher can still check by eye. */
export const MAX_CSV_ROWS = 1000;

/** The header names a column of learners may have, by what they name (case and spaces aside). */
const HEADERS: Record<string, LearnerKey> = {
  user_id: 'userId',
  userid: 'userId',
  email: 'email',
  e_mail: 'email',
  username: 'username',
};

/** One learner line of the file: its line number (the header is line 1) and what it names. */
export interface LearnerLine {
  readonly line: number;
  readonly value: string;
}

export type LearnerCsv =
  | { readonly key: LearnerKey; readonly lines: readonly LearnerLine[] }
  | { readonly problem: 'empty' | 'noColumn' | 'unreadable' | 'tooMany' };

/**
 * Reads a spreadsheet's CSV list of learners (RFC 4180, with csv-parse; a UTF-8 byte order
 * mark, commas or semicolons): the first line names the column that identifies each learner,
 * `email`, `username` or `user_id` (the LMS user id); other columns are ignored, and so are
 * empty lines and rows with an empty cell in that column.
 */
export function readLearnerCsv(text: string): LearnerCsv {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      delimiter: [',', ';'],
      record_delimiter: ['\r\n', '\n', '\r'],
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    if (error instanceof CsvError) return { problem: 'unreadable' };
    throw error;
  }
  const [header, ...rows] = records;
  if (!header) return { problem: 'empty' };
  const column = header.record.findIndex(
    (name) => HEADERS[name.toLowerCase().replace(/[\s-]+/g, '_')] !== undefined,
  );
  if (column === -1) return { problem: 'noColumn' };
  const key = HEADERS[header.record[column]!.toLowerCase().replace(/[\s-]+/g, '_')]!;
  const lines = rows.flatMap(({ record, info }) => {
    const value = record[column] ?? '';
    return value === '' ? [] : [{ line: info.lines, value }];
  });
  if (lines.length === 0) return { problem: 'empty' };
  if (lines.length > MAX_CSV_ROWS) return { problem: 'tooMany' };
  return { key, lines };
}

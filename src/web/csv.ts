/**
 * CSV for spreadsheets (RFC 4180): CRLF line ends, fields with a comma, quote or line break in
 * double quotes with inner quotes doubled, and a UTF-8 byte order mark so that Excel reads the
 * accents right. A cell starting with `=`, `+`, `-` or `@` (or a tab or carriage return, which
 * some spreadsheets skip before those) gets an apostrophe in front, so a learner named
 * `=HYPERLINK(...)` is shown as text and never run as a formula (OWASP "CSV injection").
 */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return `\uFEFF${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

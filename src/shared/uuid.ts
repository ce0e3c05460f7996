const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in the standard string form (RFC 9562, xAPI Data 4.4), in any case. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

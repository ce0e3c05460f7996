import { XapiStatementInvalidError } from '../../errors.js';

/**
 * The shape checks every validator here shares. Each names the failing field by its path
 * (`statement[2].result.score.scaled`) because xAPI Communication 3.2 asks the LRS to explain
 * the cause of a rejection, and a client fixing one statement out of a batch needs the index.
 */

export type JsonObject = Record<string, unknown>;

/** Throws the rejection for the field at `path`. */
export function invalid(path: string, problem: string): never {
  throw new XapiStatementInvalidError(`${path} ${problem}`);
}

/** "a string", "null", "an array"...: what a client sent, for messages. */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return typeof value;
}

/**
 * An object whose keys are all in `allowedKeys`. xAPI Data 2.2: the LRS rejects statements with
 * null values, wrong types, keys in the wrong case or keys the specification does not allow.
 */
export function expectObject(
  value: unknown,
  path: string,
  allowedKeys?: readonly string[],
): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    invalid(path, `must be an object, not ${describeJsonType(value)}`);
  }
  const object = value as JsonObject;
  if (allowedKeys) {
    for (const key of Object.keys(object)) {
      if (!allowedKeys.includes(key)) {
        invalid(`${path}.${key}`, 'is not a property xAPI allows here');
      }
    }
  }
  return object;
}

export function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string') invalid(path, `must be a string, not ${describeJsonType(value)}`);
  return value;
}

export function expectNonEmptyString(value: unknown, path: string): string {
  const text = expectString(value, path);
  if (text === '') invalid(path, 'must not be empty');
  return text;
}

export function expectBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') {
    invalid(path, `must be true or false, not ${describeJsonType(value)}`);
  }
  return value;
}

export function expectNumber(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    invalid(path, `must be a number, not ${describeJsonType(value)}`);
  }
  return value;
}

export function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) invalid(path, `must be an array, not ${describeJsonType(value)}`);
  return value;
}

/** Whether `object` has the property, ignoring inherited ones; `undefined` counts as absent. */
export function has(object: JsonObject, key: string): boolean {
  return Object.hasOwn(object, key) && object[key] !== undefined;
}

/** Reads an optional property with `read`, or returns undefined when it is absent. */
export function optional<T>(
  object: JsonObject,
  key: string,
  path: string,
  read: (value: unknown, path: string) => T,
): T | undefined {
  return has(object, key) ? read(object[key], `${path}.${key}`) : undefined;
}

/** Reads a property the specification requires. */
export function required<T>(
  object: JsonObject,
  key: string,
  path: string,
  read: (value: unknown, path: string) => T,
): T {
  if (!has(object, key)) invalid(`${path}.${key}`, 'is required');
  return read(object[key], `${path}.${key}`);
}

/** Drops the properties whose value is undefined, so the normalised JSON has only what was sent. */
export function withoutUndefined<T extends object>(object: T): T {
  const defined: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    const value = (object as Record<string, unknown>)[key];
    if (value !== undefined) defined[key] = value;
  }
  return defined as T;
}

import { readFileSync } from 'node:fs';

/** The text of a fixture: a message or link LCW's own libraries made (fixtures/README.md). */
export function lcwFixtureText(name: string): string {
  return readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8').trim();
}

/** A JSON fixture (fixtures/README.md). */
export function lcwFixture(name: string): Record<string, unknown> {
  return JSON.parse(lcwFixtureText(name)) as Record<string, unknown>;
}

/**
 * The shape of a message: its keys, those of every nested object, and the type of each leaf.
 * Two messages with the same shape differ only in their values.
 */
export function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (typeof value !== 'object' || value === null) return typeof value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, item]) => [key, shapeOf(item)]),
  );
}

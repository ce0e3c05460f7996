/**
 * The rule with the achievements its `earned` conditions stack renamed through `newIds`, for a
 * rule moved to another course (a copied stack, an imported course set-up). `earned` is the only
 * operator that names achievements (operators/earned.ts), and no operator has a field of that
 * name, so the key finds exactly those conditions. Pure. Throws TypeError for a stacked
 * achievement `newIds` lacks: callers check that first and tell the teacher.
 */
export function renameStackedAchievements(
  rule: unknown,
  newIds: ReadonlyMap<string, string>,
): unknown {
  const rename = (id: string) => {
    const renamed = newIds.get(id);
    if (!renamed) throw new TypeError(`No new id for the stacked achievement ${id}`);
    return renamed;
  };
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => {
        if (key !== 'earned') return [key, walk(child)];
        return [
          key,
          typeof child === 'string'
            ? rename(child)
            : {
                ...(child as object),
                achievement: rename((child as { achievement: string }).achievement),
              },
        ];
      }),
    );
  };
  return walk(rule);
}

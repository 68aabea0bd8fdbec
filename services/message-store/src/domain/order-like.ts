/**
 * `items` reordered to follow `keys` (each key once), matching by `keyOf`. A database returns inserted rows in no
 * promised order; callers answer in the order they were asked. Throws when an item is missing: a bug, not input.
 */
export function orderLike<T>(keys: readonly string[], items: readonly T[], keyOf: (item: T) => string): T[] {
  const byKey = new Map(items.map((item) => [keyOf(item), item]));
  return keys.map((key) => {
    const item = byKey.get(key);
    if (item === undefined) throw new Error(`no item for key ${key}`);
    return item;
  });
}

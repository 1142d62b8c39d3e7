/**
Coalesces lookups: keys asked for within `windowMs` of each other are loaded together, `max` per call, and each key
is loaded once per process. Pulumi runs a deployment's creates concurrently in one provider process, so fifty
DIDs declared by number cost one `filter[number]=…` request instead of fifty.

A failed load is not remembered: the next request for those keys tries again.
*/
export function batchLoader<V>(
  load: (keys: string[]) => Promise<Map<string, V>>,
  { windowMs = 10, max = 100 }: { windowMs?: number; max?: number } = {},
): (key: string) => Promise<V | undefined> {
  const cache = new Map<string, Promise<V | undefined>>();
  let pending: { key: string; resolve: (value: V | undefined) => void; reject: (error: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    timer = undefined;
    const batch = pending;
    pending = [];
    for (let i = 0; i < batch.length; i += max) {
      const slice = batch.slice(i, i + max);
      load(slice.map((entry) => entry.key)).then(
        (found) => slice.forEach((entry) => entry.resolve(found.get(entry.key))),
        (error: unknown) => {
          for (const entry of slice) {
            cache.delete(entry.key);
            entry.reject(error);
          }
        },
      );
    }
  };

  return (key) => {
    let result = cache.get(key);
    if (result === undefined) {
      result = new Promise((resolve, reject) => pending.push({ key, resolve, reject }));
      cache.set(key, result);
      timer ??= setTimeout(flush, windowMs);
    }
    return result;
  };
}

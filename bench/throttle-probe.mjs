// What the provider gets for `import("p-throttle")` when bench/host-probe.cjs is loaded (bench --probe only): the real
// p-throttle, unchanged (same options, same call shape), with each granted slot reported to the probe.
const { default: pThrottle } = await import(new URL(import.meta.url).searchParams.get("real"));

export default (options) => {
  const throttle = pThrottle(options);
  return (fn) =>
    throttle((...args) => {
      globalThis.__didrouteBenchGrant?.();
      return fn(...args);
    });
};

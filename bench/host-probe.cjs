// Loaded into the dynamic-provider host by `node bench/run.mts --probe` (NODE_OPTIONS=--require …); the default bench
// run does not load it. It observes, without changing anything, in absolute ms (performance.timeOrigin + now, so the
// bench can line them up with arrivals at the sandbox):
//   - when the provider's rate limiter grants each slot (the provider's `import("p-throttle")` is routed through
//     bench/throttle-probe.mjs, which wraps the real p-throttle);
//   - when each HTTP request starts (diagnostics channel http.client.request.start);
//   - the host's event-loop delay;
// and writes them every 200 ms to the file named by DIDROUTE_BENCH_PROBE. It prints nothing: the launcher reads the
// host's stdout.
"use strict";
const file = process.env.DIDROUTE_BENCH_PROBE;
// NODE_OPTIONS also reaches the launcher's `node -e` that locates the host script: probe only the host itself.
if (file && (process.argv[1] || "").includes("dynamic-provider")) {
  const { renameSync, writeFileSync } = require("node:fs");
  const path = require("node:path");
  const { pathToFileURL } = require("node:url");
  const { registerHooks } = require("node:module");
  const { monitorEventLoopDelay, performance } = require("node:perf_hooks");
  const diagnostics = require("node:diagnostics_channel");

  const now = () => performance.timeOrigin + performance.now();
  const granted = [];
  const sentAt = [];
  globalThis.__didrouteBenchGrant = () => granted.push(now());
  const shim = pathToFileURL(path.join(__dirname, "throttle-probe.mjs")).href;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      if (specifier !== "p-throttle") return resolved;
      return { url: `${shim}?real=${encodeURIComponent(resolved.url)}`, format: "module", shortCircuit: true };
    },
  });

  diagnostics.subscribe("http.client.request.start", () => sentAt.push(now()));
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const write = () => {
    const loopDelay = {
      p50: Number((loop.percentile(50) / 1e6).toFixed(1)),
      p99: Number((loop.percentile(99) / 1e6).toFixed(1)),
      max: Number((loop.max / 1e6).toFixed(1)),
    };
    try {
      // Whole files only: the bench may read at any moment.
      writeFileSync(`${file}.tmp`, JSON.stringify({ granted, sentAt, loopDelay }));
      renameSync(`${file}.tmp`, file);
    } catch {
      // the bench is gone: nothing to report to
    }
  };
  setInterval(write, 200).unref();
}

import { availableParallelism } from "node:os";
import * as path from "node:path";
import { defineConfig } from "vitest/config";

// Node's on-disk cache of compiled modules, for the test workers and every process they start (the provider hosts
// load all of @pulumi/pulumi each time; see test/engine/host.ts). It changes how fast code loads, nothing else.
process.env["NODE_COMPILE_CACHE"] ??= path.join(import.meta.dirname, "node_modules", ".cache", "node-compile");

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Separate processes: nock patches Node's http module, and engine tests spawn provider hosts.
    pool: "forks",
    // The engine files spend much of their time waiting (for the rate limiter's spacing, retries' waits, child
    // processes), so one file more runs at once than there are cores.
    maxWorkers: availableParallelism() + 1,
    // The project that installs the packed tarball, and the serialized providers, made once per run.
    globalSetup: ["test/setup/global.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Separate processes: nock patches Node's http module, and engine tests spawn provider hosts.
    pool: "forks",
    // Engine tests start a provider host per phase; the tarball test also packs and installs the package.
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});

import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runToEnd } from "./run-to-end";

/**
The `didroute` bin as the README tells a user to run it: `npx didroute …` in the repository, after the build `npm test`
does (tests never rebuild dist/: other test files read it concurrently).

npm sets a bin's executable bit only when it links the bin, so the build has to set it: tsc writes
dist/cli/index.js without it, and an `npx didroute` whose link was made before the rebuild then fails with
`sh: 1: didroute: Permission denied` (exit 127). The mode check comes first: an `npx` with a fresh npm cache links the
bin and sets the bit itself, so it alone would not notice a build that drops it.
*/
const root = path.resolve(__dirname, "..");
const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
// A fresh npm cache, offline: the project's own bin needs no registry, and the test never reaches one.
const cache = mkdtempSync(path.join(tmpdir(), "didroute-npx-cache-"));

function npx(args: string[]) {
  return runToEnd("npx", args, {
    cwd: root,
    env: { ...process.env, npm_config_cache: cache, npm_config_offline: "true", npm_config_update_notifier: "false" },
  });
}

afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe("the didroute bin, run with npx in the repository", () => {
  it("is executable as the build leaves it", () => {
    expect(manifest.bin).toEqual({ didroute: "dist/cli/index.js" });
    const mode = statSync(path.join(root, manifest.bin.didroute)).mode & 0o777;
    expect(mode.toString(8)).toBe("755");
  });

  it("npx didroute validate routing.yaml: the README's offline check", async () => {
    expect(await npx(["didroute", "validate", "routing.yaml"])).toEqual({
      code: 0,
      stdout: "routing.yaml: valid (1 DIDWW trunk, 5 DIDWW DIDs, 2 DIDWW trunk groups, 2 CarrierX DIDs)\n",
      stderr: "",
    });
  });

  it("npx didroute plan --help prints the plan's usage; an unknown command exits 1", async () => {
    const help = await npx(["didroute", "plan", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: didroute plan \[FILE\] \[--format text\|markdown\|json\] \[--detailed-exitcode\]\n/);
    expect(help.stderr).toBe("");

    const unknown = await npx(["didroute", "deploy"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^didroute: unknown command "deploy"\nusage: didroute <command> \[options\]\n/);
  });
});

import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runToEnd } from "./run-to-end";

/**
`npm run demo` (scripts/demo.mts) without the Pulumi CLI, which cannot be installed here: what it says when the CLI
is missing, and, with a stand-in `pulumi` that records its calls, the commands it runs and the environment it gives
them. Whether the real CLI applies the program is what the end-to-end suite proves through the provider host.
*/
const root = path.resolve(__dirname, "..");
const demo = path.join(root, "scripts", "demo.mts");
const nodeDir = path.dirname(process.execPath);

function run(env: Record<string, string>) {
  return runToEnd(process.execPath, [demo], { cwd: root, env });
}

describe("npm run demo", () => {
  it("without the Pulumi CLI on PATH, says so in one line and exits 1", async () => {
    const result = await run({ PATH: nodeDir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "npm run demo needs the Pulumi CLI, which is not on PATH: see https://www.pulumi.com/docs/iac/download-install/\n",
    );
  });

  it("runs up, a drift plan and preview, up --refresh and destroy on a throwaway local backend, and cleans up after itself", async () => {
    const bin = mkdtempSync(path.join(tmpdir(), "didroute-fake-pulumi-"));
    const log = path.join(bin, "calls.jsonl");
    // Records each call; `preview --expect-no-changes` fails as the real CLI does when it finds changes.
    writeFileSync(
      path.join(bin, "pulumi"),
      `#!${process.execPath}
const fs = require("node:fs");
const args = process.argv.slice(2);
const e = process.env;
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ args, backend: e.PULUMI_BACKEND_URL, passphrase: e.PULUMI_CONFIG_PASSPHRASE,
  didww: e.DIDWW_ENDPOINT, carrierx: e.CARRIERX_ENDPOINT, key: e.DIDWW_API_KEY, token: e.CARRIERX_TOKEN, cwd: process.cwd() }) + "\\n");
process.exit(args[0] === "preview" && args.includes("--expect-no-changes") ? 255 : 0);
`,
    );
    chmodSync(path.join(bin, "pulumi"), 0o755);

    const result = await run({ PATH: `${bin}${path.delimiter}${nodeDir}`, HOME: bin });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const calls = readFileSync(log, "utf8").trim().split("\n").map((line) => JSON.parse(line));
    expect(calls.map((c) => c.args.join(" "))).toEqual([
      "version",
      "stack init demo --non-interactive",
      "up --yes --non-interactive --stack demo",
      "preview --refresh --expect-no-changes --non-interactive --stack demo",
      "up --refresh --yes --non-interactive --stack demo",
      "destroy --yes --non-interactive --stack demo",
      "stack rm demo --yes --non-interactive",
    ]);
    for (const call of calls.slice(1)) {
      expect(call.cwd).toBe(root);
      expect(call.backend).toMatch(/^file:\/\/.*didroute-demo-/);
      expect(call.passphrase).toBeTruthy();
      expect(call.didww).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v3$/);
      expect(call.carrierx).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/core\/v2$/);
      expect([call.key, call.token]).toEqual(["demo-didww-key", "demo-carrierx-token"]);
    }
    // The backend and the stack file are removed, so nothing of the demo is left in the checkout.
    expect(existsSync(new URL(calls[1].backend).pathname)).toBe(false);
    expect(existsSync(path.join(root, "Pulumi.demo.yaml"))).toBe(false);
    expect(result.stdout).toContain("Changed behind Pulumi's back: +16091609123456797 now rings trunk pbx-london");
    // The stand-in's `up` applies nothing, so the plan lists all of routing.yaml; the hand change is among it.
    expect(result.stdout).toContain(
      "\n$ npx didroute plan routing.yaml --detailed-exitcode\nrouting.yaml: 8 changes, 0 in sync\n\n" +
        "~ DIDWW DID +16091609123456797 (routing.yaml:8)\n    now:   trunk pbx-london\n    wants: trunk pbx-frankfurt\n",
    );
    expect(result.stdout).toContain("didroute plan exited 2 (2: drift)");
    expect(result.stdout).toContain("pulumi preview --refresh found the drift and exited 255");
    expect(result.stdout).toMatch(/DIDWW +\+16091609123456799 +trunk pbx-lab/);
  });
});

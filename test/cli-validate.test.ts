import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runToEnd } from "./run-to-end";
import { createSandbox, loadSeed, type Sandbox } from "../sandbox";
import { scratchDir } from "./scratch";

/** `didroute validate` as CI runs it: the built CLI in a child process, its output and its exit code. */
const root = path.resolve(__dirname, "..");
const cli = path.join(root, "dist", "cli", "index.js");
const scratch = scratchDir("didroute-validate-");

function validate(args: string[], env: Record<string, string> = {}) {
  return runToEnd(process.execPath, [cli, "validate", ...args], { cwd: root, env: { PATH: process.env["PATH"] ?? "", ...env } });
}

function file(name: string, text: string): string {
  const target = path.join(scratch, name);
  writeFileSync(target, text);
  return target;
}

describe("didroute validate (offline)", () => {
  it("accepts the project's routing.yaml and says what it declares", async () => {
    expect(await validate(["routing.yaml"])).toEqual({
      code: 0,
      stdout: "routing.yaml: valid (1 DIDWW trunk, 5 DIDWW DIDs, 2 DIDWW trunk groups, 2 CarrierX DIDs)\n",
      stderr: "",
    });
  });

  it("prints every problem as FILE:LINE:COL: message and exits 1", async () => {
    const bad = file("bad.yaml", 'didww:\n  dids:\n    - number: "+4930123456"\n      trunk: a\n      trunkGroup: b\n  trunkGroups:\n    - group: g\n      trunks: [a, a]\n');
    const result = await validate([bad]);
    expect(result.code).toBe(1);
    expect(result.stdout.split("\n").filter(Boolean)).toEqual([
      `${bad}:5:7: set trunk or trunkGroup, not both: DIDWW routes a DID to a trunk or a trunk group, never both`,
      `${bad}:8:19: trunk a is listed twice in trunk group g`,
    ]);
    expect(result.stderr).toBe(`${bad}: 2 problems\n`);
  });

  it("defaults to routing.yaml, and refuses wrong usage with exit code 2", async () => {
    expect((await validate([])).code).toBe(0);
    const unknown = await validate(["--offline"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^didroute validate: Unknown option '--offline'/);
    expect((await validate(["a.yaml", "b.yaml"])).stderr).toMatch(/^didroute validate: one file at a time, got 2/);
  });

  it("says when the file cannot be read", async () => {
    const result = await validate([path.join(scratch, "missing.yaml")]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`${path.join(scratch, "missing.yaml")}:1:1: cannot read the file: no such file\n`);
  });
});

describe("didroute validate --online", () => {
  let sandbox: Sandbox;
  let env: Record<string, string>;
  beforeAll(async () => {
    sandbox = createSandbox({ seed: loadSeed(path.join(root, "examples", "sandbox.yaml")), apiKey: "k-online", token: "t-online" });
    const urls = await sandbox.listen(0);
    env = { DIDWW_ENDPOINT: urls.didww, DIDWW_API_KEY: "k-online", CARRIERX_ENDPOINT: urls.carrierx, CARRIERX_TOKEN: "t-online" };
  });
  afterAll(() => sandbox?.close());

  it("resolves every number and name of routing.yaml against the sandbox (the two stay in sync)", async () => {
    const result = await validate(["routing.yaml", "--online"], env);
    expect(result).toEqual({
      code: 0,
      stdout: "routing.yaml: valid and resolved (1 DIDWW trunk, 5 DIDWW DIDs, 2 DIDWW trunk groups, 2 CarrierX DIDs)\n",
      stderr: "",
    });
  });

  it("reports names the account does not have at their line", async () => {
    const typo = file("typo.yaml", 'didww:\n  dids:\n    - number: "+16091609123456797"\n      trunk: pbx-frankfrut\ncarrierx:\n  dids:\n    - number: "+15162065574"\n      trunkGroup: us-east\n');
    const result = await validate([typo, "--online"], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`${typo}:4:14: no DIDWW trunk is named "pbx-frankfrut" in this account\n`);
  });

  it("checks that each secret's variable is set (DIDROUTE_CONFIG_<KEY>), which offline it does not need", async () => {
    const secret = file(
      "secret.yaml",
      'didww:\n  trunks:\n    - name: pbx-x\n      sip: { host: x.example.com, authPassword: { config: "team:pbx-x.password" } }\n  dids:\n    - number: "+16091609123456797"\n      trunk: pbx-x\n',
    );
    expect((await validate([secret])).code).toBe(0);
    const missing = await validate([secret, "--online"], env);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe(
      `${secret}:4:59: sip.authPassword of trunk pbx-x reads the stack config team:pbx-x.password, and outside a Pulumi ` +
        "program from the environment: DIDROUTE_CONFIG_TEAM_PBX_X_PASSWORD is not set\n",
    );
    expect(await validate([secret, "--online"], { ...env, DIDROUTE_CONFIG_TEAM_PBX_X_PASSWORD: "pw-0b9d" })).toEqual({
      code: 0,
      stdout: `${secret}: valid and resolved (1 DIDWW trunk, 1 DIDWW DID, 0 DIDWW trunk groups, 0 CarrierX DIDs)\n`,
      stderr: "",
    });
  });

  it("needs credentials only for the APIs the file uses, and says how to set a missing one", async () => {
    const didwwOnly = file("didww-only.yaml", 'didww:\n  dids:\n    - number: "+16091609123456797"\n      trunk: pbx-frankfurt\n');
    const { CARRIERX_TOKEN: _, ...withoutToken } = env;
    expect((await validate([didwwOnly, "--online"], withoutToken)).code).toBe(0);
    const { DIDWW_API_KEY: __, ...withoutKey } = env;
    const result = await validate([didwwOnly, "--online"], withoutKey);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `didroute validate: ${didwwOnly}: DIDWW API key is not set: run "pulumi config set --secret didww:apiKey <key>" or set DIDWW_API_KEY\n`,
    );
  });
});

import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runToEnd } from "./run-to-end";
import { formatPlan, type Plan, type PlannedChange } from "../routing/plan";
import { createSandbox, derivedId, loadSeed, type Sandbox } from "../sandbox";
import { applyPlan } from "./planned-requests";
import { scratchDir } from "./scratch";

/**
`didroute plan` as a CI job runs it: the built CLI in a child process against the sandbox (seeded with the project's
default world, whose routing differs from routing.yaml in all 10 entries: a trunk to create, two groups' members,
five DIDs, two CarrierX DIDs). What is asserted: what a reviewer reads, the exit code a pipeline branches on, that
planning changes nothing, and that sending the planned requests (as `pulumi up` would) leaves nothing to plan.
*/
const root = path.resolve(__dirname, "..");
const cli = path.join(root, "dist", "cli", "index.js");
const scratch = scratchDir("didroute-plan-");
const KEY = "plan-didww-key-31c9";
const TOKEN = "plan-carrierx-token-8e04";

let sandbox: Sandbox;
let env: Record<string, string>;
let urls: { didww: string; carrierx: string };
beforeEach(async () => {
  sandbox = createSandbox({ seed: loadSeed(path.join(root, "examples", "sandbox.yaml")), apiKey: KEY, token: TOKEN });
  urls = await sandbox.listen(0);
  env = { DIDWW_ENDPOINT: urls.didww, DIDWW_API_KEY: KEY, CARRIERX_ENDPOINT: urls.carrierx, CARRIERX_TOKEN: TOKEN };
});
afterEach(() => sandbox?.close());

function plan(args: string[], withEnv: Record<string, string> = env) {
  return runToEnd(process.execPath, [cli, "plan", ...args], { cwd: root, env: { PATH: process.env["PATH"] ?? "", ...withEnv } });
}

function file(name: string, text: string): string {
  const target = path.join(scratch, name);
  writeFileSync(target, text);
  return target;
}

const ids = () => {
  const did = (number: string) => sandbox.didww.dids().find((d) => d.number === number)!.id;
  const trunk = (name: string) => sandbox.didww.trunks().find((t) => t.name === name)!.id;
  const group = (name: string) => sandbox.didww.trunkGroups().find((g) => g.name === name)!.id;
  const cxDid = (number: string) => sandbox.carrierx.dids().find((d) => d.phonenumber === number)!.did_sid;
  const cxGroup = (name: string) => sandbox.carrierx.trunkGroups().find((g) => g.name === name)!.sid;
  return { did, trunk, group, cxDid, cxGroup };
};


describe("didroute plan", () => {
  it("lists every difference with the request up sends, reads in batches and changes nothing", async () => {
    const before = { didww: sandbox.didww.dids(), groups: sandbox.didww.trunkGroups(), carrierx: sandbox.carrierx.dids() };
    const result = await plan(["routing.yaml", "--format", "json", "--detailed-exitcode"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(2);
    const out = JSON.parse(result.stdout) as { file: string; inSync: boolean; unchanged: number; changes: PlannedChange[] };
    expect(out).toMatchObject({ file: "routing.yaml", inSync: false, unchanged: 0 });
    const { did, trunk, group, cxDid, cxGroup } = ids();
    expect(out.changes.map((c) => [c.system, c.kind, c.action, c.line])).toEqual([
      ["DIDWW", "VoiceInTrunk", "create", 8],
      ["DIDWW", "TrunkGroupMembership", "update", 11],
      ["DIDWW", "TrunkGroupMembership", "update", 13],
      ["DIDWW", "DidTrunkAssignment", "update", 16],
      ["DIDWW", "DidTrunkAssignment", "update", 18],
      ["DIDWW", "DidTrunkAssignment", "update", 20],
      ["DIDWW", "DidTrunkAssignment", "update", 22],
      ["DIDWW", "DidTrunkAssignment", "update", 24],
      ["CarrierX", "DidTrunkGroupAssignment", "update", 28],
      ["CarrierX", "DidTrunkGroupAssignment", "update", 30],
    ]);
    expect(out.changes[0]).toEqual({
      system: "DIDWW",
      kind: "VoiceInTrunk",
      action: "create",
      target: { name: "pbx-munich", id: null },
      from: null,
      to: { attributes: { name: "pbx-munich", "sip.host": "pbx-muc.example.com", "sip.port": 5060, "sip.codecIds": [10, 9, 6] } },
      request: {
        method: "POST",
        path: "/v3/voice_in_trunks",
        body: {
          data: {
            type: "voice_in_trunks",
            attributes: {
              name: "pbx-munich",
              configuration: { type: "sip_configurations", attributes: { host: "pbx-muc.example.com", port: 5060, codec_ids: [10, 9, 6] } },
            },
          },
        },
      },
      line: 8,
    });
    expect(out.changes[4]).toEqual({
      system: "DIDWW",
      kind: "DidTrunkAssignment",
      action: "update",
      target: { number: "+16091609123456798", id: did("16091609123456798") },
      from: { trunk: { id: trunk("pbx-dublin"), name: "pbx-dublin" } },
      to: { trunkGroup: { id: group("eu-primary"), name: "eu-primary" } },
      request: {
        method: "PATCH",
        path: `/v3/dids/${did("16091609123456798")}`,
        body: {
          data: {
            type: "dids",
            id: did("16091609123456798"),
            relationships: {
              voice_in_trunk_group: { data: { type: "voice_in_trunk_groups", id: group("eu-primary") } },
              voice_in_trunk: { data: null },
            },
          },
        },
      },
      line: 18,
    });
    // The DID of the trunk to create: its request holds the trunk's id once up has created it.
    expect(out.changes[7]).toMatchObject({
      target: { number: "+498912345678" },
      from: null,
      to: { trunk: { id: null, name: "pbx-munich" } },
      waitsFor: ["DIDWW trunk pbx-munich"],
      request: {
        body: { data: { relationships: { voice_in_trunk: { data: { type: "voice_in_trunks", id: "(id of DIDWW trunk pbx-munich once created)" } } } } },
      },
    });
    expect(out.changes[1]).toMatchObject({
      target: { name: "eu-primary", id: group("eu-primary") },
      from: { trunks: [{ id: trunk("pbx-frankfurt"), name: "pbx-frankfurt" }] },
      to: { trunks: [{ name: "pbx-frankfurt" }, { name: "pbx-dublin" }] },
      request: { method: "PATCH", path: `/v3/voice_in_trunk_groups/${group("eu-primary")}` },
    });
    expect(out.changes[8]).toEqual({
      system: "CarrierX",
      kind: "DidTrunkGroupAssignment",
      action: "update",
      target: { number: "+15162065574", id: cxDid("15162065574") },
      from: { trunkGroup: { id: cxGroup("us-west"), name: "us-west" } },
      to: { trunkGroup: { id: cxGroup("us-east"), name: "us-east" } },
      request: {
        method: "PATCH",
        path: `/core/v2/phonenumber/dids/${cxDid("15162065574")}`,
        body: { trunk_group_sid: cxGroup("us-east") },
      },
      line: 28,
    });
    // Reads only, and few: DIDs by number and by id, trunks by name (those named, then those declared), groups;
    // CarrierX DIDs one by one (2) and groups.
    expect(sandbox.didww.requests.map((r) => `${r.method} ${r.path} ${r.query["filter[name]"] ?? ""}`.trim())).toEqual([
      "GET /v3/dids",
      "GET /v3/dids",
      "GET /v3/voice_in_trunks pbx-frankfurt,pbx-dublin,pbx-newyork,pbx-london",
      "GET /v3/voice_in_trunks pbx-munich",
      "GET /v3/voice_in_trunk_groups",
    ]);
    expect(sandbox.carrierx.requests.every((r) => r.method === "GET")).toBe(true);
    expect({ didww: sandbox.didww.dids(), groups: sandbox.didww.trunkGroups(), carrierx: sandbox.carrierx.dids() }).toEqual(before);

    // The planned requests are what up sends: sent in up's order (the trunk first, then, planned again, the DID that
    // rings it, with its id), there is nothing left to plan.
    const json = async () => JSON.parse((await plan(["routing.yaml", "--format", "json"])).stdout).changes as PlannedChange[];
    expect(await applyPlan(json, { urls, apiKey: KEY, token: TOKEN })).toEqual([9, 1]);
    expect(await plan(["routing.yaml", "--detailed-exitcode"])).toEqual({
      code: 0,
      stdout: "routing.yaml: in sync (10 entries match the live routing)\n",
      stderr: "",
    });
  });

  it("text: one block per difference, naming the file's line; exit 0 without --detailed-exitcode", async () => {
    const { did, trunk, group } = ids();
    sandbox.didww.setDidRouting(did("16091609123456797"), { trunkId: null, trunkGroupId: group("eu-primary") });
    const one = file("one.yaml", 'didww:\n  dids:\n    - number: "+16091609123456797"\n      trunk: pbx-frankfurt\n');
    const result = await plan([one]);
    expect(result.code).toBe(0);
    const id = did("16091609123456797");
    expect(result.stdout).toBe(
      [
        `${one}: 1 change, 0 in sync`,
        "",
        `~ DIDWW DID +16091609123456797 (${one}:3)`,
        "    now:   trunk group eu-primary",
        "    wants: trunk pbx-frankfurt",
        `    sends: PATCH /v3/dids/${id} ` +
          JSON.stringify({
            data: {
              type: "dids",
              id,
              relationships: {
                voice_in_trunk: { data: { type: "voice_in_trunks", id: trunk("pbx-frankfurt") } },
                voice_in_trunk_group: { data: null },
              },
            },
          }),
        "",
      ].join("\n"),
    );
  });

  it("markdown: a heading, a table a reviewer reads, and the requests folded away", async () => {
    const result = await plan(["routing.yaml", "--format", "markdown"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines.slice(0, 10)).toEqual([
      "### didroute plan: 10 changes",
      "",
      "`routing.yaml`: 10 changes, 0 in sync. `pulumi up` will send the requests below.",
      "",
      "| Change | Now | Wants | Line |",
      "| --- | --- | --- | --- |",
      '| DIDWW trunk `pbx-munich` | nothing | `name="pbx-munich"`, `sip.host="pbx-muc.example.com"`, `sip.port=5060`, `sip.codecIds=[10,9,6]` | 8 |',
      "| DIDWW trunk group `eu-primary` | `pbx-frankfurt` | `pbx-frankfurt`, `pbx-dublin` | 11 |",
      "| DIDWW trunk group `us-backup` | `pbx-newyork` | `pbx-newyork`, `pbx-london` | 13 |",
      "| DIDWW DID `+16091609123456797` | nothing | trunk `pbx-frankfurt` | 16 |",
    ]);
    expect(lines).toContain("| DIDWW DID `+16091609123456798` | trunk `pbx-dublin` | trunk group `eu-primary` | 18 |");
    expect(lines).toContain("| DIDWW DID `+498912345678` | nothing | trunk `pbx-munich` | 24 |");
    expect(lines).toContain("<details><summary>10 requests</summary>");
    expect(lines).toContain("DIDWW trunk pbx-munich: `POST /v3/voice_in_trunks`");
    expect(lines).toContain(`CarrierX DID +15162065575: \`PATCH /core/v2/phonenumber/dids/${ids().cxDid("15162065575")}\``);
    expect(lines.filter((l) => l === "```json")).toHaveLength(10);
  });

  it("errors exit 1, also with --detailed-exitcode (2 means drift only), and print nothing on stdout", async () => {
    const typo = file("typo.yaml", 'didww:\n  dids:\n    - number: "+16091609123456797"\n      trunk: pbx-frankfrut\n');
    expect(await plan([typo, "--detailed-exitcode", "--format", "json"])).toEqual({
      code: 1,
      stdout: "",
      stderr: `${typo}:4:14: no DIDWW trunk is named "pbx-frankfrut" in this account\n${typo}: 1 problem; nothing planned\n`,
    });
    const wrongKey = await plan(["routing.yaml", "--detailed-exitcode"], { ...env, DIDWW_API_KEY: "expired-key-0000" });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toBe("");
    expect(wrongKey.stderr).toMatch(/^didroute plan: routing\.yaml: DIDWW rejected the API key \(401 on GET \/v3\/dids\)/);
    expect(wrongKey.stderr).not.toContain("expired-key-0000");
    const format = await plan(["routing.yaml", "--format", "yaml", "--detailed-exitcode"]);
    expect(format.code).toBe(1);
    expect(format.stderr).toMatch(/^didroute plan: --format must be text, markdown or json, got "yaml"\n/);
    const option = await plan(["--detailed"]);
    expect(option.code).toBe(1);
    expect(option.stderr).toMatch(/^didroute plan: Unknown option '--detailed'/);
  });

  it("reads a declared trunk's secret from DIDROUTE_CONFIG_<KEY> and never prints it; without it names the key and the variable", async () => {
    const secretFile = file(
      "secret.yaml",
      "didww:\n  trunks:\n    - name: pbx-fra2\n      sip: { host: pbx-fra2.example.com, authEnabled: true, authUser: fra, authPassword: { config: pbxFra2Password } }\n",
    );
    const missing = await plan([secretFile, "--format", "json"]);
    expect(missing).toEqual({
      code: 1,
      stdout: "",
      stderr:
        `${secretFile}:4:100: sip.authPassword of trunk pbx-fra2 reads the stack config pbxFra2Password, and outside a Pulumi ` +
        `program from the environment: DIDROUTE_CONFIG_PBXFRA2PASSWORD is not set\n${secretFile}: 1 problem; nothing planned\n`,
    });
    const password = "pbx-Fra2-secret-93e1";
    for (const format of ["json", "text", "markdown"]) {
      const result = await plan([secretFile, "--format", format], { ...env, DIDROUTE_CONFIG_PBXFRA2PASSWORD: password });
      expect(result.code, format).toBe(0);
      expect(result.stdout + result.stderr, format).not.toContain(password);
      expect(result.stdout, format).toContain("[secret]");
    }
    const json = JSON.parse((await plan([secretFile, "--format", "json"], { ...env, DIDROUTE_CONFIG_PBXFRA2PASSWORD: password })).stdout);
    expect(json.changes[0].request.body.data.attributes.configuration.attributes).toEqual({
      host: "pbx-fra2.example.com",
      auth_enabled: true,
      auth_user: "fra",
      auth_password: "[secret]",
    });
  });

  it("reads 1,000 numbers in 10 DID requests, and looks up by id only a trunk no DID of the file rings", async () => {
    const seed = loadSeed(path.join(root, "examples", "sandbox.yaml"));
    const lab = seed.didww.trunks!.find((t) => t.name === "pbx-lab")!.id;
    const london = seed.didww.trunks!.find((t) => t.name === "pbx-london")!.id;
    const numbers = Array.from({ length: 1000 }, (_, i) => `4940${String(1_000_000 + i)}`);
    await sandbox.close();
    sandbox = createSandbox({
      seed: { ...seed, didww: { ...seed.didww, dids: [...seed.didww.dids!, ...numbers.map((number) => ({ id: derivedId("didww", "did", number), number, trunkId: lab }))] } },
      apiKey: KEY,
      token: TOKEN,
    });
    urls = await sandbox.listen(0);
    env = { ...env, DIDWW_ENDPOINT: urls.didww };
    const entries = numbers.map((n, i) => `    - number: "+${n}"\n      trunk: ${i === 999 ? london : lab}\n`);
    const big = file("big.yaml", `didww:\n  dids:\n${entries.join("")}`);

    const result = await plan([big, "--format", "json"]);
    expect(result.stderr).toBe("");
    const out = JSON.parse(result.stdout) as { unchanged: number; changes: PlannedChange[] };
    expect(out.unchanged).toBe(999);
    expect(out.changes.map((c) => [c.target, c.from, c.to])).toEqual([
      [
        { number: "+49401000999", id: sandbox.didww.dids().find((d) => d.number === "49401000999")!.id },
        { trunk: { id: lab, name: "pbx-lab" } },
        { trunk: { id: london, name: "pbx-london" } },
      ],
    ]);
    // pbx-lab came included with the DIDs (named, no request); pbx-london rings none of them: one lookup by id.
    expect(sandbox.didww.requests.map((r) => `${r.path} ${r.query["filter[id]"] ?? ""}`.trim())).toEqual([
      ...Array(10).fill("/v3/dids"),
      `/v3/voice_in_trunks ${london}`,
    ]);
  });
});

describe("the Markdown of a large plan", () => {
  it("stays within GitHub's 65,536-character comment limit and says what it left out", () => {
    const change = (i: number): PlannedChange => ({
      system: "DIDWW",
      kind: "DidTrunkAssignment",
      action: "update",
      target: { number: `+4930${1_000_000 + i}`, id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}` },
      from: { trunk: { id: "41b94706-325e-4704-a433-d65105758836", name: "pbx-frankfurt" } },
      to: { trunk: { id: "ca7da6d0-aa0b-447d-8fc0-1bc58b51298c", name: "pbx-dublin" } },
      request: { method: "PATCH", path: `/v3/dids/${i}`, body: { data: { type: "dids", id: String(i) } } },
      line: 3 + 2 * i,
    });
    const large: Plan = { changes: Array.from({ length: 2000 }, (_, i) => change(i)), unchanged: 0 };
    const text = formatPlan(large, "routing.yaml", "markdown");
    expect(text.length).toBeLessThan(65_536);
    const rows = text.split("\n").filter((l) => l.startsWith("| DIDWW DID"));
    expect(rows.length).toBeGreaterThan(100);
    expect(text).toContain(`${2000 - rows.length} more changes not shown: \`didroute plan --format json\` lists every one.`);
    expect(text.trimEnd().endsWith("</details>")).toBe(true);
    const small: Plan = { changes: [change(1)], unchanged: 5 };
    expect(formatPlan(small, "routing.yaml", "markdown")).not.toContain("not shown");
  });

  it("keeps a name with a pipe or backticks inside its table cell", () => {
    const plan: Plan = {
      changes: [
        {
          system: "CarrierX",
          kind: "DidTrunkGroupAssignment",
          action: "update",
          target: { number: "+15162065574", id: "e8df62d5-07a3-4189-a67e-87585067c5fe" },
          from: { trunkGroup: { id: "c7eae0b4-5eda-4964-8998-d514903b4af0", name: "a|b" } },
          to: { trunkGroup: { id: "e74fcf6a-bb8d-4ee0-9980-bdc24a728b9a", name: "`x`" } },
          request: { method: "PATCH", path: "/core/v2/phonenumber/dids/e8df", body: {} },
          line: 4,
        },
      ],
      unchanged: 0,
    };
    expect(formatPlan(plan, "routing.yaml", "markdown")).toContain(
      "| CarrierX DID `+15162065574` | trunk group `a\\|b` | trunk group `` `x` `` | 4 |",
    );
  });
});

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, derivedId, loadSeed, type Sandbox, type SandboxSeed } from "../sandbox";
import { runToEnd } from "./run-to-end";
import { scratchDir } from "./scratch";

/**
`didroute export` as a person runs it to bring an account under code: the built CLI in a child process against the
sandbox. What is asserted: the file it writes (what a reviewer reads), that `didroute validate` passes on it and
`didroute plan` finds it in sync, the requests it sends, what it says on stderr, and that it never overwrites a file
unless asked.
*/
const root = path.resolve(__dirname, "..");
const cli = path.join(root, "dist", "cli", "index.js");
const scratch = scratchDir("didroute-export-");
const KEY = "export-didww-key-6b1f";
const TOKEN = "export-carrierx-token-0d93";

let sandbox: Sandbox;
let env: Record<string, string>;

async function open(seed: Partial<SandboxSeed>): Promise<void> {
  sandbox = createSandbox({ seed, apiKey: KEY, token: TOKEN });
  const urls = await sandbox.listen(0);
  env = { DIDWW_ENDPOINT: urls.didww, DIDWW_API_KEY: KEY, CARRIERX_ENDPOINT: urls.carrierx, CARRIERX_TOKEN: TOKEN };
}
beforeEach(() => open(loadSeed(path.join(root, "examples", "sandbox.yaml"))));
afterEach(() => sandbox?.close());

function didroute(args: string[], withEnv: Record<string, string> = env) {
  return runToEnd(process.execPath, [cli, ...args], { cwd: root, env: { PATH: process.env["PATH"] ?? "", ...withEnv } });
}

/** A path in the scratch folder that does not exist yet. */
let files = 0;
const fresh = (name = "routing.yaml") => path.join(scratch, `${++files}-${name}`);

/** The requests the APIs received, as `METHOD path` with the page asked for. */
function requests(): string[] {
  return [...sandbox.didww.requests, ...sandbox.carrierx.requests].map((r) => {
    const page = r.query["page[number]"] ?? r.query["offset"];
    return `${r.method} ${r.path}${page === undefined ? "" : ` ${page}`}`;
  });
}

/** The header's first line names the time of the export; everything else is fixed. */
const HEADER_TIME = /as it was at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,/;

describe("didroute export", () => {
  it("writes the account's routing: every routed DID by number, every group with its trunks, names, a stable order", async () => {
    const output = fresh();
    const before = { didww: sandbox.didww.dids(), groups: sandbox.didww.trunkGroups(), carrierx: sandbox.carrierx.dids() };
    const result = await didroute(["export", "--output", output]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `didroute export: wrote ${output} (3 DIDWW DIDs, 3 routed nowhere left out; 3 DIDWW trunk groups; ` +
        "2 CarrierX DIDs, 1 routed nowhere left out)\n",
    );
    const text = readFileSync(output, "utf8");
    expect(text).toMatch(HEADER_TIME);
    expect(text.replace(HEADER_TIME, "as it was at <time>,")).toBe(
      [
        `# The routing of DIDWW ${env["DIDWW_ENDPOINT"]} and CarrierX ${env["CARRIERX_ENDPOINT"]} as it was at <time>,`,
        "# written by `didroute export`. Review it and commit it: the first `pulumi up` takes over every entry and",
        '# changes nothing still routed as listed. Entries not listed are not managed (README, "The routing file").',
        "didww:",
        "  dids:",
        '    - number: "+16091609123456798"',
        "      trunk: pbx-dublin",
        '    - number: "+16091609123456799"',
        "      trunk: pbx-lab",
        '    - number: "+442037691880"',
        "      trunkGroup: eu-primary",
        "  trunkGroups:",
        "    - group: eu-primary",
        "      trunks: [pbx-frankfurt]",
        "    - group: lab",
        "      trunks: [pbx-lab]",
        "    - group: us-backup",
        "      trunks: [pbx-newyork]",
        "carrierx:",
        "  dids:",
        '    - number: "+15162065574"',
        "      trunkGroup: us-west",
        '    - number: "+15162065576"',
        "      trunkGroup: lab",
        "",
      ].join("\n"),
    );
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(TOKEN);
    // One request per list (each fits a page), and nothing else.
    expect(requests()).toEqual([
      "GET /v3/dids 1",
      "GET /v3/voice_in_trunks 1",
      "GET /v3/voice_in_trunk_groups 1",
      "GET /core/v2/phonenumber/dids 0",
      "GET /core/v2/trunk_groups 0",
    ]);

    const validate = await didroute(["validate", output]);
    expect(validate).toMatchObject({ code: 0, stdout: `${output}: valid (3 DIDWW DIDs, 3 DIDWW trunk groups, 2 CarrierX DIDs)\n` });
    const plan = await didroute(["plan", output, "--detailed-exitcode"]);
    expect(plan).toMatchObject({ code: 0, stdout: `${output}: in sync (8 entries match the live routing)\n`, stderr: "" });
    expect({ didww: sandbox.didww.dids(), groups: sandbox.didww.trunkGroups(), carrierx: sandbox.carrierx.dids() }).toEqual(before);
  });

  it("--include-unrouted lists the DIDs routed nowhere as comments; --didww exports DIDWW alone, to stdout", async () => {
    const result = await didroute(["export", "--didww", "--include-unrouted"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const body = result.stdout.split("\n").slice(3).join("\n");
    expect(body).toBe(
      [
        "didww:",
        "  dids:",
        '    # - number: "+16091609123456797"   # routed nowhere: add a trunk or trunkGroup to manage it',
        '    - number: "+16091609123456798"',
        "      trunk: pbx-dublin",
        '    - number: "+16091609123456799"',
        "      trunk: pbx-lab",
        '    - number: "+442037691880"',
        "      trunkGroup: eu-primary",
        '    # - number: "+493012345678"   # routed nowhere: add a trunk or trunkGroup to manage it',
        '    # - number: "+498912345678"   # routed nowhere: add a trunk or trunkGroup to manage it',
        "  trunkGroups:",
        "    - group: eu-primary",
        "      trunks: [pbx-frankfurt]",
        "    - group: lab",
        "      trunks: [pbx-lab]",
        "    - group: us-backup",
        "      trunks: [pbx-newyork]",
        "",
      ].join("\n"),
    );
    expect(result.stdout.split("\n")[0]).toMatch(new RegExp(`^# The routing of DIDWW ${env["DIDWW_ENDPOINT"]} as it was at `));
    expect(sandbox.carrierx.requests).toEqual([]);
    const file = fresh();
    writeFileSync(file, result.stdout);
    expect((await didroute(["plan", file, "--detailed-exitcode"])).code).toBe(0);
  });

  it("names two trunks or groups share, or that would read as something else, are written as ids with the name in a comment", async () => {
    await sandbox.close();
    const trunk = (name: string, n: number) => ({ id: derivedId("didww", "trunk", `${name}-${n}`), name });
    const trunks = [trunk("pbx-twin", 1), trunk("pbx-twin", 2), trunk("123", 3), trunk("pbx: main", 4), trunk("spare one", 5)];
    const groups = [
      { id: derivedId("didww", "trunkGroup", "g1"), name: "eu", trunkIds: [trunks[0]!.id, trunks[4]!.id] },
      { id: derivedId("didww", "trunkGroup", "g2"), name: "eu", trunkIds: [] },
    ];
    const did = (number: string, routing: { trunkId?: string; trunkGroupId?: string }) => ({
      id: derivedId("didww", "did", number),
      number,
      trunkId: routing.trunkId ?? null,
      trunkGroupId: routing.trunkGroupId ?? null,
    });
    await open({
      didww: {
        trunks,
        trunkGroups: groups,
        dids: [
          did("4930200000001", { trunkId: trunks[1]!.id }),
          did("4930200000002", { trunkId: trunks[2]!.id }),
          did("4930200000003", { trunkId: trunks[3]!.id }),
          did("4930200000004", { trunkGroupId: groups[1]!.id }),
        ],
      },
    });
    const output = fresh();
    const result = await didroute(["export", "--didww", "--output", output]);
    expect(result.code).toBe(0);
    const [g1, g2] = groups.map((g) => g.id);
    const body = readFileSync(output, "utf8").split("\n").slice(3).join("\n");
    expect(body).toBe(
      [
        "didww:",
        "  dids:",
        '    - number: "+4930200000001"',
        `      trunk: ${trunks[1]!.id}   # "pbx-twin", a name 2 trunks share`,
        '    - number: "+4930200000002"',
        '      trunk: "123"',
        '    - number: "+4930200000003"',
        '      trunk: "pbx: main"',
        '    - number: "+4930200000004"',
        `      trunkGroup: ${g2}   # "eu", a name 2 trunk groups share`,
        "  trunkGroups:",
        `    - group: ${[g1, g2].sort()[0]}   # "eu", a name 2 trunk groups share`,
        `      trunks: ${[g1, g2].sort()[0] === g1 ? `[${trunks[0]!.id}, spare one]   # ${trunks[0]!.id}: "pbx-twin", a name 2 trunks share` : "[]"}`,
        `    - group: ${[g1, g2].sort()[1]}   # "eu", a name 2 trunk groups share`,
        `      trunks: ${[g1, g2].sort()[1] === g1 ? `[${trunks[0]!.id}, spare one]   # ${trunks[0]!.id}: "pbx-twin", a name 2 trunks share` : "[]"}`,
        "",
      ].join("\n"),
    );
    expect((await didroute(["validate", output])).code).toBe(0);
    expect(await didroute(["plan", output, "--detailed-exitcode"])).toMatchObject({ code: 0, stderr: "" });
  });

  it("says how far it is on stderr when a list takes more than 5 requests, 100 DIDs per request", async () => {
    await sandbox.close();
    const trunk = { id: derivedId("didww", "trunk", "pbx-bulk"), name: "pbx-bulk" };
    const dids = Array.from({ length: 550 }, (_, i) => {
      const number = String(4_930_300_000_000 + i);
      return { id: derivedId("didww", "did", number), number, trunkId: trunk.id, trunkGroupId: null };
    });
    await open({ didww: { trunks: [trunk], trunkGroups: [], dids } });
    const output = fresh();
    const result = await didroute(["export", "--output", output], { ...env, DIDWW_MAX_REQUESTS_PER_SECOND: "0" });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      [100, 200, 300, 400, 500, 550].map((n) => `didroute export: DIDWW DIDs ${n}/550\n`).join("") +
        `didroute export: wrote ${output} (550 DIDWW DIDs; 0 DIDWW trunk groups; 0 CarrierX DIDs)\n`,
    );
    expect(sandbox.didww.requests.map((r) => `${r.path} ${r.query["page[number]"]} ${r.query["page[size]"]}`)).toEqual([
      ...[1, 2, 3, 4, 5, 6].map((page) => `/v3/dids ${page} 100`),
      "/v3/voice_in_trunks 1 100",
      "/v3/voice_in_trunk_groups 1 100",
    ]);
    expect(readFileSync(output, "utf8").match(/^ {4}- number: /gm)).toHaveLength(550);
  });

  it("refuses to overwrite a file unless --force, before reading anything", async () => {
    const output = fresh();
    writeFileSync(output, "# reviewed by hand\n");
    const refused = await didroute(["export", "--output", output]);
    expect(refused).toMatchObject({ code: 1, stdout: "", stderr: `didroute export: ${output} exists; pass --force to overwrite it\n` });
    expect(readFileSync(output, "utf8")).toBe("# reviewed by hand\n");
    expect(requests()).toEqual([]);

    const forced = await didroute(["export", "--output", output, "--force"]);
    expect(forced.code).toBe(0);
    expect(readFileSync(output, "utf8")).toContain('    - number: "+442037691880"\n      trunkGroup: eu-primary\n');
  });

  it("an API that refuses ends it with the API's message, and no file is written", async () => {
    const output = fresh();
    const result = await didroute(["export", "--output", output], { ...env, DIDWW_API_KEY: "wrong-export-key-77" });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "didroute export: DIDWW rejected the API key (401 on GET /v3/dids): the key is missing or invalid. " +
        'Set it with "pulumi config set --secret didww:apiKey <key>" or DIDWW_API_KEY.\n',
    );
    expect(existsSync(output)).toBe(false);
  });

  it("--help documents every option; wrong usage exits 2 with the usage", async () => {
    const help = await didroute(["export", "--help"]);
    expect(help.code).toBe(0);
    for (const option of ["--output FILE", "--force", "--didww", "--carrierx", "--include-unrouted", "--help"]) {
      expect(help.stdout).toContain(option);
    }
    const top = await didroute(["--help"]);
    expect(top.stdout).toMatch(/^ {2}export {4}write the routing file of the account as it is routed now/m);

    for (const [args, message] of [
      [["export", "--bogus"], "Unknown option '--bogus'"],
      [["export", "--force"], "--force applies to --output FILE only"],
      [["export", "routing.yaml"], "Unexpected argument 'routing.yaml'"],
    ] as const) {
      const wrong = await didroute([...args]);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain(message);
      expect(wrong.stderr).toContain("usage: didroute export");
    }
    const nothing = await didroute(["export"], {});
    expect(nothing).toMatchObject({ code: 2, stdout: "" });
    expect(nothing.stderr).toMatch(/^didroute export: nothing to export: set DIDWW_API_KEY \(or DIDWW_ACCESS_TOKEN\) or CARRIERX_TOKEN, or name the API with --didww or --carrierx\n/);
    expect(requests()).toEqual([]);
  });
});

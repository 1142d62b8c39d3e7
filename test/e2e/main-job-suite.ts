import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, loadSeed, type Sandbox } from "../../sandbox";
import { changes, Engine, HostPool, type Declared } from "../engine/engine";
import { runToEnd, type Ended } from "../run-to-end";
import { MODE_LABELS, projectDir, type Mode } from "../setup/projects";

/**
The main job end to end, without the Pulumi CLI: the root program (program/index.ts, which applies routing.yaml)
runs under Pulumi's mocks in a Pulumi project directory, and every resource it registers goes through
@pulumi/pulumi's own dynamic-provider host against the sandbox seeded with examples/sandbox.yaml.
*/
const root = path.resolve(__dirname, "..", "..");
const exec = promisify(execFile);
const KEY = "e2e-didww-key-5d1c";
const TOKEN = "e2e-carrierx-token-77aa";

/** The project of `mode` holds program/index.ts and routing.yaml, with pulumi-didroute resolvable from it. */
export function defineMainJobSuite(mode: Mode): void {
  describe(`the main job (${MODE_LABELS[mode]}): routing.yaml applied through the dynamic-provider host`, () => {
    interface Registered {
      type: string;
      name: string;
      inputs: Record<string, unknown>;
    }

    let sandbox: Sandbox;
    let config: Record<string, string>;
    let cwd: string;

    beforeAll(async () => {
      cwd = projectDir(mode);
      sandbox = createSandbox({ seed: loadSeed(path.join(root, "examples", "sandbox.yaml")), apiKey: KEY, token: TOKEN });
      const urls = await sandbox.listen(0);
      config = { "didww:endpoint": urls.didww, "didww:apiKey": KEY, "carrierx:endpoint": urls.carrierx, "carrierx:token": TOKEN };
    });
    // The phases share provider hosts where that cannot make a difference (see test/engine/hosts.ts).
    const hosts = new HostPool();
    afterAll(async () => {
      await hosts.closeAll();
      await sandbox?.close();
    });

    /** `npx didroute plan routing.yaml …` in the project, with the sandbox's endpoints and credentials. */
    let didroute: string;
    beforeAll(async () => {
      const manifest = (await exec(process.execPath, ["-p", "require.resolve('pulumi-didroute/package.json')"], { cwd })).stdout.trim();
      didroute = path.join(path.dirname(manifest), JSON.parse(await readFile(manifest, "utf8")).bin.didroute);
    });
    function plan(args: string[]): Promise<Ended> {
      const env = {
        PATH: process.env["PATH"] ?? "",
        DIDWW_ENDPOINT: config["didww:endpoint"],
        DIDWW_API_KEY: KEY,
        CARRIERX_ENDPOINT: config["carrierx:endpoint"],
        CARRIERX_TOKEN: TOKEN,
      };
      return runToEnd(process.execPath, [didroute, "plan", "routing.yaml", ...args], { cwd, env });
    }

    /** What `pulumi up` would register: the root program run under mocks (see run-program.cjs). */
    async function runProgram(): Promise<{ declared: Declared[]; providers: Record<string, string>; names: string[] }> {
      const { stdout } = await exec(process.execPath, [path.join(root, "test", "engine", "run-program.cjs"), "program/index.ts"], {
        cwd,
        env: { ...process.env, PROGRAM_CONFIG: JSON.stringify(config) },
      });
      const { registered } = JSON.parse(stdout) as { registered: Registered[] };
      const providers: Record<string, string> = {};
      const declared: Declared[] = [];
      for (const resource of registered) {
        if (!resource.type.startsWith("pulumi-nodejs:dynamic/")) continue; // the stack itself
        const kind = resource.type.replace("pulumi-nodejs:dynamic/", "");
        const { __provider, ...inputs } = resource.inputs;
        providers[kind] = __provider as string;
        // Pulumi drops undefined inputs; the SDK's output placeholders are undefined.
        declared.push({ name: resource.name, kind, inputs: JSON.parse(JSON.stringify(inputs)) });
      }
      return { declared, providers, names: declared.map((d) => d.name).sort() };
    }

    const byName = <T extends { name: string }>(items: T[], name: string): T => {
      const found = items.find((item) => item.name === name);
      if (!found) throw new Error(`no ${name} in the sandbox`);
      return found;
    };

    /** The sandbox's routing, by number and by name: what a person checks in the portal. */
    function liveRouting() {
      const trunks = sandbox.didww.trunks();
      const groups = sandbox.didww.trunkGroups();
      const nameOfTrunk = (id: string | null) => (id === null ? null : trunks.find((t) => t.id === id)?.name);
      const nameOfGroup = (id: string | null) => (id === null ? null : groups.find((g) => g.id === id)?.name);
      const cxGroups = sandbox.carrierx.trunkGroups();
      return {
        didww: Object.fromEntries(
          sandbox.didww.dids().map((d) => [`+${d.number}`, { trunk: nameOfTrunk(d.trunkId), trunkGroup: nameOfGroup(d.trunkGroupId) }]),
        ),
        groups: Object.fromEntries(groups.map((g) => [g.name, g.trunkIds.map((id) => nameOfTrunk(id)).sort()])),
        carrierx: Object.fromEntries(
          sandbox.carrierx.dids().map((d) => [`+${d.phonenumber}`, cxGroups.find((g) => g.sid === d.trunk_group_sid)?.name ?? null]),
        ),
      };
    }

    const patches = (since: { didww: number; carrierx: number }) => [
      ...sandbox.didww.requests.slice(since.didww).filter((r) => r.method !== "GET"),
      ...sandbox.carrierx.requests.slice(since.carrierx).filter((r) => r.method !== "GET"),
    ];
    const mark = () => ({ didww: sandbox.didww.requests.length, carrierx: sandbox.carrierx.requests.length });

    describe("apply, re-apply, drift, destroy", () => {
      let engine: Engine;
      /**
      What the program registered on the first pass. It depends only on routing.yaml and the names and ids in the
      accounts, which no step here changes (the hand changes re-route, they rename nothing), and the second pass
      checks that running it again gives the same; so the later steps, where `pulumi preview` and `pulumi up` would
      run it again, use this instead of spending a program run each.
      */
      let first: Awaited<ReturnType<typeof runProgram>>;
      const seeded = () => liveRouting();
      let before: ReturnType<typeof liveRouting>;

      it("first pass routes everything as declared, one PATCH per resource, and nothing else", async () => {
        before = seeded();
        const { declared, providers, names } = (first = await runProgram());
        expect(names).toEqual([
          "carrierx-did-15162065574",
          "carrierx-did-15162065575",
          "didww-did-16091609123456797",
          "didww-did-16091609123456798",
          "didww-did-493012345678",
          "didww-did-9df99644-f1a5-4a3c-99a4-559d758eb96b",
          "didww-group-eu-primary",
          "didww-group-us-backup",
        ]);
        // The file's names were resolved to ids by the program, so state holds ids.
        expect(declared.find((d) => d.name === "didww-did-16091609123456797")?.inputs).toEqual({
          didId: byName(sandbox.didww.dids().map((d) => ({ ...d, name: d.number })), "16091609123456797").id,
          trunkId: byName(sandbox.didww.trunks(), "pbx-frankfurt").id,
        });
        engine = new Engine({ cwd, providers, config, env: { HOME: process.env["HOME"] }, hosts });
        const since = mark();
        const result = await engine.up(declared);
        expect(result.failures).toEqual([]);
        expect(result.steps.map((s) => s.op)).toEqual(Array(8).fill("create"));
        expect(patches(since)).toHaveLength(8);
        const after = liveRouting();
        expect(after.didww).toEqual({
          ...before.didww,
          "+16091609123456797": { trunk: "pbx-frankfurt", trunkGroup: null },
          "+16091609123456798": { trunk: null, trunkGroup: "eu-primary" },
          "+442037691880": { trunk: "pbx-dublin", trunkGroup: null },
          "+493012345678": { trunk: null, trunkGroup: "us-backup" },
        });
        expect(after.didww["+16091609123456799"]).toEqual({ trunk: "pbx-lab", trunkGroup: null }); // not in the file
        expect(after.groups).toEqual({
          ...before.groups,
          "eu-primary": ["pbx-dublin", "pbx-frankfurt"],
          "us-backup": ["pbx-london", "pbx-newyork"],
        });
        expect(after.groups["lab"]).toEqual(["pbx-lab"]);
        expect(after.carrierx).toEqual({ ...before.carrierx, "+15162065574": "us-east", "+15162065575": "us-west" });
        expect(after.carrierx["+15162065576"]).toBe("lab");
      });

      it("second pass sends no PATCH", async () => {
        const { declared } = await runProgram();
        // The program registers the same resources with the same inputs every time it runs.
        expect(declared).toEqual(first.declared);
        const since = mark();
        const result = await engine.up(declared);
        expect(result.failures).toEqual([]);
        expect(result.steps.map((s) => s.op)).toEqual(Array(8).fill("same"));
        expect(patches(since)).toEqual([]);
      });

      it("in sync: didroute plan --detailed-exitcode exits 0, and preview --refresh --expect-no-changes finds nothing", async () => {
        expect(await plan(["--detailed-exitcode"])).toEqual({
          code: 0,
          stdout: "routing.yaml: in sync (8 entries match the live routing)\n",
          stderr: "",
        });
        const { declared } = first;
        const since = mark();
        const preview = await engine.preview(declared, { refresh: true });
        expect(preview.failures).toEqual([]);
        expect(changes(preview)).toEqual([]);
        expect(patches(since)).toEqual([]);
      });

      describe("a hand change in each API (the portal, a colleague)", () => {
        let applied: ReturnType<typeof liveRouting>;
        let planned: { changes: { request: { method: string; path: string; body: unknown } }[] };
        let did: { id: string };
        let cxDid: { did_sid: string };
        let eu: { id: string };

        it("preview --refresh reports exactly the drifted resources (the drift check fails), and sends and saves nothing", async () => {
          applied = liveRouting();
          did = byName(sandbox.didww.dids().map((d) => ({ ...d, name: d.number })), "16091609123456798");
          sandbox.didww.setDidRouting(did.id, { trunkId: byName(sandbox.didww.trunks(), "pbx-london").id, trunkGroupId: null });
          eu = byName(sandbox.didww.trunkGroups(), "eu-primary");
          sandbox.didww.setTrunkGroupMembers(eu.id, [byName(sandbox.didww.trunks(), "pbx-frankfurt").id]);
          cxDid = byName(sandbox.carrierx.dids().map((d) => ({ ...d, name: d.phonenumber })), "15162065574");
          sandbox.carrierx.setDidTrunkGroup(cxDid.did_sid, byName(sandbox.carrierx.trunkGroups(), "lab").sid);

          const state = JSON.stringify([...engine.state]);
          const { declared } = first;
          const since = mark();
          const preview = await engine.preview(declared, { refresh: true });
          expect(preview.failures).toEqual([]);
          expect(changes(preview).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
            { op: "update", name: "carrierx-did-15162065574" },
            { op: "update", name: "didww-did-16091609123456798" },
            { op: "update", name: "didww-group-eu-primary" },
          ]);
          expect(patches(since)).toEqual([]);
          expect(JSON.stringify([...engine.state])).toBe(state);
        });

        it("didroute plan exits 2 and lists the same three, in every format", async () => {
          const json = await plan(["--format", "json", "--detailed-exitcode"]);
          expect(json.code).toBe(2);
          planned = JSON.parse(json.stdout);
          expect(planned.changes.map((c: any) => [c.kind, c.target.number ?? c.target.name, c.from, c.to])).toEqual([
            [
              "DidTrunkAssignment",
              "+16091609123456798",
              { trunk: { id: byName(sandbox.didww.trunks(), "pbx-london").id, name: "pbx-london" } },
              { trunkGroup: { id: eu.id, name: "eu-primary" } },
            ],
            [
              "TrunkGroupMembership",
              "eu-primary",
              { trunks: [{ id: byName(sandbox.didww.trunks(), "pbx-frankfurt").id, name: "pbx-frankfurt" }] },
              {
                trunks: [
                  { id: byName(sandbox.didww.trunks(), "pbx-frankfurt").id, name: "pbx-frankfurt" },
                  { id: byName(sandbox.didww.trunks(), "pbx-dublin").id, name: "pbx-dublin" },
                ],
              },
            ],
            [
              "DidTrunkGroupAssignment",
              "+15162065574",
              { trunkGroup: { id: byName(sandbox.carrierx.trunkGroups(), "lab").sid, name: "lab" } },
              { trunkGroup: { id: byName(sandbox.carrierx.trunkGroups(), "us-east").sid, name: "us-east" } },
            ],
          ]);
          const markdown = await plan(["--format", "markdown", "--detailed-exitcode"]);
          expect(markdown.code).toBe(2);
          expect(markdown.stdout).toContain("| CarrierX DID `+15162065574` | trunk group `lab` | trunk group `us-east` | 23 |");
          const text = await plan([]);
          expect(text.code).toBe(0);
          expect(text.stdout.split("\n")[0]).toBe("routing.yaml: 3 changes, 5 in sync");
        });

        it("up --refresh reverts them with exactly the requests the plan printed; then both find nothing", async () => {
          const { declared } = first;
          const since = mark();
          // `pulumi up --refresh`: the reads, then the update, in one command.
          const refreshed = await engine.refresh();
          expect(refreshed.failures).toEqual([]);
          const result = await engine.up(declared);
          expect(result.failures).toEqual([]);
          expect(changes(result).map((s) => s.name).sort()).toEqual([
            "carrierx-did-15162065574",
            "didww-did-16091609123456798",
            "didww-group-eu-primary",
          ]);
          const sent = patches(since).map((r) => ({ method: r.method, path: r.path, body: r.body }));
          const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
          expect(sent.sort(byPath)).toEqual(planned.changes.map((c) => c.request).sort(byPath));
          expect(liveRouting()).toEqual(applied);
          expect((await plan(["--detailed-exitcode"])).code).toBe(0);
          expect(changes(await engine.preview(declared, { refresh: true }))).toEqual([]);
        });
      });

      it("destroy clears everything the file declared and nothing else", async () => {
        const result = await engine.destroy();
        expect(result.failures).toEqual([]);
        const after = liveRouting();
        for (const number of ["+16091609123456797", "+16091609123456798", "+442037691880", "+493012345678"]) {
          expect(after.didww[number], number).toEqual({ trunk: null, trunkGroup: null });
        }
        expect(after.didww["+16091609123456799"]).toEqual({ trunk: "pbx-lab", trunkGroup: null });
        expect(after.groups).toEqual({ "eu-primary": [], "us-backup": [], lab: ["pbx-lab"] });
        expect(after.carrierx).toEqual({ "+15162065574": null, "+15162065575": null, "+15162065576": "lab" });
      });
    });
  });
}

import { describe, expect, it } from "vitest";
import { createDidwwSandbox } from "../../sandbox/didww";
import { type Declared } from "./engine";
import { useEngineFixture } from "./fixture";
import { CAPTURE_SECRET, MODE_LABELS, type Mode } from "../setup/projects";
import { secret } from "./host";

/**
The DIDWW resources through @pulumi/pulumi's real dynamic-provider host (shared by phases where that cannot
matter, a new one per phase where a new process is the point; see hosts.ts), against the DIDWW sandbox on 127.0.0.1.
Run for a repository checkout and for a project that installed the packed tarball: the same provider text must work
in both.
*/
export const API_KEY = "didww-test-key-5f1c9a7e2b";
export const ids = {
  didA: "9df99644-f1a5-4a3c-99a4-559d758eb96b",
  didB: "2a0c5e1e-8f5b-4d0e-9d8a-1f6a2b3c4d5e",
  trunk1: "41b94706-325e-4704-a433-d65105758836",
  trunk2: "ca7da6d0-aa0b-447d-8fc0-1bc58b51298c",
  trunk3: "e9c1b7e9-253b-46c8-b7e9-5a930ab594c5",
  group: "714e8148-0aea-4cb6-8680-bd1d06453418",
  group2: "b2319703-ce6c-480d-bb53-614e7abcfc96",
};
const DID = "didww:DidTrunkAssignment";
const MEMBERS = "didww:TrunkGroupMembership";

/** The world the suite (and the fault matrix) runs in. */
export function didwwSeed() {
  return {
    trunks: [
      { id: ids.trunk1, name: "pbx-frankfurt" },
      { id: ids.trunk2, name: "pbx-dublin" },
      { id: ids.trunk3, name: "pbx-paris" },
    ],
    trunkGroups: [
      { id: ids.group, name: "eu-primary", trunkIds: [ids.trunk3] },
      { id: ids.group2, name: "eu-backup", trunkIds: [] },
    ],
    dids: [
      { id: ids.didA, number: "16091609123456797", trunkGroupId: ids.group },
      { id: ids.didB, number: "4930123456789", trunkId: null },
    ],
  };
}

export function defineDidwwEngineSuite(mode: Mode): void {
  describe(`DIDWW resources through the dynamic-provider host (${MODE_LABELS[mode]})`, () => {
    const f = useEngineFixture({
      mode,
      sandbox: () => createDidwwSandbox({ apiKey: API_KEY, seed: didwwSeed() }),
      basePath: "/v3",
      config: (url) => ({ "didww:apiKey": secret(API_KEY), "didww:endpoint": url }),
    });
    const engine = f.engine;
    const patches = () => f.sandbox.requests.filter((r) => r.method === "PATCH");
    const program = (): Declared[] => [
      { name: "a", kind: DID, inputs: { didId: ids.didA, trunkId: ids.trunk1 } },
      { name: "b", kind: DID, inputs: { didId: ids.didB, trunkGroupId: ids.group } },
      { name: "g", kind: MEMBERS, inputs: { trunkGroupId: ids.group, trunkIds: [ids.trunk2, ids.trunk1] } },
    ];

    it("serializes a small provider without the API key", () => {
      for (const kind of [DID, MEMBERS]) {
        const text = f.providers[kind]!;
        expect(text).toContain(`"${kind}"`);
        expect(text).not.toContain(CAPTURE_SECRET);
        expect(text.length).toBeLessThan(4096);
      }
    });

    it("up, refresh, up again and destroy: one PATCH per change, outputs as DIDWW reports them", async () => {
      // Refresh and destroy start hosts of their own, as the CLI's commands do: they run the stored provider text in
      // a process that never ran the program.
      const stack = f.engineWithNewHostsForRefreshAndDestroy();
      const up = await stack.up(program());
      expect(up.failures).toEqual([]);
      expect(up.steps.map((s) => s.op)).toEqual(["create", "create", "create"]);
      expect(patches().map((r) => r.path)).toEqual([
        `/v3/dids/${ids.didA}`,
        `/v3/dids/${ids.didB}`,
        `/v3/voice_in_trunk_groups/${ids.group}`,
      ]);
      expect(patches()[0]!.body).toEqual({
        data: {
          type: "dids",
          id: ids.didA,
          relationships: {
            voice_in_trunk: { data: { type: "voice_in_trunks", id: ids.trunk1 } },
            voice_in_trunk_group: { data: null },
          },
        },
      });
      expect(f.sandbox.did(ids.didA)).toMatchObject({ trunkId: ids.trunk1, trunkGroupId: null });
      expect(f.sandbox.did(ids.didB)).toMatchObject({ trunkId: null, trunkGroupId: ids.group });
      expect(new Set(f.sandbox.trunkGroupMembers(ids.group))).toEqual(new Set([ids.trunk1, ids.trunk2]));
      const { __provider, ...outA } = stack.output("a", DID)!;
      expect(__provider).toBe(f.providers[DID]);
      expect(outA).toEqual({ didId: ids.didA, trunkId: ids.trunk1, trunkGroupId: null, number: "16091609123456797" });
      expect(stack.output("b", DID)).toMatchObject({ trunkId: null, trunkGroupId: ids.group, number: "4930123456789" });
      expect(stack.output("g", MEMBERS)).toMatchObject({ trunkGroupId: ids.group, trunkIds: [ids.trunk2, ids.trunk1] });

      const before = f.sandbox.requests.length;
      const refresh = await stack.refresh();
      expect(refresh.failures).toEqual([]);
      const reads = f.sandbox.requests.slice(before);
      expect(reads.map((r) => `${r.method} ${r.path} ${r.query["include"]}`)).toEqual([
        `GET /v3/dids/${ids.didA} voice_in_trunk,voice_in_trunk_group`,
        `GET /v3/dids/${ids.didB} voice_in_trunk,voice_in_trunk_group`,
        `GET /v3/voice_in_trunk_groups/${ids.group} voice_in_trunks`,
      ]);
      // Refresh keeps the declared order of the members, whatever order DIDWW lists them in.
      expect(stack.output("g", MEMBERS)!["trunkIds"]).toEqual([ids.trunk2, ids.trunk1]);

      const again = await stack.up(program());
      expect(again.steps.map((s) => s.op)).toEqual(["same", "same", "same"]);
      expect(f.sandbox.requests.length).toBe(before + 3);

      const moved = program();
      moved[0] = { name: "a", kind: DID, inputs: { didId: ids.didA, trunkGroupId: ids.group2 } };
      moved[2] = { name: "g", kind: MEMBERS, inputs: { trunkGroupId: ids.group, trunkIds: [ids.trunk1, ids.trunk2] } };
      const switched = await stack.up(moved);
      expect(switched.steps.map((s) => s.op)).toEqual(["update", "same", "same"]);
      expect(f.sandbox.requests.length).toBe(before + 4);
      expect(patches().at(-1)!.body).toEqual({
        data: {
          type: "dids",
          id: ids.didA,
          relationships: {
            voice_in_trunk_group: { data: { type: "voice_in_trunk_groups", id: ids.group2 } },
            voice_in_trunk: { data: null },
          },
        },
      });
      expect(stack.output("a", DID)).toMatchObject({ trunkId: null, trunkGroupId: ids.group2 });

      const destroy = await stack.destroy();
      expect(destroy.failures).toEqual([]);
      expect(f.sandbox.did(ids.didA)).toMatchObject({ trunkId: null, trunkGroupId: null });
      expect(f.sandbox.did(ids.didB)).toMatchObject({ trunkId: null, trunkGroupId: null });
      expect(f.sandbox.trunkGroupMembers(ids.group)).toEqual([]);
      expect(patches().at(-3)!.body).toMatchObject({ data: { relationships: { voice_in_trunks: { data: [] } } } });
      expect(stack.state.size).toBe(0);
    });

    it("refresh finds routing changed by hand and the next up restores the declaration", async () => {
      const stack = engine();
      await stack.up(program());
      f.sandbox.setDidRouting(ids.didA, { trunkId: ids.trunk3, trunkGroupId: null });
      f.sandbox.setTrunkGroupMembers(ids.group, [ids.trunk1]);

      // Without a refresh the state still says all is well, as Pulumi would.
      expect((await stack.up(program())).steps.map((s) => s.op)).toEqual(["same", "same", "same"]);

      await stack.refresh();
      expect(stack.output("a", DID)).toMatchObject({ trunkId: ids.trunk3, trunkGroupId: null });
      expect(stack.output("g", MEMBERS)!["trunkIds"]).toEqual([ids.trunk1]);
      expect((await stack.up(program(), { dryRun: true })).steps.map((s) => s.op)).toEqual(["update", "same", "update"]);

      const restore = await stack.up(program());
      expect(restore.steps.map((s) => s.op)).toEqual(["update", "same", "update"]);
      expect(f.sandbox.did(ids.didA)).toMatchObject({ trunkId: ids.trunk1, trunkGroupId: null });
      expect(new Set(f.sandbox.trunkGroupMembers(ids.group))).toEqual(new Set([ids.trunk1, ids.trunk2]));
    });

    it("a DID that left the account is dropped from state on refresh, and destroy of a gone DID succeeds", async () => {
      const stack = engine();
      await stack.up(program());
      f.sandbox.removeDid(ids.didA);
      const refresh = await stack.refresh();
      expect(refresh.failures).toEqual([]);
      expect(refresh.steps).toContainEqual({ op: "gone", name: "a" });
      expect(stack.output("a", DID)).toBeUndefined();

      f.sandbox.removeDid(ids.didB);
      const destroy = await stack.destroy();
      expect(destroy.failures).toEqual([]);
      expect(stack.state.size).toBe(0);
    });

    it("renaming resources in one deployment never unroutes the DID or empties the group", async () => {
      const stack = engine();
      await stack.up(program());
      const renamed = program().map((r) => ({ ...r, name: `${r.name}-renamed` }));
      const up = await stack.up(renamed);
      expect(up.failures).toEqual([]);
      expect(up.steps.map((s) => `${s.op} ${s.name}`)).toEqual([
        "create a-renamed",
        "create b-renamed",
        "create g-renamed",
        "delete a",
        "delete b",
        "delete g",
      ]);
      expect(f.sandbox.did(ids.didA)).toMatchObject({ trunkId: ids.trunk1, trunkGroupId: null });
      expect(f.sandbox.did(ids.didB)).toMatchObject({ trunkId: null, trunkGroupId: ids.group });
      expect(new Set(f.sandbox.trunkGroupMembers(ids.group))).toEqual(new Set([ids.trunk1, ids.trunk2]));
      expect(up.log).toContain(`DID ${ids.didA} was routed by another resource in this deployment`);

      // In a later deployment, removing the resource does clear: the claim lived only in that process.
      const removed = await stack.up(renamed.slice(1));
      expect(removed.steps.map((s) => `${s.op} ${s.name}`)).toContain("delete a-renamed");
      expect(f.sandbox.did(ids.didA)).toMatchObject({ trunkId: null, trunkGroupId: null });
    });

    it("moving a DID between resources with a new trunk keeps the new routing", async () => {
      const stack = engine();
      await stack.up(program());
      const moved: Declared[] = [
        { name: "a", kind: DID, inputs: { didId: ids.didB, trunkId: ids.trunk2 } },
        { name: "b", kind: DID, inputs: { didId: ids.didA, trunkGroupId: ids.group2 } },
      ];
      const up = await stack.up(moved);
      expect(up.failures).toEqual([]);
      expect(up.steps.map((s) => `${s.op} ${s.name}`)).toEqual(["replace a", "replace b", "delete a", "delete b", "delete g"]);
      expect(f.sandbox.did(ids.didA)).toMatchObject({ trunkId: null, trunkGroupId: ids.group2 });
      expect(f.sandbox.did(ids.didB)).toMatchObject({ trunkId: ids.trunk2, trunkGroupId: null });
    });

    it("a new didId replaces: the new DID is routed, the old one unrouted", async () => {
      const stack = engine();
      await stack.up(program().slice(0, 1));
      const up = await stack.up([{ name: "a", kind: DID, inputs: { didId: ids.didB, trunkId: ids.trunk1 } }]);
      expect(up.steps.map((s) => s.op)).toEqual(["replace", "delete"]);
      expect(f.sandbox.did(ids.didB)).toMatchObject({ trunkId: ids.trunk1 });
      expect(f.sandbox.did(ids.didA)).toMatchObject({ trunkId: null, trunkGroupId: null });
      expect(stack.output("a", DID)).toMatchObject({ didId: ids.didB });
    });

    it("check rejects bad input by property name and sends no request; preview accepts unknown values", async () => {
      const stack = engine();
      const up = await stack.up([
        { name: "bad-id", kind: DID, inputs: { didId: "not-a-uuid", trunkId: ids.trunk1 } },
        { name: "both", kind: DID, inputs: { didId: ids.didA, trunkId: ids.trunk1, trunkGroupId: ids.group } },
        { name: "dupes", kind: MEMBERS, inputs: { trunkGroupId: ids.group, trunkIds: [ids.trunk1, ids.trunk1] } },
      ]);
      expect(up.failures).toEqual([
        { name: "bad-id", rpc: "check", message: "check failed", failures: [expect.objectContaining({ property: "didId" })] },
        { name: "both", rpc: "check", message: "check failed", failures: [expect.objectContaining({ property: "trunkGroupId" })] },
        { name: "dupes", rpc: "check", message: "check failed", failures: [expect.objectContaining({ property: "trunkIds[1]" })] },
      ]);
      expect(f.sandbox.requests).toEqual([]);

      const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
      const preview = await stack.up(
        [
          { name: "a", kind: DID, inputs: { didId: ids.didA, trunkId: unknown } },
          { name: "g", kind: MEMBERS, inputs: { trunkGroupId: ids.group, trunkIds: [unknown] } },
        ],
        { dryRun: true },
      );
      expect(preview.failures).toEqual([]);
      expect(preview.steps.map((s) => s.op)).toEqual(["create", "create"]);
      expect(f.sandbox.requests).toEqual([]);
    });

    it("DIDWW's refusal reaches the user with its detail and pointer", async () => {
      const stack = engine();
      const unknownTrunk = "00000000-0000-4000-8000-000000000000";
      const up = await stack.up([{ name: "a", kind: DID, inputs: { didId: ids.didA, trunkId: unknownTrunk } }]);
      expect(up.failures).toHaveLength(1);
      expect(up.failures[0]!.message).toBe(
        `DIDWW refused PATCH /v3/dids/${ids.didA} for DID ${ids.didA} (422): ` +
          "voice_in_trunk - is invalid (at /data/attributes/voice_in_trunk_id)",
      );
      expect(stack.state.size).toBe(0);
      // A refused key (401): bad-input.engine.test.ts, for every kind at once.
    });

    // No credential at all: bad-input.engine.test.ts, with the other settings refused before any request.
    it("credentials: config wins over the environment, and the environment works alone", async () => {
      const both = engine({
        config: { "didww:apiKey": secret(API_KEY), "didww:endpoint": f.url },
        env: { DIDWW_API_KEY: "stale-env-key", DIDWW_ENDPOINT: "http://127.0.0.1:9/v3" },
      });
      expect((await both.up(program().slice(0, 1))).failures).toEqual([]);
      expect(f.sandbox.requests.at(-1)!.headers["api-key"]).toBe(API_KEY);

      const envOnly = engine({ config: {}, env: { DIDWW_API_KEY: API_KEY, DIDWW_ENDPOINT: f.url } });
      const up = await envOnly.up(program().slice(1, 2));
      expect(up.failures).toEqual([]);
      expect(f.sandbox.did(ids.didB)).toMatchObject({ trunkGroupId: ids.group });

    });

    it("sends the documented headers and the pre-2021-12-15 names when an old API version is configured", async () => {
      const stack = engine({
        config: { "didww:apiKey": secret(API_KEY), "didww:endpoint": f.url, "didww:apiVersion": "2017-09-18" },
      });
      const up = await stack.up(program());
      expect(up.failures).toEqual([]);
      expect(patches().map((r) => r.path)).toEqual([`/v3/dids/${ids.didA}`, `/v3/dids/${ids.didB}`, `/v3/trunk_groups/${ids.group}`]);
      expect(patches()[1]!.body).toEqual({
        data: {
          type: "dids",
          id: ids.didB,
          relationships: { trunk_group: { data: { type: "trunk_groups", id: ids.group } }, trunk: { data: null } },
        },
      });
      expect(patches()[2]!.body).toEqual({
        data: {
          id: ids.group,
          type: "trunk_groups",
          relationships: {
            trunks: { data: [{ type: "trunks", id: ids.trunk2 }, { type: "trunks", id: ids.trunk1 }] },
          },
        },
      });
      for (const request of f.sandbox.requests) {
        expect(request.headers).toMatchObject({
          "content-type": "application/vnd.api+json",
          accept: "application/vnd.api+json",
          "api-key": API_KEY,
          "x-didww-api-version": "2017-09-18",
        });
      }
      await stack.refresh();
      expect(stack.output("b", DID)).toMatchObject({ trunkGroupId: ids.group, trunkId: null });
      expect(f.sandbox.requests.at(-1)!.query["include"]).toBe("trunks");
    });

    it("keeps the key out of state, outputs and the host's log across every phase", async () => {
      const stack = f.engine();
      const logs = [(await stack.up(program())).log, (await stack.refresh()).log];
      expect(JSON.stringify([...stack.state.values()])).not.toContain(API_KEY);
      logs.push((await stack.destroy()).log);
      for (const log of logs) expect(log).not.toContain(API_KEY);
    });
  });
}

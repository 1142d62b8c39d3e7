import { describe, expect, it } from "vitest";
import { createCarrierxSandbox } from "../../sandbox/carrierx";
import { type Declared } from "./engine";
import { useEngineFixture } from "./fixture";
import { CAPTURE_SECRET, MODE_LABELS, type Mode } from "../setup/projects";
import { secret } from "./host";

/**
The CarrierX resource through @pulumi/pulumi's real dynamic-provider host (shared by phases where that cannot
matter, a new one per phase where a new process is the point; see hosts.ts), against the CarrierX sandbox on 127.0.0.1.
Run for a repository checkout and for a project that installed the packed tarball: the same provider text must work
in both.
*/
export const TOKEN = "carrierx-test-token-8d41c2b7e9";
export const sids = {
  didA: "e8df62d5-07a3-4189-a67e-87585067c5fe",
  didB: "44957076-778a-4802-b60c-d22db0cda284",
  group: "c7eae0b4-5eda-4964-8998-d514903b4af0",
  group2: "e74fcf6a-bb8d-4ee0-9980-bdc24a728b9a",
  group3: "5a0f6c1e-2b7d-4c8e-9f10-3d2e1c0b9a87",
};
const KIND = "carrierx:DidTrunkGroupAssignment";
const DIDS = "/core/v2/phonenumber/dids";

/** The world the suite (and the fault matrix) runs in. */
export function carrierxSeed() {
  return {
    trunkGroups: [
      { sid: sids.group, name: "us-east" },
      { sid: sids.group2, name: "us-west" },
      { sid: sids.group3, name: "overflow" },
    ],
    dids: [
      { sid: sids.didA, phonenumber: "15162065574", trunkGroupSid: sids.group3 },
      { sid: sids.didB, phonenumber: "15162065575", trunkGroupSid: null },
    ],
  };
}

export function defineCarrierxEngineSuite(mode: Mode): void {
  describe(`CarrierX resource through the dynamic-provider host (${MODE_LABELS[mode]})`, () => {
    const f = useEngineFixture({
      mode,
      sandbox: () => createCarrierxSandbox({ token: TOKEN, seed: carrierxSeed() }),
      basePath: "/core/v2",
      config: (url) => ({ "carrierx:token": secret(TOKEN), "carrierx:endpoint": url }),
    });
    const engine = f.engine;
    const wire = (from = 0) => f.sandbox.requests.slice(from).map((r) => `${r.method} ${r.path} ${JSON.stringify(r.body)}`);
    const program = (): Declared[] => [
      { name: "a", kind: KIND, inputs: { didSid: sids.didA, trunkGroupSid: sids.group } },
      { name: "b", kind: KIND, inputs: { didSid: sids.didB, trunkGroupSid: sids.group } },
    ];

    it("serializes a small provider without the token", () => {
      const text = f.providers[KIND]!;
      expect(text).toContain(`"${KIND}"`);
      expect(text).not.toContain(TOKEN);
      expect(text.length).toBeLessThan(4096);
    });

    it("up, refresh, up again, update and destroy: one PATCH of only trunk_group_sid per change, never a PUT", async () => {
      // Refresh and destroy start hosts of their own, as the CLI's commands do: they run the stored provider text in
      // a process that never ran the program.
      const stack = f.engineWithNewHostsForRefreshAndDestroy();
      const up = await stack.up(program());
      expect(up.failures).toEqual([]);
      expect(up.steps.map((s) => s.op)).toEqual(["create", "create"]);
      // Create adopts: didA was on group3 before, and nothing is read first.
      expect(wire()).toEqual([
        `PATCH ${DIDS}/${sids.didA} {"trunk_group_sid":"${sids.group}"}`,
        `PATCH ${DIDS}/${sids.didB} {"trunk_group_sid":"${sids.group}"}`,
      ]);
      for (const request of f.sandbox.requests) {
        expect(request.headers).toMatchObject({
          "content-type": "application/json",
          accept: "application/json",
          authorization: `Bearer ${TOKEN}`,
        });
      }
      expect(f.sandbox.did(sids.didA)).toMatchObject({ trunk_group_sid: sids.group, name: "N/A" });
      const { __provider, ...outA } = stack.output("a", KIND)!;
      expect(__provider).toBe(f.providers[KIND]);
      expect(outA).toEqual({ didSid: sids.didA, trunkGroupSid: sids.group, phonenumber: "15162065574" });
      expect(stack.state.get(`urn:pulumi:test::didroute::pulumi-nodejs:dynamic/${KIND}::a`)!.id).toBe(sids.didA);

      const before = f.sandbox.requests.length;
      const refresh = await stack.refresh();
      expect(refresh.failures).toEqual([]);
      expect(wire(before)).toEqual([`GET ${DIDS}/${sids.didA} undefined`, `GET ${DIDS}/${sids.didB} undefined`]);

      const again = await stack.up(program());
      expect(again.steps.map((s) => s.op)).toEqual(["same", "same"]);
      expect(f.sandbox.requests.length).toBe(before + 2);

      const moved = program();
      moved[1] = { name: "b", kind: KIND, inputs: { didSid: sids.didB, trunkGroupSid: sids.group2 } };
      const update = await stack.up(moved);
      expect(update.steps.map((s) => s.op)).toEqual(["same", "update"]);
      expect(wire(before + 2)).toEqual([`PATCH ${DIDS}/${sids.didB} {"trunk_group_sid":"${sids.group2}"}`]);
      expect(stack.output("b", KIND)).toMatchObject({ trunkGroupSid: sids.group2, phonenumber: "15162065575" });

      const destroy = await stack.destroy();
      expect(destroy.failures).toEqual([]);
      expect(wire(before + 3)).toEqual([
        `PATCH ${DIDS}/${sids.didB} {"trunk_group_sid":null}`,
        `PATCH ${DIDS}/${sids.didA} {"trunk_group_sid":null}`,
      ]);
      expect(f.sandbox.did(sids.didA)).toMatchObject({ trunk_group_sid: null });
      expect(f.sandbox.did(sids.didB)).toMatchObject({ trunk_group_sid: null });
      expect(stack.state.size).toBe(0);
      expect(f.sandbox.requests.filter((r) => r.method !== "GET" && r.method !== "PATCH")).toEqual([]);
    });

    it("refresh finds a trunk group changed or cleared by hand and the next up restores the declaration", async () => {
      const stack = engine();
      await stack.up(program());
      f.sandbox.setDidTrunkGroup(sids.didA, sids.group3);
      f.sandbox.setDidTrunkGroup(sids.didB, null);

      // Without a refresh the state still says all is well, as Pulumi would.
      expect((await stack.up(program())).steps.map((s) => s.op)).toEqual(["same", "same"]);

      await stack.refresh();
      expect(stack.output("a", KIND)).toMatchObject({ trunkGroupSid: sids.group3 });
      expect(stack.output("b", KIND)).toMatchObject({ trunkGroupSid: null });
      expect((await stack.up(program(), { dryRun: true })).steps.map((s) => s.op)).toEqual(["update", "update"]);

      const before = f.sandbox.requests.length;
      const restore = await stack.up(program());
      expect(restore.steps.map((s) => s.op)).toEqual(["update", "update"]);
      expect(wire(before)).toEqual([
        `PATCH ${DIDS}/${sids.didA} {"trunk_group_sid":"${sids.group}"}`,
        `PATCH ${DIDS}/${sids.didB} {"trunk_group_sid":"${sids.group}"}`,
      ]);
      expect(f.sandbox.did(sids.didB)).toMatchObject({ trunk_group_sid: sids.group });
    });

    it("a DID that left the account is dropped from state on refresh, and destroy of a gone DID succeeds", async () => {
      const stack = engine();
      await stack.up(program());
      f.sandbox.removeDid(sids.didA);
      const refresh = await stack.refresh();
      expect(refresh.failures).toEqual([]);
      expect(refresh.steps).toEqual([
        { op: "gone", name: "a" },
        { op: "refresh", name: "b" },
      ]);
      expect(stack.output("a", KIND)).toBeUndefined();

      f.sandbox.removeDid(sids.didB);
      const destroy = await stack.destroy();
      expect(destroy.failures).toEqual([]);
      expect(stack.state.size).toBe(0);
    });

    it("renaming resources in one deployment never clears the DID's trunk group", async () => {
      const stack = engine();
      await stack.up(program());
      const renamed = program().map((r) => ({ ...r, name: `${r.name}-renamed` }));
      const before = f.sandbox.requests.length;
      const up = await stack.up(renamed);
      expect(up.failures).toEqual([]);
      expect(up.steps.map((s) => `${s.op} ${s.name}`)).toEqual(["create a-renamed", "create b-renamed", "delete a", "delete b"]);
      // The deletes sent nothing: only the two creates reached CarrierX.
      expect(wire(before)).toEqual([
        `PATCH ${DIDS}/${sids.didA} {"trunk_group_sid":"${sids.group}"}`,
        `PATCH ${DIDS}/${sids.didB} {"trunk_group_sid":"${sids.group}"}`,
      ]);
      expect(f.sandbox.did(sids.didA)).toMatchObject({ trunk_group_sid: sids.group });
      expect(up.log).toContain(`DID ${sids.didA} was assigned by another resource in this deployment`);

      // In a later deployment, removing the resource does clear: the claim lived only in that process.
      const removed = await stack.up(renamed.slice(1));
      expect(removed.steps.map((s) => `${s.op} ${s.name}`)).toEqual(["same b-renamed", "delete a-renamed"]);
      expect(f.sandbox.did(sids.didA)).toMatchObject({ trunk_group_sid: null });
    });

    it("swapping DIDs between resources with new trunk groups keeps the new assignments", async () => {
      const stack = engine();
      await stack.up(program());
      const swapped: Declared[] = [
        { name: "a", kind: KIND, inputs: { didSid: sids.didB, trunkGroupSid: sids.group2 } },
        { name: "b", kind: KIND, inputs: { didSid: sids.didA, trunkGroupSid: sids.group3 } },
      ];
      const up = await stack.up(swapped);
      expect(up.failures).toEqual([]);
      expect(up.steps.map((s) => `${s.op} ${s.name}`)).toEqual(["replace a", "replace b", "delete a", "delete b"]);
      expect(f.sandbox.did(sids.didA)).toMatchObject({ trunk_group_sid: sids.group3 });
      expect(f.sandbox.did(sids.didB)).toMatchObject({ trunk_group_sid: sids.group2 });
    });

    it("a new didSid replaces: the new DID is assigned, then the old one cleared", async () => {
      const stack = engine();
      await stack.up(program().slice(0, 1));
      const before = f.sandbox.requests.length;
      const up = await stack.up([{ name: "a", kind: KIND, inputs: { didSid: sids.didB, trunkGroupSid: sids.group } }]);
      expect(up.steps.map((s) => s.op)).toEqual(["replace", "delete"]);
      expect(wire(before)).toEqual([
        `PATCH ${DIDS}/${sids.didB} {"trunk_group_sid":"${sids.group}"}`,
        `PATCH ${DIDS}/${sids.didA} {"trunk_group_sid":null}`,
      ]);
      expect(stack.output("a", KIND)).toMatchObject({ didSid: sids.didB });
    });

    it("check rejects bad input by property name and sends no request; preview accepts unknown values", async () => {
      const stack = engine();
      const up = await stack.up([
        { name: "bad-sid", kind: KIND, inputs: { didSid: "15162065574", trunkGroupSid: sids.group } },
        { name: "no-group", kind: KIND, inputs: { didSid: sids.didA } },
      ]);
      expect(up.failures).toEqual([
        {
          name: "bad-sid",
          rpc: "check",
          message: "check failed",
          failures: [{ property: "didSid", reason: 'didSid must be a CarrierX DID sid (a UUID), got "15162065574"' }],
        },
        {
          name: "no-group",
          rpc: "check",
          message: "check failed",
          failures: [{ property: "trunkGroupSid", reason: "trunkGroupSid is required: the CarrierX trunk group sid (a UUID)" }],
        },
      ]);
      const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
      const preview = await stack.up([{ name: "a", kind: KIND, inputs: { didSid: sids.didA, trunkGroupSid: unknown } }], {
        dryRun: true,
      });
      expect(preview.failures).toEqual([]);
      expect(preview.steps.map((s) => s.op)).toEqual(["create"]);
      expect(f.sandbox.requests).toEqual([]);
    });

    it("CarrierX's 422 reaches the user with its meaning", async () => {
      const stack = engine();
      const missingGroup = "00000000-0000-4000-8000-000000000000";
      const up = await stack.up([{ name: "a", kind: KIND, inputs: { didSid: sids.didA, trunkGroupSid: missingGroup } }]);
      expect(up.failures).toEqual([
        {
          name: "a",
          rpc: "create",
          message:
            `CarrierX refused PATCH ${DIDS}/${sids.didA} for DID ${sids.didA} (422): object validation error: ` +
            `trunk group not found (at trunk_group_sid, reference ${missingGroup})`,
        },
      ]);
      expect(stack.state.size).toBe(0);
      expect(f.sandbox.did(sids.didA)).toMatchObject({ trunk_group_sid: sids.group3 });
      // A refused token (401): bad-input.engine.test.ts, for every kind at once.
    });

    // No credential at all: bad-input.engine.test.ts, with the other settings refused before any request.
    it("credentials: config wins over the environment, and the environment works alone", async () => {
      const both = engine({
        config: { "carrierx:token": secret(TOKEN), "carrierx:endpoint": f.url },
        env: { CARRIERX_TOKEN: "stale-env-token", CARRIERX_ENDPOINT: "http://127.0.0.1:9/core/v2" },
      });
      expect((await both.up(program().slice(0, 1))).failures).toEqual([]);
      expect(f.sandbox.requests.at(-1)!.headers["authorization"]).toBe(`Bearer ${TOKEN}`);

      const envOnly = engine({ config: {}, env: { CARRIERX_TOKEN: TOKEN, CARRIERX_ENDPOINT: f.url } });
      expect((await envOnly.up(program().slice(1, 2))).failures).toEqual([]);
      expect(f.sandbox.did(sids.didB)).toMatchObject({ trunk_group_sid: sids.group });
    });

    it("keeps the token out of state, outputs and the host's log across every phase", async () => {
      const stack = f.engine();
      const logs = [(await stack.up(program())).log, (await stack.refresh()).log];
      expect(JSON.stringify([...stack.state.values()])).not.toContain(TOKEN);
      logs.push((await stack.destroy()).log);
      for (const log of logs) expect(log).not.toContain(TOKEN);
    });
  });
}

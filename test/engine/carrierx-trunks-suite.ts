import { describe, expect, it } from "vitest";
import { createCarrierxSandbox } from "../../sandbox/carrierx";
import { CAPTURE_SECRET, MODE_LABELS, type Mode } from "../setup/projects";
import { type Declared, type Engine } from "./engine";
import { useEngineFixture } from "./fixture";
import { secret } from "./host";

/**
CarrierX trunk groups and trunks through @pulumi/pulumi's real dynamic-provider host, against the CarrierX sandbox on
127.0.0.1, together with the DID assignments that use them. A group's sid exists only once it is created, so a
program that gives it to a trunk or a DID (`trunkGroupSid: group.trunkGroupSid` in TypeScript) is written here as a
function of the stack: the engine stand-in declares plain values, in the order Pulumi's dependencies give.
*/
const TOKEN = "carrierx-trunks-token-3f9a0c";
const GROUP = "carrierx:TrunkGroup";
const TRUNK = "carrierx:Trunk";
const ASSIGNMENT = "carrierx:DidTrunkGroupAssignment";
const sids = {
  didA: "e8df62d5-07a3-4189-a67e-87585067c5fe",
  didB: "44957076-778a-4802-b60c-d22db0cda284",
  east: "c7eae0b4-5eda-4964-8998-d514903b4af0",
  eastTrunk: "fd97153a-e466-4de6-9484-c3d4dde72b85",
};

/** A group made by hand in the portal ("us-east", with one trunk) and two DIDs with no group yet. */
function seed() {
  return {
    trunkGroups: [{ sid: sids.east, name: "us-east", trunks: [{ sid: sids.eastTrunk, name: "pbx-legacy" }] }],
    dids: [
      { sid: sids.didA, phonenumber: "15162065574", trunkGroupSid: null },
      { sid: sids.didB, phonenumber: "15162065575", trunkGroupSid: null },
    ],
  };
}

export function defineCarrierxTrunksEngineSuite(mode: Mode): void {
  describe(`CarrierX trunk groups and trunks through the dynamic-provider host (${MODE_LABELS[mode]})`, () => {
    const f = useEngineFixture({
      mode,
      sandbox: () => createCarrierxSandbox({ token: TOKEN, seed: seed() }),
      basePath: "/core/v2",
      config: (url) => ({ "carrierx:token": secret(TOKEN), "carrierx:endpoint": url }),
    });
    /** What CarrierX received since `from`: method, path, query and body. */
    const wire = (from = 0) =>
      f.sandbox.requests.slice(from).map((r) => {
        const query = new URLSearchParams(r.query).toString();
        return `${r.method} ${r.path}${query ? `?${query}` : ""}${r.body === undefined ? "" : ` ${JSON.stringify(r.body)}`}`;
      });
    const sidOf = (stack: Engine, name: string) => stack.output(name, GROUP)!["trunkGroupSid"] as string;
    const list = "limit=1000&offset=0";

    it("serializes small provider texts without the token the program had", () => {
      for (const kind of [GROUP, TRUNK]) {
        expect(f.providers[kind]).toContain(`"${kind}"`);
        expect(f.providers[kind]).not.toContain(CAPTURE_SECRET);
        expect(f.providers[kind]!.length).toBeLessThan(4096);
      }
    });

    it("creates, sends nothing when unchanged, reverts hand changes of declared fields only, updates, and deletes in dependency order", async () => {
      const stack = f.engineWithNewHostsForRefreshAndDestroy();
      const logs: string[] = [];
      const group: Declared = {
        name: "voice",
        kind: GROUP,
        inputs: { name: "voice-primary", hardFailureThreshold: 5, hardFailureLastResort: "reject503" },
      };
      const up1 = await stack.up([group]);
      logs.push(up1.log);
      expect(up1.failures).toEqual([]);
      const G = sidOf(stack, "voice");
      expect(wire()).toEqual([
        `GET /core/v2/trunk_groups?${list}`,
        'POST /core/v2/trunk_groups {"name":"voice-primary","hard_failure_last_resort":"reject503","hard_failure_threshold":5}',
      ]);
      const { __provider, ...groupOuts } = stack.output("voice", GROUP)!;
      expect(__provider).toBe(f.providers[GROUP]);
      // CarrierX's defaults show in the outputs; the id is the sid.
      expect(groupOuts).toMatchObject({ trunkGroupSid: G, name: "voice-primary", hardFailureThreshold: 5, hardFailureCooldown: 120, routingType: "failover" });
      expect(f.sandbox.trunkGroup(G)).toMatchObject({ name: "voice-primary", hard_failure_threshold: 5, hard_failure_last_resort: "reject503" });

      // The trunk and the DID take the group's sid, as `group.trunkGroupSid` gives it to them.
      const program = (trunkFields: Record<string, unknown> = { inCapacity: 30, allowForward: "reroute" }): Declared[] => [
        group,
        { name: "fra", kind: TRUNK, inputs: { trunkGroupSid: G, name: "pbx-fra", ...trunkFields } },
        { name: "did", kind: ASSIGNMENT, inputs: { didSid: sids.didA, trunkGroupSid: G } },
      ];
      let from = f.sandbox.requests.length;
      const up2 = await stack.up(program());
      logs.push(up2.log);
      expect(up2.steps.map((s) => s.op)).toEqual(["same", "create", "create"]);
      const T = stack.output("fra", TRUNK)!["trunkSid"] as string;
      expect(wire(from)).toEqual([
        `GET /core/v2/trunk_groups/${G}/trunks?${list}`,
        `POST /core/v2/trunk_groups/${G}/trunks {"name":"pbx-fra","allow_forward":"reroute","in_capacity":30}`,
        `PATCH /core/v2/phonenumber/dids/${sids.didA} {"trunk_group_sid":"${G}"}`,
      ]);
      expect(f.sandbox.trunk(T)).toMatchObject({ trunkGroupSid: G, trunk: { name: "pbx-fra", in_capacity: 30, weight: 0 } });
      expect(stack.output("fra", TRUNK)).toMatchObject({ trunkGroupSid: G, inCapacity: 30, allowForward: "reroute", weight: 0, codec: null });

      // Unchanged: CarrierX's defaults never make a diff, and nothing is sent.
      from = f.sandbox.requests.length;
      expect((await stack.up(program())).steps.map((s) => s.op)).toEqual(["same", "same", "same"]);
      expect(wire(from)).toEqual([]);

      // By hand: one declared and one undeclared field of each.
      f.sandbox.setTrunkGroupFields(G, { hard_failure_threshold: 9, hard_failure_cooldown: 30 });
      f.sandbox.setTrunkFields(T, { in_capacity: 5, weight: 4 });
      const refresh = await stack.refresh();
      logs.push(refresh.log);
      expect(refresh.failures).toEqual([]);
      expect(wire(from)).toEqual([
        `GET /core/v2/trunk_groups/${G}`,
        `GET /core/v2/trunk_groups/${G}/trunks/${T}`,
        `GET /core/v2/phonenumber/dids/${sids.didA}`,
      ]);
      expect(stack.output("voice", GROUP)).toMatchObject({ hardFailureThreshold: 9, hardFailureCooldown: 30 });
      expect(stack.output("fra", TRUNK)).toMatchObject({ inCapacity: 5, weight: 4 });
      expect((await stack.preview(program())).steps.map((s) => s.op)).toEqual(["update", "update", "same"]);

      from = f.sandbox.requests.length;
      const revert = await stack.up(program());
      logs.push(revert.log);
      expect(revert.steps.map((s) => s.op)).toEqual(["update", "update", "same"]);
      expect(wire(from)).toEqual([
        `PATCH /core/v2/trunk_groups/${G} {"name":"voice-primary","hard_failure_last_resort":"reject503","hard_failure_threshold":5}`,
        `PATCH /core/v2/trunk_groups/${G}/trunks/${T} {"name":"pbx-fra","allow_forward":"reroute","in_capacity":30}`,
      ]);
      // The fields the program leaves out keep what was set by hand.
      expect(f.sandbox.trunkGroup(G)).toMatchObject({ hard_failure_threshold: 5, hard_failure_cooldown: 30 });
      expect(f.sandbox.trunk(T)?.trunk).toMatchObject({ in_capacity: 30, weight: 4 });

      from = f.sandbox.requests.length;
      const update = await stack.up(program({ inCapacity: 40, allowForward: "reroute", priority: 1 }));
      expect(update.steps.map((s) => s.op)).toEqual(["same", "update", "same"]);
      expect(wire(from)).toEqual([
        `PATCH /core/v2/trunk_groups/${G}/trunks/${T} {"name":"pbx-fra","allow_forward":"reroute","in_capacity":40,"priority":1}`,
      ]);
      expect(stack.output("fra", TRUNK)).toMatchObject({ trunkSid: T, inCapacity: 40, priority: 1 });
      const state = JSON.stringify([...stack.state.values()]);
      expect(state).toContain(T);

      // A DID assigned to the group by hand keeps it from being deleted: destroy removes what depends on the group
      // (the DID assignment, the trunk), then stops at the group with what still uses it.
      f.sandbox.setDidTrunkGroup(sids.didB, G);
      from = f.sandbox.requests.length;
      const blocked = await stack.destroy();
      logs.push(blocked.log);
      expect(blocked.steps.map((s) => `${s.op} ${s.name}`)).toEqual(["delete did", "delete fra"]);
      expect(blocked.failures).toEqual([
        {
          name: "voice",
          rpc: "delete",
          message:
            `CarrierX answered 409 to DELETE /core/v2/trunk_groups/${G} for trunk group ${G} ("voice-primary"): trunk group ` +
            "is in use: 1 DID assigned to the trunk group (at trunk_group_sid, reference " +
            `${sids.didB}). Still using the group: DIDs +15162065575. Assign those DIDs to another trunk group (or clear ` +
            "theirs) and delete those trunks, then delete the group again",
        },
      ]);
      expect(wire(from)).toEqual([
        `PATCH /core/v2/phonenumber/dids/${sids.didA} {"trunk_group_sid":null}`,
        `DELETE /core/v2/trunk_groups/${G}/trunks/${T}`,
        `DELETE /core/v2/trunk_groups/${G}`,
        `GET /core/v2/phonenumber/dids?${list}&trunk_group_sid=${G}`,
        `GET /core/v2/trunk_groups/${G}/trunks?${list}`,
      ]);
      expect([...stack.state.values()].map((entry) => entry.kind)).toEqual([GROUP]);
      expect(f.sandbox.trunkGroup(G)).toBeDefined();

      f.sandbox.setDidTrunkGroup(sids.didB, null);
      from = f.sandbox.requests.length;
      const destroy = await stack.destroy();
      logs.push(destroy.log);
      expect(destroy.failures).toEqual([]);
      expect(wire(from)).toEqual([`DELETE /core/v2/trunk_groups/${G}`]);
      expect(f.sandbox.trunkGroup(G)).toBeUndefined();
      expect(stack.state.size).toBe(0);

      // The token is in no state (inputs, outputs, provider text), log or error along the way.
      for (const text of [state, ...logs, JSON.stringify(blocked.failures)]) expect(text).not.toContain(TOKEN);
    });

    it("a trunk given another group is replaced: created in the new group first, then deleted from the old one", async () => {
      const stack = f.engine();
      const groups: Declared[] = [
        { name: "a", kind: GROUP, inputs: { name: "voice-a" } },
        { name: "b", kind: GROUP, inputs: { name: "voice-b" } },
      ];
      await stack.up(groups);
      const [A, B] = [sidOf(stack, "a"), sidOf(stack, "b")];
      const trunkIn = (group: string): Declared => ({ name: "pbx", kind: TRUNK, inputs: { trunkGroupSid: group, name: "pbx", weight: 3 } });
      await stack.up([...groups, trunkIn(A)]);
      const before = stack.output("pbx", TRUNK)!["trunkSid"] as string;

      const from = f.sandbox.requests.length;
      const moved = await stack.up([...groups, trunkIn(B)]);
      expect(moved.failures).toEqual([]);
      expect(moved.steps.map((s) => `${s.op} ${s.name}`)).toEqual(["same a", "same b", "replace pbx", "delete pbx"]);
      const after = stack.output("pbx", TRUNK)!["trunkSid"] as string;
      expect(wire(from)).toEqual([
        `GET /core/v2/trunk_groups/${B}/trunks?${list}`,
        `POST /core/v2/trunk_groups/${B}/trunks {"name":"pbx","weight":3}`,
        `DELETE /core/v2/trunk_groups/${A}/trunks/${before}`,
      ]);
      expect(after).not.toBe(before);
      expect(stack.output("pbx", TRUNK)).toMatchObject({ trunkGroupSid: B, weight: 3 });
      expect(f.sandbox.trunks(A)).toEqual([]);
      expect(f.sandbox.trunks(B).map((t) => [t["trunk_sid"], t["weight"]])).toEqual([[after, 3]]);
    });

    it("refuses to take over a group or trunk that exists unless adopt is set; bad input fails check with no request", async () => {
      const stack = f.engine();
      const refused = await stack.up([{ name: "east", kind: GROUP, inputs: { name: "us-east", hardFailureThreshold: 4 } }]);
      expect(refused.failures.map((failure) => failure.message)).toEqual([
        expect.stringMatching(new RegExp(`^CarrierX already has a trunk group named "us-east" \\(trunk_group_sid ${sids.east}\\), and TrunkGroup does not take over`)),
      ]);
      expect(wire()).toEqual([`GET /core/v2/trunk_groups?${list}`]);
      expect(stack.state.size).toBe(0);

      const from = f.sandbox.requests.length;
      const adopted = await stack.up([
        { name: "east", kind: GROUP, inputs: { name: "us-east", hardFailureThreshold: 4, adopt: true } },
        { name: "legacy", kind: TRUNK, inputs: { trunkGroupSid: sids.east, name: "pbx-legacy", weight: 2, adopt: true } },
      ]);
      expect(adopted.failures).toEqual([]);
      expect(wire(from)).toEqual([
        `GET /core/v2/trunk_groups?${list}`,
        `PATCH /core/v2/trunk_groups/${sids.east} {"name":"us-east","hard_failure_threshold":4}`,
        `GET /core/v2/trunk_groups/${sids.east}/trunks?${list}`,
        `PATCH /core/v2/trunk_groups/${sids.east}/trunks/${sids.eastTrunk} {"name":"pbx-legacy","weight":2}`,
      ]);
      expect([...stack.state.values()].map((entry) => entry.id)).toEqual([sids.east, sids.eastTrunk]);
      expect(f.sandbox.trunkGroups()).toEqual([{ sid: sids.east, name: "us-east" }]);

      const bad = await stack.up([{ name: "bad", kind: TRUNK, inputs: { trunkGroupSid: "us-east", name: "x", inCapacity: -5 } }], { dryRun: true });
      expect(bad.failures).toEqual([
        {
          name: "bad",
          rpc: "check",
          message: "check failed",
          failures: [
            { property: "trunkGroupSid", reason: 'trunkGroupSid must be a CarrierX trunk group sid (a UUID), got "us-east"' },
            { property: "inCapacity", reason: "inCapacity must be a whole number from -1 to 2147483647 (inbound calls at once; 0 unlimited, -1 none), got -5" },
          ],
        },
      ]);
      expect(wire(from)).toHaveLength(4);
    });
  });
}

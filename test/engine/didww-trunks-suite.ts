import { describe, expect, it } from "vitest";
import { createSandbox } from "../../sandbox";
import { CAPTURE_SECRET, MODE_LABELS, type Mode } from "../setup/projects";
import { type Declared, type Engine } from "./engine";
import { useEngineFixture } from "./fixture";
import { secret } from "./host";

/**
DIDWW voice in trunks and trunk groups through @pulumi/pulumi's real dynamic-provider host, against the DIDWW
sandbox (behind its fault layer) on 127.0.0.1, with the DID routing that uses them. A trunk's id exists only once it
is created, so a program that gives it to a group or a DID (`trunkIds: [trunk.id]` in TypeScript) is written here as
a later `up` that reads it from the stack, in the order Pulumi's dependencies give.

Secrets are declared as the SDK registers them (`sip.authPassword` secret, the generated registration credentials
`additionalSecretOutputs`), and the engine stand-in keeps them as the engine does, so `plaintext()` is the state file
as it is written.
*/
const API_KEY = "didww-trunks-key-8e2b51";
const PASSWORD = "pbx-fra-Secret-71c4";
const TRUNK = "didww:VoiceInTrunk";
const GROUP = "didww:VoiceInTrunkGroup";
const ROUTE = "didww:DidTrunkAssignment";
const MEMBERS = "didww:TrunkGroupMembership";
/** What sdk/didww/voiceInTrunk.ts registers as additionalSecretOutputs (test/sdk.test.ts checks it). */
const SECRET_OUTPUTS = ["incomingAuthUsername", "incomingAuthPassword"];
const ids = {
  seeded: "5b1f8c2e-7d3a-4e9b-8c6f-2a4d1e0b9c37",
  legacyGroup: "9c2e4a6b-1d3f-4b8a-a7c5-e6f809123456",
  didA: "9df99644-f1a5-4a3c-99a4-559d758eb96b",
  didB: "2a0c5e1e-8f5b-4d0e-9d8a-1f6a2b3c4d5e",
};

/** A trunk and a group made by hand in DIDWW's panel, and two DIDs. */
function seed() {
  return {
    trunks: [{ id: ids.seeded, name: "pbx-seeded" }],
    trunkGroups: [{ id: ids.legacyGroup, name: "legacy-eu", trunkIds: [] }],
    dids: [
      { id: ids.didA, number: "16091609123456797" },
      { id: ids.didB, number: "442037691880" },
    ],
  };
}

const idOf = (stack: Engine, name: string): string => [...stack.state.values()].find((entry) => entry.urn.endsWith(`::${name}`))!.id;

export function defineDidwwTrunksEngineSuite(mode: Mode): void {
  describe(`DIDWW voice in trunks and trunk groups through the dynamic-provider host (${MODE_LABELS[mode]})`, () => {
    const f = useEngineFixture({
      mode,
      sandbox: () => createSandbox({ apiKey: API_KEY, seed: { didww: seed() } }),
      basePath: "",
      config: (origin) => ({ "didww:apiKey": secret(API_KEY), "didww:endpoint": `${origin}/v3`, "didww:maxRequestsPerSecond": "0" }),
    });
    /** What DIDWW received since `from`: method, path and query. */
    const wire = (from = 0) =>
      f.sandbox.didww.requests.slice(from).map((r) => {
        const query = new URLSearchParams(r.query).toString();
        return `${r.method} ${r.path}${query ? `?${query}` : ""}`;
      });
    const bodies = (from = 0) => f.sandbox.didww.requests.slice(from).filter((r) => r.body !== undefined).map((r) => r.body);
    const byName = (name: string) => `GET /v3/voice_in_trunks?filter%5Bname%5D=${name}&page%5Bnumber%5D=1&page%5Bsize%5D=100`;
    const routedTo = (filter: string, id: string) => `GET /v3/dids?filter%5B${filter}.id%5D=${id}&page%5Bsize%5D=100`;

    const trunks = (): Declared[] => [
      {
        name: "fra",
        kind: TRUNK,
        inputs: {
          name: "pbx-frankfurt",
          priority: 10,
          sip: { host: "pbx-fra.example.com", port: 5060, codecIds: [10, 9, 6], authEnabled: true, authUser: "fra", authPassword: secret(PASSWORD) },
        },
        secretOutputs: SECRET_OUTPUTS,
      },
      { name: "home", kind: TRUNK, inputs: { name: "pbx-home", sip: { enabledSipRegistration: true, useDidInRuri: true } }, secretOutputs: SECRET_OUTPUTS },
      { name: "pstn", kind: TRUNK, inputs: { name: "pstn-fallback", pstn: { dst: "+4930123456789" } }, secretOutputs: SECRET_OUTPUTS },
    ];

    it("serializes small provider texts without the credentials the program had", () => {
      for (const kind of [TRUNK, GROUP]) {
        expect(f.providers[kind]).toContain(`"${kind}"`);
        expect(f.providers[kind]).not.toContain(CAPTURE_SECRET);
        expect(f.providers[kind]!.length).toBeLessThan(4096);
      }
    });

    it("creates, sends nothing when unchanged, reverts hand changes of declared attributes only, keeps secrets encrypted, and deletes in dependency order", async () => {
      const stack = f.engine();
      const logs: string[] = [];
      const up1 = await stack.up(trunks());
      logs.push(up1.log);
      expect(up1.failures).toEqual([]);
      expect(wire()).toEqual([
        byName("pbx-frankfurt"),
        "POST /v3/voice_in_trunks",
        byName("pbx-home"),
        "POST /v3/voice_in_trunks",
        byName("pstn-fallback"),
        "POST /v3/voice_in_trunks",
      ]);
      expect(bodies()).toEqual([
        {
          data: {
            type: "voice_in_trunks",
            attributes: {
              name: "pbx-frankfurt",
              priority: 10,
              configuration: {
                type: "sip_configurations",
                attributes: { host: "pbx-fra.example.com", port: 5060, codec_ids: [10, 9, 6], auth_enabled: true, auth_user: "fra", auth_password: PASSWORD },
              },
            },
          },
        },
        {
          data: {
            type: "voice_in_trunks",
            attributes: {
              name: "pbx-home",
              configuration: { type: "sip_configurations", attributes: { host: null, port: null, use_did_in_ruri: true, enabled_sip_registration: true } },
            },
          },
        },
        { data: { type: "voice_in_trunks", attributes: { name: "pstn-fallback", configuration: { type: "pstn_configurations", attributes: { dst: "4930123456789" } } } } },
      ]);
      const [fra, home, pstn] = ["fra", "home", "pstn"].map((name) => idOf(stack, name)) as [string, string, string];
      const { __provider, ...fraOuts } = stack.revealed("fra", TRUNK)!;
      expect(__provider).toBe(f.providers[TRUNK]);
      // The declared attributes, DIDWW's whole configuration beside them (defaults included, no password).
      expect(fraOuts).toEqual({
        name: "pbx-frankfurt",
        priority: 10,
        sip: { host: "pbx-fra.example.com", port: 5060, codecIds: [10, 9, 6], authEnabled: true, authUser: "fra", authPassword: PASSWORD },
        createdAt: f.sandbox.didww.trunk(fra)!.createdAt,
        configuration: { type: "sip_configurations", attributes: expect.objectContaining({ host: "pbx-fra.example.com", sstMinTimer: 600, rtpTimeout: 30 }) },
        incomingAuthUsername: null,
        incomingAuthPassword: null,
      });
      expect(fraOuts["configuration"].attributes).not.toHaveProperty("authPassword");
      const generated = f.sandbox.didww.trunk(home)!.configuration.attributes;
      expect(stack.revealed("home", TRUNK)).toMatchObject({
        incomingAuthUsername: generated["incoming_auth_username"],
        incomingAuthPassword: generated["incoming_auth_password"],
      });
      expect(stack.revealed("pstn", TRUNK)).toMatchObject({ pstn: { dst: "4930123456789" }, configuration: { type: "pstn_configurations" } });
      // In the state file the password and the generated credentials are secrets (encrypted); the rest is readable.
      const secrets = [PASSWORD, generated["incoming_auth_username"] as string, generated["incoming_auth_password"] as string];
      expect(stack.output("fra", TRUNK)!["sip"]["authPassword"]).toEqual(secret(PASSWORD));
      expect(stack.output("home", TRUNK)!["incomingAuthPassword"]).toEqual(secret(generated["incoming_auth_password"] as string));
      expect(stack.plaintext()).toContain("pbx-fra.example.com");
      for (const value of secrets) expect(stack.plaintext()).not.toContain(value);

      // The group and the DID routing take the trunks' ids, so they come with the next up.
      const program = (): Declared[] => [
        ...trunks(),
        { name: "group", kind: GROUP, inputs: { name: "eu-primary", capacityLimit: 20, trunkIds: [fra, pstn] } },
        { name: "route", kind: ROUTE, inputs: { didId: ids.didA, trunkId: fra } },
      ];
      let from = f.sandbox.didww.requests.length;
      const up2 = await stack.up(program());
      logs.push(up2.log);
      expect(up2.failures).toEqual([]);
      expect(up2.steps.map((s) => s.op)).toEqual(["same", "same", "same", "create", "create"]);
      const group = idOf(stack, "group");
      expect(wire(from)).toEqual([
        "GET /v3/voice_in_trunk_groups?include=voice_in_trunks&page%5Bnumber%5D=1&page%5Bsize%5D=100",
        "POST /v3/voice_in_trunk_groups?include=voice_in_trunks",
        `PATCH /v3/dids/${ids.didA}`,
      ]);
      expect(bodies(from)[0]).toEqual({
        data: {
          type: "voice_in_trunk_groups",
          attributes: { name: "eu-primary", capacity_limit: 20 },
          relationships: { voice_in_trunks: { data: [{ type: "voice_in_trunks", id: fra }, { type: "voice_in_trunks", id: pstn }] } },
        },
      });
      expect(f.sandbox.didww.trunkGroup(group)).toMatchObject({ name: "eu-primary", capacityLimit: 20, trunkIds: [fra, pstn] });
      expect(f.sandbox.didww.did(ids.didA)).toMatchObject({ trunkId: fra });

      from = f.sandbox.didww.requests.length;
      const unchanged = await stack.up(program());
      expect(unchanged.steps.map((s) => s.op)).toEqual(["same", "same", "same", "same", "same"]);
      expect(wire(from)).toEqual([]);

      // By hand: a declared attribute (priority), an undeclared one (the session timer), the group's capacity.
      f.sandbox.didww.changeTrunk(fra, { attributes: { priority: 7 }, configuration: { sst_min_timer: 90 } });
      f.sandbox.didww.changeTrunkGroup(group, { capacityLimit: 5 });
      const refresh = await stack.refresh();
      logs.push(refresh.log);
      expect(refresh.failures).toEqual([]);
      expect(stack.revealed("fra", TRUNK)).toMatchObject({ priority: 7, configuration: { attributes: { sstMinTimer: 90 } } });
      expect(stack.revealed("group", GROUP)).toMatchObject({ capacityLimit: 5, trunkIds: [fra, pstn] });
      for (const value of secrets) expect(stack.plaintext()).not.toContain(value);
      expect((await stack.up(program(), { dryRun: true })).steps.map((s) => s.op)).toEqual(["update", "same", "same", "update", "same"]);

      from = f.sandbox.didww.requests.length;
      const restore = await stack.up(program());
      logs.push(restore.log);
      expect(restore.failures).toEqual([]);
      expect(wire(from)).toEqual([`PATCH /v3/voice_in_trunks/${fra}`, `PATCH /v3/voice_in_trunk_groups/${group}?include=voice_in_trunks`]);
      // The complete declaration, the password included; nothing the program does not declare.
      expect(bodies(from)[0]).toEqual({
        data: {
          type: "voice_in_trunks",
          id: fra,
          attributes: {
            name: "pbx-frankfurt",
            priority: 10,
            configuration: {
              type: "sip_configurations",
              attributes: { host: "pbx-fra.example.com", port: 5060, codec_ids: [10, 9, 6], auth_enabled: true, auth_user: "fra", auth_password: PASSWORD },
            },
          },
        },
      });
      expect(f.sandbox.didww.trunk(fra)).toMatchObject({ attributes: { priority: 10 }, configuration: { attributes: { sst_min_timer: 90 } } });
      expect(f.sandbox.didww.trunkGroup(group)).toMatchObject({ capacityLimit: 20 });
      from = f.sandbox.didww.requests.length;
      expect((await stack.up(program())).steps.map((s) => s.op)).toEqual(["same", "same", "same", "same", "same"]);
      expect(wire(from)).toEqual([]);

      // Destroy deletes what uses a trunk first. A DID routed by hand to pbx-home stops its delete, named.
      f.sandbox.didww.setDidRouting(ids.didB, { trunkId: home });
      from = f.sandbox.didww.requests.length;
      const destroy = await stack.destroy();
      logs.push(destroy.log);
      expect(wire(from)).toEqual([
        `PATCH /v3/dids/${ids.didA}`,
        routedTo("voice_in_trunk_group", group),
        `GET /v3/voice_in_trunk_groups/${group}?include=voice_in_trunks`,
        `PATCH /v3/voice_in_trunk_groups/${group}`,
        `DELETE /v3/voice_in_trunk_groups/${group}`,
        routedTo("voice_in_trunk", pstn),
        `DELETE /v3/voice_in_trunks/${pstn}`,
        routedTo("voice_in_trunk", home),
        routedTo("voice_in_trunk", fra),
        `DELETE /v3/voice_in_trunks/${fra}`,
      ]);
      // The group was emptied before its delete, so its trunks were deleted by their own resources (204), not with it.
      expect(f.sandbox.faults.stats().byStatus).toMatchObject({ "204": 3 });
      expect(f.sandbox.faults.stats().byStatus).not.toHaveProperty("404");
      expect(destroy.failures).toEqual([
        {
          name: "home",
          rpc: "delete",
          message:
            `voice in trunk "pbx-home" (${home}) is still in use: DID +442037691880 is routed to it, so it was not deleted ` +
            "(nothing was changed). Route that DID elsewhere first; DIDs a program routes to it through its id are unrouted before it is deleted.",
        },
      ]);
      expect([...stack.state.values()].map((entry) => entry.urn.split("::").pop())).toEqual(["home"]);
      expect(f.sandbox.didww.trunks().map((t) => t.name)).toEqual(["pbx-home", "pbx-seeded"]);

      f.sandbox.didww.setDidRouting(ids.didB, { trunkId: null });
      const again = await stack.destroy();
      logs.push(again.log);
      expect(again.failures).toEqual([]);
      expect(stack.state.size).toBe(0);
      expect(f.sandbox.didww.trunks().map((t) => t.name)).toEqual(["pbx-seeded"]);
      for (const text of [...logs, ...destroy.failures.map((failure) => failure.message)]) {
        for (const value of [...secrets, API_KEY]) expect(text).not.toContain(value);
      }
    });

    it("replaces a trunk switched between SIP and PSTN, deleting the old one first: its name is taken until then", async () => {
      const stack = f.engine();
      const sip: Declared = { name: "switch", kind: TRUNK, inputs: { name: "pbx-switch", sip: { host: "pbx.example.com" } }, secretOutputs: SECRET_OUTPUTS };
      await stack.up([sip]);
      const old = idOf(stack, "switch");
      const pstn: Declared = { ...sip, inputs: { name: "pbx-switch", pstn: { dst: "4930123456789" } } };
      const from = f.sandbox.didww.requests.length;
      expect((await stack.up([pstn], { dryRun: true })).steps.map((s) => s.op)).toEqual(["replace"]);
      expect(wire(from)).toEqual([]);
      const up = await stack.up([pstn]);
      expect(up.failures).toEqual([]);
      expect(up.steps.map((s) => s.op)).toEqual(["replace"]);
      const replacement = idOf(stack, "switch");
      expect(wire(from)).toEqual([routedTo("voice_in_trunk", old), `DELETE /v3/voice_in_trunks/${old}`, byName("pbx-switch"), "POST /v3/voice_in_trunks"]);
      expect(replacement).not.toBe(old);
      expect(f.sandbox.didww.trunk(old)).toBeUndefined();
      expect(f.sandbox.didww.trunk(replacement)).toMatchObject({ name: "pbx-switch", configuration: { type: "pstn_configurations" } });
    });

    it("adopts an existing trunk only when asked, keeps one whose create answer was lost, and refuses a group with two owners", async () => {
      const stack = f.engine();
      const seeded: Declared = { name: "seeded", kind: TRUNK, inputs: { name: "pbx-seeded", pstn: { dst: "4930111111" } }, secretOutputs: SECRET_OUTPUTS };
      const refused = await stack.up([seeded]);
      expect(refused.failures).toEqual([
        {
          name: "seeded",
          rpc: "create",
          message: expect.stringMatching(
            new RegExp(`^voice in trunk "pbx-seeded" already exists in this DIDWW account \\(id ${ids.seeded}\\)\\. VoiceInTrunk creates one and does not take over`),
          ),
        },
      ]);
      expect(stack.state.size).toBe(0);
      expect(wire()).toEqual([byName("pbx-seeded")]);

      const adopted: Declared = { ...seeded, inputs: { ...seeded.inputs, adopt: true } };
      const adopt = await stack.up([adopted]);
      expect(adopt.failures).toEqual([]);
      expect(idOf(stack, "seeded")).toBe(ids.seeded);
      expect(wire().slice(1)).toEqual([byName("pbx-seeded"), `PATCH /v3/voice_in_trunks/${ids.seeded}`]);
      expect(f.sandbox.didww.trunk(ids.seeded)).toMatchObject({ configuration: { attributes: { dst: "4930111111" } } });
      expect(adopt.log).toContain(`adopting voice in trunk "pbx-seeded" (id ${ids.seeded}): adopt is true`);

      // The POST is carried out, and its answer lost on the way back: the create finds the trunk it made.
      f.sandbox.faults.next([{ latencyMs: 0 }, { dropAnswer: true }]);
      const lost: Declared = { name: "lost", kind: TRUNK, inputs: { name: "pbx-lost", sip: { host: "lost.example.com" } }, secretOutputs: SECRET_OUTPUTS };
      let from = f.sandbox.didww.requests.length;
      const up = await stack.up([adopted, lost]);
      expect(up.failures).toEqual([]);
      expect(wire(from)).toEqual([byName("pbx-lost"), "POST /v3/voice_in_trunks", byName("pbx-lost")]);
      const made = f.sandbox.didww.trunks().filter((trunk) => trunk.name === "pbx-lost");
      expect(made).toHaveLength(1);
      expect(idOf(stack, "lost")).toBe(made[0]!.id);
      expect(up.log).toContain(`the answer to creating voice in trunk "pbx-lost" was lost`);

      // A VoiceInTrunkGroup owns its group's trunks; a TrunkGroupMembership of the same group is refused.
      from = f.sandbox.didww.requests.length;
      const owners = await stack.up([
        adopted,
        lost,
        { name: "legacy", kind: GROUP, inputs: { name: "legacy-eu", trunkIds: [], adopt: true } },
        { name: "members", kind: MEMBERS, inputs: { trunkGroupId: ids.legacyGroup, trunkIds: [ids.seeded] } },
      ]);
      expect(owners.failures).toEqual([
        {
          name: "members",
          rpc: "check",
          message: "check failed",
          failures: [{ property: "trunkGroupId", reason: expect.stringContaining(`trunk group ${ids.legacyGroup} is a VoiceInTrunkGroup of this program`) }],
        },
      ]);
      expect(wire(from)).toEqual([
        "GET /v3/voice_in_trunk_groups?include=voice_in_trunks&page%5Bnumber%5D=1&page%5Bsize%5D=100",
        `PATCH /v3/voice_in_trunk_groups/${ids.legacyGroup}?include=voice_in_trunks`,
      ]);
      expect(f.sandbox.didww.trunkGroupMembers(ids.legacyGroup)).toEqual([]);
    });
  });
}

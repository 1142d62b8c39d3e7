import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { createSandbox } from "../../sandbox";
import { type Declared } from "../engine/engine";
import { useEngineFixture } from "../engine/fixture";
import { carrierxSeed, sids } from "../engine/carrierx-suite";
import { didwwSeed, ids } from "../engine/didww-suite";
import { secret } from "../engine/host";
import { CAPTURE_SECRET, projectDir, providersOf } from "../setup/projects";

/**
What installing changes: pulumi-didroute from its `npm pack` tarball, in a Pulumi project outside the repository (see
test/setup/global.ts). There the package's files live under node_modules, where Pulumi's serializer captures modules
by reference instead of by value and the stored provider text loads the package through Node's resolution from the
project, and the package holds only what `files` ships.

Behaviour is proven once, in the repository (test/engine/): the installed package holds the same built files
(checked below, byte for byte), so what differs is only where they are loaded from. That is what this file drives
through @pulumi/pulumi's real dynamic-provider host: every resource kind through every operation, refresh and
destroy in new processes running the stored text, credentials from config and from the environment, and no
credential in the texts, state or logs. The main job runs in this project too (main-job.consumer.test.ts).
*/
const API_KEY = "consumer-didww-key-2c7a";
const TOKEN = "consumer-carrierx-token-91fe";
const PBX_PASSWORD = "consumer-pbx-password-5d0e";
const DID = "didww:DidTrunkAssignment";
const MEMBERS = "didww:TrunkGroupMembership";
const CX = "carrierx:DidTrunkGroupAssignment";
const CX_GROUP = "carrierx:TrunkGroup";
const CX_TRUNK = "carrierx:Trunk";
const TRUNK = "didww:VoiceInTrunk";
const GROUP = "didww:VoiceInTrunkGroup";
const KINDS = [DID, MEMBERS, CX, CX_GROUP, CX_TRUNK, TRUNK, GROUP];

const root = path.resolve(__dirname, "..", "..");

/** Every file below `dir`, as paths relative to it. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe("pulumi-didroute installed from the npm pack tarball, through the dynamic-provider host", () => {
  const urls = (origin: string) => ({ didww: `${origin}/v3`, carrierx: `${origin}/core/v2` });
  const f = useEngineFixture({
    mode: "consumer",
    sandbox: () => createSandbox({ seed: { didww: didwwSeed(), carrierx: carrierxSeed() }, apiKey: API_KEY, token: TOKEN }),
    basePath: "",
    config: (origin) => ({
      "didww:apiKey": secret(API_KEY),
      "didww:endpoint": urls(origin).didww,
      "carrierx:token": secret(TOKEN),
      "carrierx:endpoint": urls(origin).carrierx,
    }),
  });
  const program = (): Declared[] => [
    { name: "a", kind: DID, inputs: { didId: ids.didA, trunkId: ids.trunk1 } },
    { name: "g", kind: MEMBERS, inputs: { trunkGroupId: ids.group, trunkIds: [ids.trunk2, ids.trunk1] } },
    { name: "c", kind: CX, inputs: { didSid: sids.didA, trunkGroupSid: sids.group } },
    { name: "cg", kind: CX_GROUP, inputs: { name: "consumer-group", hardFailureThreshold: 5 } },
    { name: "ct", kind: CX_TRUNK, inputs: { trunkGroupSid: sids.group, name: "consumer-trunk", inCapacity: 10 } },
    {
      name: "vt",
      kind: TRUNK,
      inputs: { name: "consumer-trunk", priority: 5, sip: { host: "pbx.example.com", authPassword: secret(PBX_PASSWORD) } },
      secretOutputs: ["incomingAuthUsername", "incomingAuthPassword"],
    },
    { name: "vg", kind: GROUP, inputs: { name: "consumer-group", capacityLimit: 10, trunkIds: [ids.trunk3] } },
  ];
  const wire = () => [...f.sandbox.didww.requests, ...f.sandbox.carrierx.requests].map((r) => `${r.method} ${r.path}`);

  it("holds the checkout's built files, and a program there serializes the same small provider text, without credentials", () => {
    const installed = path.join(projectDir("consumer"), "node_modules", "pulumi-didroute", "dist");
    const built = path.join(root, "dist");
    expect(filesBelow(installed)).toEqual(filesBelow(built));
    for (const file of filesBelow(built)) {
      expect(readFileSync(path.join(installed, file)).equals(readFileSync(path.join(built, file))), file).toBe(true);
    }
    expect(Object.keys(f.providers).sort()).toEqual(Object.keys(providersOf("repository")).sort());
    for (const kind of KINDS) {
      const text = f.providers[kind]!;
      expect(text, kind).toBe(providersOf("repository")[kind]);
      expect(text).toContain(`"${kind}"`);
      expect(text).not.toContain(CAPTURE_SECRET);
      expect(text.length).toBeLessThan(4096);
    }
  });

  it("every kind: create, refresh and destroy in new processes, update, and no credential in state or logs", async () => {
    const stack = f.engineWithNewHostsForRefreshAndDestroy();
    const logs: string[] = [];

    const up = await stack.up(program());
    logs.push(up.log);
    expect(up.failures).toEqual([]);
    expect(up.steps.map((s) => s.op)).toEqual(["create", "create", "create", "create", "create", "create", "create"]);
    expect(wire()).toEqual([
      `PATCH /v3/dids/${ids.didA}`,
      `PATCH /v3/voice_in_trunk_groups/${ids.group}`,
      "GET /v3/voice_in_trunks",
      "POST /v3/voice_in_trunks",
      "GET /v3/voice_in_trunk_groups",
      "POST /v3/voice_in_trunk_groups",
      `PATCH /core/v2/phonenumber/dids/${sids.didA}`,
      "GET /core/v2/trunk_groups",
      "POST /core/v2/trunk_groups",
      `GET /core/v2/trunk_groups/${sids.group}/trunks`,
      `POST /core/v2/trunk_groups/${sids.group}/trunks`,
    ]);
    const cxGroup = stack.output("cg", CX_GROUP)!["trunkGroupSid"] as string;
    const cxTrunk = stack.output("ct", CX_TRUNK)!["trunkSid"] as string;
    const trunk = [...stack.state.values()].find((entry) => entry.kind === TRUNK)!.id;
    const group = [...stack.state.values()].find((entry) => entry.kind === GROUP)!.id;
    expect(f.sandbox.didww.trunk(trunk)).toMatchObject({ name: "consumer-trunk", attributes: { priority: 5 }, configuration: { attributes: { host: "pbx.example.com" } } });
    expect(f.sandbox.didww.trunkGroup(group)).toMatchObject({ name: "consumer-group", capacityLimit: 10, trunkIds: [ids.trunk3] });
    expect(f.sandbox.carrierx.trunkGroup(cxGroup)).toMatchObject({ name: "consumer-group", hard_failure_threshold: 5 });
    expect(f.sandbox.carrierx.trunk(cxTrunk)).toMatchObject({ trunkGroupSid: sids.group, trunk: { name: "consumer-trunk", in_capacity: 10 } });
    expect(f.sandbox.didww.did(ids.didA)).toMatchObject({ trunkId: ids.trunk1, trunkGroupId: null });
    expect(new Set(f.sandbox.didww.trunkGroupMembers(ids.group))).toEqual(new Set([ids.trunk1, ids.trunk2]));
    expect(f.sandbox.carrierx.did(sids.didA)).toMatchObject({ trunk_group_sid: sids.group });
    for (const kind of KINDS) {
      const name = { [DID]: "a", [MEMBERS]: "g", [CX]: "c", [CX_GROUP]: "cg", [CX_TRUNK]: "ct", [TRUNK]: "vt", [GROUP]: "vg" }[kind]!;
      expect(stack.output(name, kind)!["__provider"], kind).toBe(f.providers[kind]);
    }

    // Changed by hand; refresh reads it in a process of its own, from the text stored in state.
    f.sandbox.didww.setDidRouting(ids.didA, { trunkId: ids.trunk3, trunkGroupId: null });
    f.sandbox.didww.setTrunkGroupMembers(ids.group, [ids.trunk1]);
    f.sandbox.carrierx.setDidTrunkGroup(sids.didA, sids.group2);
    f.sandbox.carrierx.setTrunkGroupFields(cxGroup, { hard_failure_threshold: 9 });
    f.sandbox.carrierx.setTrunkFields(cxTrunk, { in_capacity: 3 });
    f.sandbox.didww.changeTrunk(trunk, { attributes: { priority: 9 } });
    f.sandbox.didww.changeTrunkGroup(group, { capacityLimit: 3 });
    const refresh = await stack.refresh();
    logs.push(refresh.log);
    expect(refresh.failures).toEqual([]);
    expect(stack.output("a", DID)).toMatchObject({ trunkId: ids.trunk3 });
    expect(stack.output("g", MEMBERS)).toMatchObject({ trunkIds: [ids.trunk1] });
    expect(stack.output("c", CX)).toMatchObject({ trunkGroupSid: sids.group2 });
    expect(stack.output("cg", CX_GROUP)).toMatchObject({ hardFailureThreshold: 9 });
    expect(stack.output("ct", CX_TRUNK)).toMatchObject({ inCapacity: 3 });
    expect(stack.output("vt", TRUNK)).toMatchObject({ priority: 9 });
    expect(stack.output("vg", GROUP)).toMatchObject({ capacityLimit: 3 });

    const restore = await stack.up(program());
    logs.push(restore.log);
    expect(restore.failures).toEqual([]);
    expect(restore.steps.map((s) => s.op)).toEqual(["update", "update", "update", "update", "update", "update", "update"]);
    expect(f.sandbox.didww.did(ids.didA)).toMatchObject({ trunkId: ids.trunk1 });
    expect(new Set(f.sandbox.didww.trunkGroupMembers(ids.group))).toEqual(new Set([ids.trunk1, ids.trunk2]));
    expect(f.sandbox.carrierx.did(sids.didA)).toMatchObject({ trunk_group_sid: sids.group });
    expect(f.sandbox.carrierx.trunkGroup(cxGroup)).toMatchObject({ hard_failure_threshold: 5 });
    expect(f.sandbox.carrierx.trunk(cxTrunk)?.trunk).toMatchObject({ in_capacity: 10 });
    expect(f.sandbox.didww.trunk(trunk)).toMatchObject({ attributes: { priority: 5 } });
    expect(f.sandbox.didww.trunkGroup(group)).toMatchObject({ capacityLimit: 10 });

    const state = stack.plaintext();
    expect(f.sandbox.didww.trunk(trunk)!.configuration.attributes["auth_password"]).toBe(PBX_PASSWORD);
    const destroy = await stack.destroy();
    logs.push(destroy.log);
    expect(destroy.failures).toEqual([]);
    expect(stack.state.size).toBe(0);
    expect(f.sandbox.didww.did(ids.didA)).toMatchObject({ trunkId: null, trunkGroupId: null });
    expect(f.sandbox.didww.trunkGroupMembers(ids.group)).toEqual([]);
    expect(f.sandbox.carrierx.did(sids.didA)).toMatchObject({ trunk_group_sid: null });
    expect(f.sandbox.carrierx.trunkGroup(cxGroup)).toBeUndefined();
    expect(f.sandbox.carrierx.trunk(cxTrunk)).toBeUndefined();
    expect(f.sandbox.didww.trunk(trunk)).toBeUndefined();
    expect(f.sandbox.didww.trunkGroup(group)).toBeUndefined();
    // The group was emptied before its delete: the trunk in it is not deleted with it.
    expect(f.sandbox.didww.trunk(ids.trunk3)).toMatchObject({ trunkGroupId: null });

    for (const text of [state, ...logs]) {
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(PBX_PASSWORD);
    }
  });

  it("credentials and endpoints from the environment alone", async () => {
    const stack = f.engine({
      config: {},
      env: { DIDWW_API_KEY: API_KEY, DIDWW_ENDPOINT: urls(f.url).didww, CARRIERX_TOKEN: TOKEN, CARRIERX_ENDPOINT: urls(f.url).carrierx },
    });
    const up = await stack.up(program());
    expect(up.failures).toEqual([]);
    expect(f.sandbox.didww.requests.map((r) => r.headers["api-key"])).toEqual(Array(6).fill(API_KEY));
    expect(f.sandbox.carrierx.requests.map((r) => r.headers["authorization"])).toEqual(Array(5).fill(`Bearer ${TOKEN}`));
    expect(f.sandbox.carrierx.did(sids.didA)).toMatchObject({ trunk_group_sid: sids.group });
  });
});

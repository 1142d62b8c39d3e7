import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CarrierxClient } from "../provider/carrierx/client";
import { DidwwClient } from "../provider/didww/client";
import type { HttpLimits } from "../provider/http";
import { parseRoutingFile } from "../routing/file";
import { formatPlan, planRouting, type Plan, type PlannedChange } from "../routing/plan";
import { resolveRouting } from "../routing/resolve";
import { createSandbox, type Sandbox } from "../sandbox";
import { schemaViolations } from "./didww-schemas";
import { applyPlan } from "./planned-requests";

/**
`didroute plan` of what the routing file declares (DIDWW trunks and trunk groups, CarrierX trunk groups and trunks),
in-process against the sandbox over real HTTP: what a reviewer reads in each format, the attributes that differ, the
secrets masked, and the requests exact (every DIDWW body valid against DIDWW's request schema, and all of them, sent
in up's order, leaving nothing to plan).
*/
const KEY = "plan-declarations-key";
const TOKEN = "plan-declarations-token";
const PASSWORD = "Fra-pbx-secret-4417";
const limits: HttpLimits = { maxRequestsPerSecond: 0, requestTimeoutMs: 5_000, operationTimeoutMs: 5_000 };
const T_LAB = "5b1f8c2e-7d3a-4e9b-8c6f-2a4d1e0b9c37";
const T_OLD = "0c3e5a7b-9d1f-4b2d-8e4a-6c8e0a2c4e6a";
const G_LEGACY = "9c2e4a6b-1d3f-4b8a-a7c5-e6f809123456";
const DID = "9df99644-f1a5-4a3c-99a4-559d758eb96b";
const CX_DID = "e8df62d5-07a3-4189-a67e-87585067c5fe";
const CX_WEST = "f1d2b7a1-0c4e-4d43-9a53-6f0d7f8e9a10";

let sandbox: Sandbox;
let urls: { didww: string; carrierx: string };
beforeEach(async () => {
  sandbox = createSandbox({
    apiKey: KEY,
    token: TOKEN,
    seed: {
      didww: {
        trunks: [
          { id: T_LAB, name: "pbx-lab" },
          // Seeded trunks forward to a number (PSTN): declared as SIP, it is replaced.
          { id: T_OLD, name: "pbx-old" },
        ],
        trunkGroups: [{ id: G_LEGACY, name: "legacy-eu", trunkIds: [] }],
        dids: [{ id: DID, number: "16091609123456797" }],
      },
      carrierx: { trunkGroups: [{ sid: CX_WEST, name: "us-west" }], dids: [{ sid: CX_DID, phonenumber: "15162065574" }] },
    },
  });
  urls = await sandbox.listen(0);
});
afterEach(() => sandbox?.close());

const clients = () => ({
  didww: () => new DidwwClient({ auth: { scheme: "apiKey", apiKey: KEY }, endpoint: urls.didww, apiVersion: "2026-04-16", limits }),
  carrierx: () => new CarrierxClient({ token: TOKEN, endpoint: urls.carrierx, limits }),
});

/** `didroute plan`'s steps: read and check the file, resolve it with the declared objects read, plan. */
async function plan(text: string, secrets: Record<string, string> = {}): Promise<Plan> {
  const { file, problems } = parseRoutingFile(text, "routing.yaml");
  expect(problems).toEqual([]);
  const resolved = await resolveRouting(file, clients(), { readDeclared: true });
  expect(resolved.problems).toEqual([]);
  return planRouting(resolved.routing, clients(), new Map(Object.entries(secrets)));
}

const FILE = `didww:
  trunks:
    - name: pbx-frankfurt
      priority: 10
      sip: { host: pbx-fra.example.com, port: 5060, codecIds: [10, 9, 6], authEnabled: true, authUser: fra, authPassword: { config: pbxFraPassword } }
    - name: pstn-fallback
      pstn: { dst: "+4930123456789" }
  trunkGroups:
    - name: eu-primary
      capacityLimit: 20
      trunks: [pbx-frankfurt, pbx-lab]
    - group: legacy-eu
      trunks: [pstn-fallback]
  dids:
    - number: "+16091609123456797"
      trunkGroup: eu-primary
carrierx:
  trunkGroups:
    - name: us-east
      hardFailureThreshold: 5
      trunks:
        - name: pbx-east-1
          inCapacity: 10
  dids:
    - number: "+15162065574"
      trunkGroup: us-east
`;

const pending = (what: string) => `(id of ${what} once created)`;

describe("didroute plan: declared trunks and groups to create", () => {
  it("lists every declared attribute with the exact POST, the secret masked, and what waits for them", async () => {
    const result = await plan(FILE, { pbxFraPassword: PASSWORD });
    expect(JSON.stringify(result)).not.toContain(PASSWORD);
    expect(result.unchanged).toBe(0);
    expect(result.changes.map((c) => [c.system, c.kind, c.action, c.line, c.waitsFor ?? []])).toEqual([
      ["DIDWW", "VoiceInTrunk", "create", 3, []],
      ["DIDWW", "VoiceInTrunk", "create", 6, []],
      ["DIDWW", "VoiceInTrunkGroup", "create", 9, ["DIDWW trunk pbx-frankfurt"]],
      ["DIDWW", "TrunkGroupMembership", "update", 12, ["DIDWW trunk pstn-fallback"]],
      ["DIDWW", "DidTrunkAssignment", "update", 15, ["DIDWW trunk group eu-primary"]],
      ["CarrierX", "TrunkGroup", "create", 19, []],
      ["CarrierX", "Trunk", "create", 22, ["CarrierX trunk group us-east"]],
      ["CarrierX", "DidTrunkGroupAssignment", "update", 25, ["CarrierX trunk group us-east"]],
    ]);
    const [frankfurt, pstn, group, legacy, did, cxGroup, cxTrunk, cxDid] = result.changes as PlannedChange[];
    expect(frankfurt).toMatchObject({
      target: { name: "pbx-frankfurt", id: null },
      from: null,
      to: {
        attributes: {
          name: "pbx-frankfurt",
          priority: 10,
          "sip.host": "pbx-fra.example.com",
          "sip.port": 5060,
          "sip.codecIds": [10, 9, 6],
          "sip.authEnabled": true,
          "sip.authUser": "fra",
          "sip.authPassword": "[secret]",
        },
      },
      request: {
        method: "POST",
        path: "/v3/voice_in_trunks",
        body: {
          data: {
            type: "voice_in_trunks",
            attributes: {
              name: "pbx-frankfurt",
              priority: 10,
              configuration: {
                type: "sip_configurations",
                attributes: { host: "pbx-fra.example.com", port: 5060, codec_ids: [10, 9, 6], auth_enabled: true, auth_user: "fra", auth_password: "[secret]" },
              },
            },
          },
        },
      },
    });
    // As DIDWW stores it: digits without "+".
    expect(pstn!.request.body).toEqual({
      data: { type: "voice_in_trunks", attributes: { name: "pstn-fallback", configuration: { type: "pstn_configurations", attributes: { dst: "4930123456789" } } } },
    });
    expect(group).toMatchObject({
      to: { attributes: { name: "eu-primary", capacityLimit: 20, trunks: [{ id: null, name: "pbx-frankfurt" }, { id: T_LAB, name: "pbx-lab" }] } },
      request: {
        method: "POST",
        path: "/v3/voice_in_trunk_groups?include=voice_in_trunks",
        body: {
          data: {
            type: "voice_in_trunk_groups",
            attributes: { name: "eu-primary", capacity_limit: 20 },
            relationships: {
              voice_in_trunks: {
                data: [
                  { type: "voice_in_trunks", id: pending("DIDWW trunk pbx-frankfurt") },
                  { type: "voice_in_trunks", id: T_LAB },
                ],
              },
            },
          },
        },
      },
    });
    expect(legacy).toMatchObject({ from: { trunks: [] }, to: { trunks: [{ id: null, name: "pstn-fallback" }] } });
    expect(did).toMatchObject({ from: null, to: { trunkGroup: { id: null, name: "eu-primary" } } });
    expect(cxGroup).toMatchObject({
      target: { name: "us-east", id: null },
      to: { attributes: { name: "us-east", hardFailureThreshold: 5 } },
      request: { method: "POST", path: "/core/v2/trunk_groups", body: { name: "us-east", hard_failure_threshold: 5 } },
    });
    expect(cxTrunk).toMatchObject({
      target: { name: "pbx-east-1", id: null, trunkGroup: { id: null, name: "us-east" } },
      request: { method: "POST", path: `/core/v2/trunk_groups/${pending("CarrierX trunk group us-east")}/trunks`, body: { name: "pbx-east-1", in_capacity: 10 } },
    });
    expect(cxDid!.request.body).toEqual({ trunk_group_sid: pending("CarrierX trunk group us-east") });
    // The POSTs are what DIDWW's OpenAPI document allows.
    for (const change of [frankfurt!, pstn!]) expect(schemaViolations("VoiceInTrunkCreateRequest", change.request.body)).toEqual([]);
    // Up sends the trunk's id where the plan shows the placeholder: all DIDWW's schema would refuse in it.
    expect(schemaViolations("VoiceInTrunkGroupCreateRequest", group!.request.body)).toEqual([
      '/data/relationships/voice_in_trunks/data/0/id must match format "uuid"',
    ]);
  });

  it("text and Markdown: each declaration with its attributes, what waits for it, and the request", async () => {
    const result = await plan(FILE, { pbxFraPassword: PASSWORD });
    const text = formatPlan(result, "routing.yaml", "text");
    expect(text).not.toContain(PASSWORD);
    const blocks = text.split("\n\n");
    expect(blocks[0]).toBe("routing.yaml: 8 changes, 0 in sync");
    expect(blocks[1]!.split("\n").slice(0, 3)).toEqual([
      "+ DIDWW trunk pbx-frankfurt (routing.yaml:3)",
      "    now:   nothing",
      '    wants: name="pbx-frankfurt", priority=10, sip.host="pbx-fra.example.com", sip.port=5060, sip.codecIds=[10,9,6], ' +
        'sip.authEnabled=true, sip.authUser="fra", sip.authPassword=[secret]',
    ]);
    expect(blocks[3]!.split("\n").slice(0, 4)).toEqual([
      "+ DIDWW trunk group eu-primary (routing.yaml:9)",
      "    now:   nothing",
      '    wants: name="eu-primary", capacityLimit=20, trunks=[pbx-frankfurt, pbx-lab]',
      "    after: DIDWW trunk pbx-frankfurt (created first)",
    ]);
    expect(blocks[7]!.split("\n")[0]).toBe("+ CarrierX trunk pbx-east-1 in trunk group us-east (routing.yaml:22)");
    const markdown = formatPlan(result, "routing.yaml", "markdown").split("\n");
    expect(markdown).toContain("| DIDWW trunk `pstn-fallback` | nothing | `name=\"pstn-fallback\"`, `pstn.dst=\"4930123456789\"` | 6 |");
    expect(markdown).toContain("| CarrierX trunk `pbx-east-1` in trunk group `us-east` | nothing | `name=\"pbx-east-1\"`, `inCapacity=10` | 22 |");
    expect(markdown).toContain("DIDWW trunk group eu-primary: `POST /v3/voice_in_trunk_groups?include=voice_in_trunks`");
  });

  it("the requests are the ones up sends: applied in up's order, nothing is left to plan", async () => {
    // Without the secret: a plan shows it masked, so its requests cannot set it (the password case is below).
    const text = FILE.replace(", authEnabled: true, authUser: fra, authPassword: { config: pbxFraPassword }", "");
    expect(await applyPlan(async () => (await plan(text)).changes, { urls, apiKey: KEY, token: TOKEN })).toEqual([3, 4, 1]);
    const again = await plan(text);
    expect(again).toEqual({ changes: [], unchanged: 8 });
    const frankfurt = sandbox.didww.trunks().find((t) => t.name === "pbx-frankfurt")!;
    const eu = sandbox.didww.trunkGroups().find((g) => g.name === "eu-primary")!;
    expect(eu.trunkIds.sort()).toEqual([frankfurt.id, T_LAB].sort());
    expect(sandbox.didww.dids()[0]).toMatchObject({ trunkId: null, trunkGroupId: eu.id });
    const east = sandbox.carrierx.trunkGroups().find((g) => g.name === "us-east")!;
    expect(sandbox.carrierx.trunks(east.sid).map((t) => [t["name"], t["in_capacity"]])).toEqual([["pbx-east-1", 10]]);
    expect(sandbox.carrierx.did(CX_DID)!.trunk_group_sid).toBe(east.sid);
  });
});

describe("didroute plan: declared trunks and groups that exist", () => {
  /** The state routing.yaml declares, made as pulumi up makes it (with the real password). */
  async function created(): Promise<{ frankfurt: string; eu: string; east: string; eastTrunk: string }> {
    const withPassword = (change: PlannedChange) =>
      JSON.parse(JSON.stringify(change).replaceAll('"[secret]"', JSON.stringify(PASSWORD))) as PlannedChange;
    await applyPlan(async () => (await plan(FILE, { pbxFraPassword: PASSWORD })).changes.map(withPassword), { urls, apiKey: KEY, token: TOKEN });
    const east = sandbox.carrierx.trunkGroups().find((g) => g.name === "us-east")!.sid;
    return {
      frankfurt: sandbox.didww.trunks().find((t) => t.name === "pbx-frankfurt")!.id,
      eu: sandbox.didww.trunkGroups().find((g) => g.name === "eu-primary")!.id,
      east,
      eastTrunk: sandbox.carrierx.trunks(east)[0]!["trunk_sid"] as string,
    };
  }

  it("in sync when the account holds what the file declares, DIDWW's defaults and undeclared settings aside", async () => {
    const { frankfurt } = await created();
    sandbox.didww.changeTrunk(frankfurt, { configuration: { rtp_timeout: 90 } });
    expect(await plan(FILE, { pbxFraPassword: PASSWORD })).toEqual({ changes: [], unchanged: 8 });
  });

  it("an update shows only the attributes that differ, a changed secret as [secret], and sends the whole declaration", async () => {
    const { frankfurt, eu, east, eastTrunk } = await created();
    sandbox.didww.changeTrunk(frankfurt, { attributes: { priority: 3 }, configuration: { port: 5080 } });
    sandbox.didww.changeTrunkGroup(eu, { capacityLimit: 5 });
    sandbox.didww.setTrunkGroupMembers(eu, [T_LAB]);
    sandbox.carrierx.setTrunkGroupFields(east, { hard_failure_threshold: 9 });
    sandbox.carrierx.setTrunkFields(eastTrunk, { in_capacity: 0 });
    const before = sandbox.didww.requests.length;

    const result = await plan(FILE, { pbxFraPassword: "Fra-pbx-rotated-0922" });
    expect(sandbox.didww.requests.slice(before).every((r) => r.method === "GET")).toBe(true);
    expect(JSON.stringify(result)).not.toMatch(/Fra-pbx-(secret|rotated)/);
    expect(result.unchanged).toBe(4);
    expect(result.changes.map((c) => [c.kind, c.action, c.from, c.to])).toEqual([
      [
        "VoiceInTrunk",
        "update",
        { attributes: { priority: 3, "sip.port": 5080, "sip.authPassword": "[secret]" } },
        { attributes: { priority: 10, "sip.port": 5060, "sip.authPassword": "[secret]" } },
      ],
      [
        "VoiceInTrunkGroup",
        "update",
        { attributes: { capacityLimit: 5, trunks: [{ id: T_LAB, name: "pbx-lab" }] } },
        { attributes: { capacityLimit: 20, trunks: [{ id: frankfurt, name: "pbx-frankfurt" }, { id: T_LAB, name: "pbx-lab" }] } },
      ],
      ["TrunkGroup", "update", { attributes: { hardFailureThreshold: 9 } }, { attributes: { hardFailureThreshold: 5 } }],
      ["Trunk", "update", { attributes: { inCapacity: 0 } }, { attributes: { inCapacity: 10 } }],
    ]);
    const [trunk, group, cxGroup, cxTrunk] = result.changes as PlannedChange[];
    expect(trunk!.request).toEqual({
      method: "PATCH",
      path: `/v3/voice_in_trunks/${frankfurt}`,
      body: {
        data: {
          type: "voice_in_trunks",
          id: frankfurt,
          attributes: {
            name: "pbx-frankfurt",
            priority: 10,
            configuration: {
              type: "sip_configurations",
              attributes: { host: "pbx-fra.example.com", port: 5060, codec_ids: [10, 9, 6], auth_enabled: true, auth_user: "fra", auth_password: "[secret]" },
            },
          },
        },
      },
    });
    expect(schemaViolations("VoiceInTrunkUpdateRequest", trunk!.request.body)).toEqual([]);
    expect(group!.request).toMatchObject({ method: "PATCH", path: `/v3/voice_in_trunk_groups/${eu}?include=voice_in_trunks` });
    expect(schemaViolations("VoiceInTrunkGroupUpdateRequest", group!.request.body)).toEqual([]);
    expect(cxGroup!.request).toEqual({ method: "PATCH", path: `/core/v2/trunk_groups/${east}`, body: { name: "us-east", hard_failure_threshold: 5 } });
    expect(cxTrunk!.request).toEqual({
      method: "PATCH",
      path: `/core/v2/trunk_groups/${east}/trunks/${eastTrunk}`,
      body: { name: "pbx-east-1", in_capacity: 10 },
    });
    expect(formatPlan(result, "routing.yaml", "text").split("\n").slice(2, 5)).toEqual([
      "~ DIDWW trunk pbx-frankfurt (routing.yaml:3)",
      "    now:   priority=3, sip.port=5080, sip.authPassword=[secret]",
      "    wants: priority=10, sip.port=5060, sip.authPassword=[secret]",
    ]);
  });

  it("a trunk declared SIP that is PSTN is replaced: its DELETE, then the POST", async () => {
    const text = "didww:\n  trunks:\n    - name: pbx-old\n      sip: { host: pbx-old.example.com }\n";
    const { changes } = await plan(text);
    expect(changes).toEqual([
      {
        system: "DIDWW",
        kind: "VoiceInTrunk",
        action: "replace",
        target: { name: "pbx-old", id: T_OLD },
        from: { attributes: { configuration: "pstn_configurations" } },
        to: { attributes: { configuration: "sip_configurations", name: "pbx-old", "sip.host": "pbx-old.example.com" } },
        request: {
          method: "POST",
          path: "/v3/voice_in_trunks",
          body: { data: { type: "voice_in_trunks", attributes: { name: "pbx-old", configuration: { type: "sip_configurations", attributes: { host: "pbx-old.example.com" } } } } },
        },
        deletes: { method: "DELETE", path: `/v3/voice_in_trunks/${T_OLD}` },
        line: 3,
      },
    ]);
    expect(formatPlan({ changes, unchanged: 0 }, "routing.yaml", "text")).toContain(
      `-/+ DIDWW trunk pbx-old (routing.yaml:3)\n    now:   configuration="pstn_configurations"\n`,
    );
    expect(await applyPlan(async () => (await plan(text)).changes, { urls, apiKey: KEY, token: TOKEN })).toEqual([1]);
  });
});

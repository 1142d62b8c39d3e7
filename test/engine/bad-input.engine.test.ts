import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { createSandbox, type RecordedRequest, type Sandbox, type SandboxUrls } from "../../sandbox";
import { projectDir, providersOf } from "../setup/projects";
import { Engine, type Declared, type PhaseResult } from "./engine";
import { secret } from "./host";
import { sids } from "./carrierx-suite";
import { didwwSeed, ids as suiteIds } from "./didww-suite";

/**
Bad input, end to end: the built package inside @pulumi/pulumi's real dynamic-provider host (one host process per
phase), against the combined sandbox (DIDWW and CarrierX on one port). Every class asserts what a person reads (the
check failure naming the property, or the error naming the setting, the field or the object) and that nothing
changed: which requests reached the sandbox (none before an API could answer; only the refused one otherwise), the
sandbox's routing identical before and after, and no new resource in the stack's state.

Host starts are the cost (about 1.3 s each), so classes that need the same stack config share one `up`: each bad
resource has its own name, and the engine's failures carry that name. Config classes need one stack each.
*/

const API_KEY = "didww-bad-input-key-7c2e95a1f4";
const TOKEN = "carrierx-bad-input-token-e3b8d06c21";
/** A CarrierX token with read scopes only: the sandbox answers its PATCH with 403. */
const READ_ONLY_TOKEN = "carrierx-read-only-token-5f90ab7d3e";

/** The engine suites' ids, and a third DID. */
const ids = { ...suiteIds, didC: "5d3c2b1a-0f9e-4d8c-b7a6-95847362514f" };
/** Well-formed ids that no account in the sandbox holds (none is the engine's "unknown" placeholder). */
const missing = {
  did: "0b8f2f8e-5d0a-4f51-9a43-6c1de2b7a001",
  trunk: "00000000-0000-4000-8000-000000000000",
  groupOnDid: "3c9d1f0a-7b2e-4c5d-8e6f-0a1b2c3d4e5f",
  groupOfMembers: "6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
  sid: "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d",
  groupSid: "00000000-0000-4000-8000-0000000000cc",
};

const DID = "didww:DidTrunkAssignment";
const MEMBERS = "didww:TrunkGroupMembership";
const CX = "carrierx:DidTrunkGroupAssignment";
const CX_DIDS = "/core/v2/phonenumber/dids";

/** The DIDWW suite's trunks and groups; DIDs routed to each kind of target and to nothing. */
function seed() {
  return {
    didww: {
      ...didwwSeed(),
      dids: [
        { id: ids.didA, number: "16091609123456797", trunkGroupId: ids.group },
        { id: ids.didB, number: "4930123456789", trunkId: ids.trunk2 },
        { id: ids.didC, number: "442037691880", trunkId: null },
      ],
    },
    carrierx: {
      trunkGroups: [
        { sid: sids.group, name: "us-east" },
        { sid: sids.group2, name: "us-west" },
      ],
      dids: [
        { sid: sids.didA, phonenumber: "15162065574", trunkGroupSid: sids.group },
        { sid: sids.didB, phonenumber: "15162065575", trunkGroupSid: null },
      ],
    },
  };
}

// --- The world each class runs in -----------------------------------------------------------------------------------

let providers: Record<string, string> | undefined;
beforeAll(() => {
  providers = providersOf("repository");
});

/** Everything the sandbox routes: DIDs, trunks and group members at DIDWW, DIDs and trunk groups at CarrierX. */
function routing(api: Sandbox) {
  return {
    didww: { dids: api.didww.dids(), trunks: api.didww.trunks(), trunkGroups: api.didww.trunkGroups() },
    carrierx: { dids: api.carrierx.dids(), trunkGroups: api.carrierx.trunkGroups() },
  };
}

/** One request as `METHOD /path`, with the lookup filter when there is one. */
function line(request: RecordedRequest): string {
  const filter = request.query["filter[number]"] ?? request.query["filter"];
  return `${request.method} ${request.path}${filter === undefined ? "" : ` ${filter}`}`;
}

interface World {
  api: Sandbox;
  urls: SandboxUrls;
  /** The routing right after seeding, before any phase ran. */
  before: ReturnType<typeof routing>;
  /** A stack with valid config for both APIs; `config` entries override it (undefined removes one). */
  engine(config?: Record<string, unknown>, env?: Record<string, string>): Engine;
  /** Every request either API received, DIDWW's first. */
  wire(): string[];
  close(): Promise<void>;
}

async function openWorld(): Promise<World> {
  const api = createSandbox({ seed: seed(), apiKey: API_KEY, token: TOKEN, readOnlyTokens: [READ_ONLY_TOKEN] });
  const urls = await api.listen(0);
  return {
    api,
    urls,
    before: routing(api),
    engine(config = {}, env = {}) {
      const merged: Record<string, unknown> = {
        "didww:apiKey": secret(API_KEY),
        "didww:endpoint": urls.didww,
        "carrierx:token": secret(TOKEN),
        "carrierx:endpoint": urls.carrierx,
        ...config,
      };
      for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
      if (providers === undefined) throw new Error("providers are captured in beforeAll");
      return new Engine({ cwd: projectDir("repository"), providers, config: merged, env: { HOME: process.env["HOME"], ...env } });
    },
    wire: () => [...api.didww.requests, ...api.carrierx.requests].map(line),
    close: () => api.close(),
  };
}

/** The names of the resources the stack's state holds. */
function stateNames(stack: Engine): string[] {
  return [...stack.state.keys()].map((urn) => urn.split("::").pop()!);
}

// --- Check: the input is refused by property before any request ------------------------------------------------------

interface CheckCase {
  class: string;
  name: string;
  kind: string;
  inputs: Record<string, unknown>;
  failures: { property: string; reason: string }[];
}

const E164 = (got: string) =>
  `number must be in E.164 form: "+", the country code and the number, digits only (e.g. "+442037691880"), got ${got}`;

const CHECK_CASES: CheckCase[] = [
  // Malformed ids: each id input, one at a time.
  {
    class: "malformed UUID",
    name: "didId-short",
    kind: DID,
    inputs: { didId: "9df99644-f1a5-4a3c-99a4-559d758eb96", trunkId: ids.trunk1 },
    failures: [{ property: "didId", reason: 'didId must be a DIDWW DID id (a UUID), got "9df99644-f1a5-4a3c-99a4-559d758eb96"' }],
  },
  {
    class: "malformed UUID",
    name: "trunkId-a-name",
    kind: DID,
    inputs: { didId: ids.didA, trunkId: "pbx-frankfurt" },
    failures: [{ property: "trunkId", reason: 'trunkId must be a DIDWW voice in trunk id (a UUID), got "pbx-frankfurt"' }],
  },
  {
    class: "malformed UUID",
    name: "trunkGroupId-not-hex",
    kind: DID,
    inputs: { didId: ids.didB, trunkGroupId: "714e8148-0aea-4cb6-8680-bd1d0645341z" },
    failures: [
      {
        property: "trunkGroupId",
        reason: 'trunkGroupId must be a DIDWW voice in trunk group id (a UUID), got "714e8148-0aea-4cb6-8680-bd1d0645341z"',
      },
    ],
  },
  {
    class: "malformed UUID",
    name: "members-trunkGroupId-a-name",
    kind: MEMBERS,
    inputs: { trunkGroupId: "eu-primary", trunkIds: [ids.trunk1] },
    failures: [{ property: "trunkGroupId", reason: 'trunkGroupId must be a DIDWW voice in trunk group id (a UUID), got "eu-primary"' }],
  },
  {
    class: "malformed UUID",
    name: "members-trunkIds-braced",
    kind: MEMBERS,
    inputs: { trunkGroupId: ids.group, trunkIds: [ids.trunk1, `{${ids.trunk2}}`] },
    failures: [
      {
        property: "trunkIds[1]",
        reason: `trunkIds[1] must be a DIDWW voice in trunk id (a UUID), got "{${ids.trunk2}}"`,
      },
    ],
  },
  {
    class: "malformed UUID",
    name: "cx-didSid-leading-space",
    kind: CX,
    inputs: { didSid: ` ${sids.didA}`, trunkGroupSid: sids.group2 },
    failures: [{ property: "didSid", reason: `didSid must be a CarrierX DID sid (a UUID), got " ${sids.didA}"` }],
  },
  {
    class: "malformed UUID",
    name: "cx-trunkGroupSid-a-name",
    kind: CX,
    inputs: { didSid: sids.didB, trunkGroupSid: "us-east" },
    failures: [{ property: "trunkGroupSid", reason: 'trunkGroupSid must be a CarrierX trunk group sid (a UUID), got "us-east"' }],
  },
  {
    class: "malformed UUID (a pasted URL, shortened in the message)",
    name: "didId-pasted-url",
    kind: DID,
    inputs: { didId: `https://my.didww.com/dids/${ids.didA}/edit`, trunkId: ids.trunk1 },
    failures: [
      {
        property: "didId",
        reason: 'didId must be a DIDWW DID id (a UUID), got "https://my.didww.com/dids/9df99644-f1a5-4a3c-99a4-559d758..."',
      },
    ],
  },

  // Numbers that are not E.164.
  {
    class: "number not E.164",
    name: "number-00-prefix",
    kind: DID,
    inputs: { number: "004930123456789", trunkId: ids.trunk1 },
    failures: [{ property: "number", reason: E164('"004930123456789"') }],
  },
  {
    class: "number not E.164",
    name: "number-with-spaces",
    kind: DID,
    inputs: { number: "+49 30 123456789", trunkGroupId: ids.group },
    failures: [{ property: "number", reason: E164('"+49 30 123456789"') }],
  },
  {
    class: "number not E.164",
    name: "cx-number-without-plus",
    kind: CX,
    inputs: { number: "15162065575", trunkGroupSid: sids.group },
    failures: [{ property: "number", reason: E164('"15162065575"') }],
  },

  // Routing: exactly one of trunkId and trunkGroupId.
  {
    class: "trunkId and trunkGroupId together",
    name: "trunk-and-group",
    kind: DID,
    inputs: { didId: ids.didA, trunkId: ids.trunk1, trunkGroupId: ids.group2 },
    failures: [
      {
        property: "trunkGroupId",
        reason: "set exactly one of trunkId or trunkGroupId: DIDWW routes a DID to a trunk or a trunk group, never both",
      },
    ],
  },
  {
    class: "neither trunkId nor trunkGroupId",
    name: "no-routing",
    kind: DID,
    inputs: { didId: ids.didA },
    failures: [{ property: "trunkId", reason: "one of trunkId or trunkGroupId is required" }],
  },

  // The DID: exactly one of didId / didSid and number.
  {
    class: "a DID named by both didId and number",
    name: "didId-and-number",
    kind: DID,
    inputs: { didId: ids.didB, number: "+4930123456789", trunkId: ids.trunk1 },
    failures: [{ property: "number", reason: "set didId or number, not both: both name the DID" }],
  },
  {
    class: "a DID named by both didSid and number",
    name: "cx-didSid-and-number",
    kind: CX,
    inputs: { didSid: sids.didB, number: "+15162065575", trunkGroupSid: sids.group },
    failures: [{ property: "number", reason: "set didSid or number, not both: both name the DID" }],
  },
  {
    class: "no DID named",
    name: "no-did",
    kind: DID,
    inputs: { trunkId: ids.trunk1 },
    failures: [
      {
        property: "didId",
        reason: 'didId is required: the DIDWW DID id (a UUID); or set number instead (E.164, e.g. "+442037691880")',
      },
    ],
  },
  {
    class: "no DID named",
    name: "cx-no-did",
    kind: CX,
    inputs: { trunkGroupSid: sids.group },
    failures: [
      {
        property: "didSid",
        reason: 'didSid is required: the CarrierX DID sid (a UUID); or set number instead (E.164, e.g. "+442037691880")',
      },
    ],
  },

  // Membership lists.
  {
    class: "duplicate trunk in trunkIds (case-insensitive)",
    name: "members-duplicate",
    kind: MEMBERS,
    inputs: { trunkGroupId: ids.group2, trunkIds: [ids.trunk1, ids.trunk2, ids.trunk1.toUpperCase()] },
    failures: [{ property: "trunkIds[2]", reason: `trunk ${ids.trunk1} is listed twice (also at trunkIds[0])` }],
  },

  // Empty strings.
  {
    class: "empty strings",
    name: "empty-did-and-trunk",
    kind: DID,
    inputs: { didId: "", trunkId: "" },
    failures: [
      { property: "didId", reason: "didId is required: the DIDWW DID id (a UUID)" },
      { property: "trunkId", reason: "trunkId is required: the DIDWW voice in trunk id (a UUID)" },
    ],
  },
  {
    class: "empty strings",
    name: "members-empty",
    kind: MEMBERS,
    inputs: { trunkGroupId: "", trunkIds: [""] },
    failures: [
      { property: "trunkGroupId", reason: "trunkGroupId is required: the DIDWW voice in trunk group id (a UUID)" },
      { property: "trunkIds[0]", reason: "trunkIds[0] is required: the DIDWW voice in trunk id (a UUID)" },
    ],
  },
  {
    class: "empty strings",
    name: "cx-empty",
    kind: CX,
    inputs: { didSid: "", trunkGroupSid: "" },
    failures: [
      { property: "didSid", reason: "didSid is required: the CarrierX DID sid (a UUID)" },
      { property: "trunkGroupSid", reason: "trunkGroupSid is required: the CarrierX trunk group sid (a UUID)" },
    ],
  },
  {
    class: "empty strings",
    name: "cx-empty-number",
    kind: CX,
    inputs: { number: "", trunkGroupSid: sids.group },
    failures: [{ property: "number", reason: E164('""') }],
  },

  // Wrong types.
  {
    class: "wrong types (a number, a list where a string is expected)",
    name: "didId-number-trunkId-list",
    kind: DID,
    inputs: { didId: 12345, trunkId: [ids.trunk1] },
    failures: [
      { property: "didId", reason: "didId must be a DIDWW DID id (a UUID), got 12345" },
      { property: "trunkId", reason: "trunkId must be a DIDWW voice in trunk id (a UUID), got a list" },
    ],
  },
  {
    class: "wrong types (an object where a string is expected)",
    name: "trunkGroupId-object",
    kind: DID,
    inputs: { didId: ids.didB, trunkGroupId: { id: ids.group } },
    failures: [{ property: "trunkGroupId", reason: "trunkGroupId must be a DIDWW voice in trunk group id (a UUID), got an object" }],
  },
  {
    class: "wrong types (a number as the phone number)",
    name: "number-numeric",
    kind: DID,
    inputs: { number: 4930123456789, trunkId: ids.trunk1 },
    failures: [{ property: "number", reason: E164("4930123456789") }],
  },
  {
    class: "wrong types (trunkIds not a list)",
    name: "members-trunkIds-string",
    kind: MEMBERS,
    inputs: { trunkGroupId: ids.group, trunkIds: ids.trunk1 },
    failures: [{ property: "trunkIds", reason: `trunkIds must be a list of voice in trunk ids, got "${ids.trunk1}"` }],
  },
  {
    class: "wrong types (trunkIds not a list)",
    name: "members-trunkIds-object",
    kind: MEMBERS,
    inputs: { trunkGroupId: ids.group2, trunkIds: { [ids.trunk1]: true } },
    failures: [{ property: "trunkIds", reason: "trunkIds must be a list of voice in trunk ids, got an object" }],
  },
  {
    class: "wrong types (a number in trunkIds)",
    name: "members-trunkIds-number",
    kind: MEMBERS,
    inputs: { trunkGroupId: ids.group, trunkIds: [ids.trunk1, 42] },
    failures: [{ property: "trunkIds[1]", reason: "trunkIds[1] must be a DIDWW voice in trunk id (a UUID), got 42" }],
  },
  {
    class: "wrong types (a boolean where a string is expected)",
    name: "cx-trunkGroupSid-boolean",
    kind: CX,
    inputs: { didSid: sids.didA, trunkGroupSid: true },
    failures: [{ property: "trunkGroupSid", reason: "trunkGroupSid must be a CarrierX trunk group sid (a UUID), got true" }],
  },

  // Unknown properties: a typo is named, and the property it was meant to be is still required.
  {
    class: "unknown field (typo)",
    name: "typo-trunkgroupId",
    kind: DID,
    inputs: { didId: ids.didA, trunkgroupId: ids.group2 },
    failures: [
      {
        property: "trunkgroupId",
        reason: 'DidTrunkAssignment has no property "trunkgroupId"; it takes didId, number, trunkId, trunkGroupId',
      },
      { property: "trunkId", reason: "one of trunkId or trunkGroupId is required" },
    ],
  },
  {
    class: "unknown field (typo)",
    name: "members-typo-trunkIDs",
    kind: MEMBERS,
    inputs: { trunkGroupId: ids.group, trunkIDs: [ids.trunk1] },
    failures: [
      { property: "trunkIDs", reason: 'TrunkGroupMembership has no property "trunkIDs"; it takes trunkGroupId, trunkIds' },
      {
        property: "trunkIds",
        reason: "trunkIds is required: the list of voice in trunk ids of the group ([] removes every trunk)",
      },
    ],
  },
  {
    class: "unknown field (typo)",
    name: "cx-typo-trunkGroupSID",
    kind: CX,
    inputs: { didSid: sids.didA, trunkGroupSID: sids.group2 },
    failures: [
      {
        property: "trunkGroupSID",
        reason: 'DidTrunkGroupAssignment has no property "trunkGroupSID"; it takes didSid, number, trunkGroupSid',
      },
      { property: "trunkGroupSid", reason: "trunkGroupSid is required: the CarrierX trunk group sid (a UUID)" },
    ],
  },
  {
    class: "unknown field (the other provider's name for it)",
    name: "didSid-on-didww",
    kind: DID,
    inputs: { didSid: ids.didA, trunkGroupId: ids.group2 },
    failures: [
      { property: "didSid", reason: 'DidTrunkAssignment has no property "didSid"; it takes didId, number, trunkId, trunkGroupId' },
      {
        property: "didId",
        reason: 'didId is required: the DIDWW DID id (a UUID); or set number instead (E.164, e.g. "+442037691880")',
      },
    ],
  },
];

/** A valid resource in the same `up`: it routes didA where it already is, so one PATCH and no change of routing. */
const CONTROL: Declared = { name: "control", kind: DID, inputs: { didId: ids.didA, trunkGroupId: ids.group } };

/**
Reported defect: an empty string for the routing not used (say `trunkGroupId: process.env.GROUP ?? ""` next to a
trunkId) is refused, but with two failures on trunkGroupId that contradict each other: "set exactly one of trunkId or
trunkGroupId" and "trunkGroupId is required".
*/
const EMPTY_UNUSED_GROUP: Declared = {
  name: "empty-unused-trunkGroupId",
  kind: DID,
  inputs: { didId: ids.didC, trunkId: ids.trunk1, trunkGroupId: "" },
};

describe("check refuses bad input by property, before any request", () => {
  let world: World;
  let stack: Engine;
  let up: PhaseResult;
  beforeAll(async () => {
    world = await openWorld();
    stack = world.engine();
    up = await stack.up([
      ...CHECK_CASES.map(({ name, kind, inputs }) => ({ name, kind, inputs })),
      EMPTY_UNUSED_GROUP,
      CONTROL,
    ]);
  });
  afterAll(() => world?.close());

  it.each(CHECK_CASES)("$class: $name", (c) => {
    expect(up.failures.filter((f) => f.name === c.name)).toEqual([
      { name: c.name, rpc: "check", message: "check failed", failures: c.failures },
    ]);
    expect(up.steps.filter((s) => s.name === c.name)).toEqual([]);
    expect(stateNames(stack)).not.toContain(c.name);
    // The only request of the whole run is the valid resource's.
    expect(world.wire()).toEqual([`PATCH /v3/dids/${ids.didA}`]);
    expect(routing(world.api)).toEqual(world.before);
  });

  it("the valid resource of the same run went through, so the sandbox did answer this stack", () => {
    expect(CHECK_CASES.length).toBe(new Set(CHECK_CASES.map((c) => c.name)).size);
    expect(up.failures.map((f) => f.name)).toEqual([...CHECK_CASES.map((c) => c.name), EMPTY_UNUSED_GROUP.name]);
    expect(up.steps).toEqual([{ op: "create", name: "control" }]);
    expect(stateNames(stack)).toEqual(["control"]);
    expect(world.api.didww.requests[0]!.headers["api-key"]).toBe(API_KEY);
  });

  it("empty strings (the routing not used): an empty trunkGroupId next to a trunkId is refused, naming trunkGroupId", () => {
    const [failure, ...others] = up.failures.filter((f) => f.name === EMPTY_UNUSED_GROUP.name);
    expect(others).toEqual([]);
    expect(failure).toMatchObject({ rpc: "check", message: "check failed" });
    expect(failure!.failures!.length).toBeGreaterThan(0);
    expect(failure!.failures!.map((f) => f.property)).toEqual(failure!.failures!.map(() => "trunkGroupId"));
    expect(stateNames(stack)).not.toContain(EMPTY_UNUSED_GROUP.name);
  });

  // Not also "trunkGroupId is required: …", which would contradict "set exactly one of trunkId or trunkGroupId".
  it("an empty unused trunkGroupId gets one failure, not also \"trunkGroupId is required\"", () => {
    const failure = up.failures.find((f) => f.name === EMPTY_UNUSED_GROUP.name)!;
    expect(failure.failures!.map((f) => f.reason)).not.toContain(
      "trunkGroupId is required: the DIDWW voice in trunk group id (a UUID)",
    );
    expect(failure.failures).toHaveLength(1);
  });
});

// --- The API refuses: the message names the object, and the refused request changed nothing --------------------------

interface ApiCase {
  class: string;
  name: string;
  kind: string;
  inputs: Record<string, unknown>;
  message: string;
  /** What the case's requests (and only they) mention: the path or the number looked up. */
  touches: string;
  requests: string[];
}

const API_CASES: ApiCase[] = [
  {
    class: "unknown DID (404)",
    name: "unknown-did",
    kind: DID,
    inputs: { didId: missing.did, trunkId: ids.trunk1 },
    message:
      `DIDWW has no DID ${missing.did} (404 on PATCH /v3/dids/${missing.did}): ` +
      "check the id and that it belongs to this account",
    touches: missing.did,
    requests: [`PATCH /v3/dids/${missing.did}`],
  },
  {
    class: "unknown trunk on a DID (422, names the pointer)",
    name: "unknown-trunk",
    kind: DID,
    inputs: { didId: ids.didA, trunkId: missing.trunk },
    message:
      `DIDWW refused PATCH /v3/dids/${ids.didA} for DID ${ids.didA} (422): ` +
      "voice_in_trunk - is invalid (at /data/attributes/voice_in_trunk_id)",
    touches: `/v3/dids/${ids.didA}`,
    requests: [`PATCH /v3/dids/${ids.didA}`],
  },
  {
    class: "unknown trunk group on a DID (422, names the pointer)",
    name: "unknown-group-on-did",
    kind: DID,
    inputs: { didId: ids.didB, trunkGroupId: missing.groupOnDid },
    message:
      `DIDWW refused PATCH /v3/dids/${ids.didB} for DID ${ids.didB} (422): ` +
      "voice_in_trunk_group - is invalid (at /data/attributes/voice_in_trunk_group_id)",
    touches: `/v3/dids/${ids.didB}`,
    requests: [`PATCH /v3/dids/${ids.didB}`],
  },
  {
    class: "unknown trunk group of a membership (404)",
    name: "unknown-group-members",
    kind: MEMBERS,
    inputs: { trunkGroupId: missing.groupOfMembers, trunkIds: [ids.trunk1] },
    message:
      `DIDWW has no trunk group ${missing.groupOfMembers} (404 on PATCH /v3/voice_in_trunk_groups/${missing.groupOfMembers}): ` +
      "check the id and that it belongs to this account",
    touches: missing.groupOfMembers,
    requests: [`PATCH /v3/voice_in_trunk_groups/${missing.groupOfMembers}`],
  },
  {
    class: "unknown trunk in a membership (422, names the pointer)",
    name: "unknown-trunk-members",
    kind: MEMBERS,
    inputs: { trunkGroupId: ids.group, trunkIds: [ids.trunk1, missing.trunk] },
    message:
      `DIDWW refused PATCH /v3/voice_in_trunk_groups/${ids.group} for trunk group ${ids.group} (422): ` +
      "trunk_ids - are invalid (at /data/attributes/trunk_ids)",
    touches: ids.group,
    requests: [`PATCH /v3/voice_in_trunk_groups/${ids.group}`],
  },
  {
    class: "a number the DIDWW account does not have",
    name: "unknown-number",
    kind: DID,
    inputs: { number: "+4930999999999", trunkId: ids.trunk1 },
    message: "DIDWW has no DID with the number +4930999999999 in this account (GET /v3/dids?filter[number]=4930999999999)",
    touches: "4930999999999",
    requests: ["GET /v3/dids 4930999999999"],
  },
  {
    class: "unknown CarrierX DID (404)",
    name: "cx-unknown-did",
    kind: CX,
    inputs: { didSid: missing.sid, trunkGroupSid: sids.group },
    message:
      `CarrierX has no DID ${missing.sid} (404 on PATCH ${CX_DIDS}/${missing.sid}): ` +
      "check the sid and that the DID is rented by this partner",
    touches: missing.sid,
    requests: [`PATCH ${CX_DIDS}/${missing.sid}`],
  },
  {
    class: "unknown CarrierX trunk group (422, names the field and the sid)",
    name: "cx-unknown-group",
    kind: CX,
    inputs: { didSid: sids.didA, trunkGroupSid: missing.groupSid },
    message:
      `CarrierX refused PATCH ${CX_DIDS}/${sids.didA} for DID ${sids.didA} (422): object validation error: ` +
      `trunk group not found (at trunk_group_sid, reference ${missing.groupSid})`,
    touches: sids.didA,
    requests: [`PATCH ${CX_DIDS}/${sids.didA}`],
  },
  {
    class: "a number the CarrierX partner does not rent",
    name: "cx-unknown-number",
    kind: CX,
    inputs: { number: "+15550000000", trunkGroupSid: sids.group },
    message: "CarrierX has no DID with the number +15550000000 rented by this partner (GET /core/v2/phonenumber/dids)",
    touches: "15550000000",
    requests: [`GET ${CX_DIDS} phonenumber eq "15550000000"`],
  },
];

describe("the API refuses: the message names the object, and the refused request changed nothing", () => {
  let world: World;
  let stack: Engine;
  let up: PhaseResult;
  beforeAll(async () => {
    world = await openWorld();
    stack = world.engine();
    up = await stack.up(API_CASES.map(({ name, kind, inputs }) => ({ name, kind, inputs })));
  });
  afterAll(() => world?.close());

  it.each(API_CASES)("$class: $name", (c) => {
    expect(up.failures.filter((f) => f.name === c.name)).toEqual([{ name: c.name, rpc: "create", message: c.message }]);
    expect(world.wire().filter((request) => request.includes(c.touches))).toEqual(c.requests);
    expect(stateNames(stack)).toEqual([]);
    expect(routing(world.api)).toEqual(world.before);
  });

  it("each refusal was the API's answer to one request, sent once: no retry, no other request", () => {
    expect(world.wire().sort()).toEqual(API_CASES.flatMap((c) => c.requests).sort());
    expect(up.failures.map((f) => f.name)).toEqual(API_CASES.map((c) => c.name));
  });
});

// --- Credentials the API refuses -----------------------------------------------------------------------------------

describe("credentials the API refuses: the message says which setting to fix and never holds the credential", () => {
  it("an expired or wrong DIDWW key and a wrong CarrierX token (401)", async () => {
    const world = await openWorld();
    onTestFinished(() => world.close());
    const wrongKey = "didww-expired-key-99d0c4e1b7";
    const wrongToken = "carrierx-wrong-token-2a7f6b0e58";
    const stack = world.engine({ "didww:apiKey": secret(wrongKey), "carrierx:token": secret(wrongToken) });
    const up = await stack.up([
      { name: "did", kind: DID, inputs: { didId: ids.didC, trunkId: ids.trunk1 } },
      { name: "members", kind: MEMBERS, inputs: { trunkGroupId: ids.group2, trunkIds: [ids.trunk1] } },
      { name: "cx", kind: CX, inputs: { didSid: sids.didB, trunkGroupSid: sids.group } },
    ]);
    const didwwFix = 'the key is missing or invalid. Set it with "pulumi config set --secret didww:apiKey <key>" or DIDWW_API_KEY.';
    expect(up.failures).toEqual([
      { name: "did", rpc: "create", message: `DIDWW rejected the API key (401 on PATCH /v3/dids/${ids.didC}): ${didwwFix}` },
      {
        name: "members",
        rpc: "create",
        message: `DIDWW rejected the API key (401 on PATCH /v3/voice_in_trunk_groups/${ids.group2}): ${didwwFix}`,
      },
      {
        name: "cx",
        rpc: "create",
        message:
          `CarrierX rejected the token (401 on PATCH ${CX_DIDS}/${sids.didB}): the token is missing or invalid. ` +
          'Set it with "pulumi config set --secret carrierx:token <token>" or CARRIERX_TOKEN.',
      },
    ]);
    // The refusals came from the APIs, for the credentials configured.
    expect(world.wire()).toEqual([
      `PATCH /v3/dids/${ids.didC}`,
      `PATCH /v3/voice_in_trunk_groups/${ids.group2}`,
      `PATCH ${CX_DIDS}/${sids.didB}`,
    ]);
    expect(world.api.didww.requests.map((r) => r.headers["api-key"])).toEqual([wrongKey, wrongKey]);
    expect(world.api.carrierx.requests[0]!.headers["authorization"]).toBe(`Bearer ${wrongToken}`);
    for (const text of [JSON.stringify(up.failures), up.log]) {
      expect(text).not.toContain(wrongKey);
      expect(text).not.toContain(wrongToken);
    }
    expect(stack.state.size).toBe(0);
    expect(routing(world.api)).toEqual(world.before);
  });

  it("a CarrierX token without the update scope (403): names the scope; the lookup by number still reads", async () => {
    const world = await openWorld();
    onTestFinished(() => world.close());
    const stack = world.engine({ "carrierx:token": secret(READ_ONLY_TOKEN) });
    const up = await stack.up([
      { name: "by-sid", kind: CX, inputs: { didSid: sids.didA, trunkGroupSid: sids.group2 } },
      { name: "by-number", kind: CX, inputs: { number: "+15162065575", trunkGroupSid: sids.group } },
    ]);
    const scope = "the token lacks the phonenumber.update (or phonenumber.manage) scope, or the DID belongs to another partner";
    expect(up.failures).toEqual([
      {
        name: "by-sid",
        rpc: "create",
        message: `CarrierX refused PATCH ${CX_DIDS}/${sids.didA} for DID ${sids.didA} (403: Forbidden): ${scope}`,
      },
      {
        name: "by-number",
        rpc: "create",
        message: `CarrierX refused PATCH ${CX_DIDS}/${sids.didB} for DID ${sids.didB} (403: Forbidden): ${scope}`,
      },
    ]);
    expect(world.wire()).toEqual([
      `PATCH ${CX_DIDS}/${sids.didA}`,
      `GET ${CX_DIDS} phonenumber eq "15162065575"`,
      `PATCH ${CX_DIDS}/${sids.didB}`,
    ]);
    expect(world.api.carrierx.requests.map((r) => r.headers["authorization"])).toEqual(
      Array(3).fill(`Bearer ${READ_ONLY_TOKEN}`),
    );
    expect(JSON.stringify(up.failures) + up.log).not.toContain(READ_ONLY_TOKEN);
    expect(stack.state.size).toBe(0);
    expect(routing(world.api)).toEqual(world.before);
  });
});

// --- Config the provider refuses before any request ------------------------------------------------------------------

interface ConfigCase {
  class: string;
  system: "didww" | "carrierx";
  /** On top of the valid config; undefined removes a key. */
  config?: Record<string, unknown>;
  env?: Record<string, string>;
  message: string;
}

const CONFIG_CASES: ConfigCase[] = [
  {
    class: "no credential in config or environment",
    system: "didww",
    config: { "didww:apiKey": undefined },
    message: 'DIDWW API key is not set: run "pulumi config set --secret didww:apiKey <key>" or set DIDWW_API_KEY',
  },
  {
    class: "no credential in config or environment",
    system: "carrierx",
    config: { "carrierx:token": undefined },
    message: 'CarrierX token is not set: run "pulumi config set --secret carrierx:token <token>" or set CARRIERX_TOKEN',
  },
  {
    class: "DIDWW endpoint not https",
    system: "didww",
    config: { "didww:endpoint": "http://api.example.com/v3" },
    message: 'didww:endpoint must use https (plain http is accepted only for 127.0.0.1/localhost), got "http://api.example.com"',
  },
  {
    class: "CarrierX endpoint not https",
    system: "carrierx",
    config: { "carrierx:endpoint": "http://api.carrierx.com/core/v2" },
    message: 'carrierx:endpoint must use https (plain http is accepted only for 127.0.0.1/localhost), got "http://api.carrierx.com"',
  },
  {
    class: "endpoint not a URL",
    system: "didww",
    config: { "didww:endpoint": "api.didww.com/v3" },
    message: 'didww:endpoint must be a URL such as https://..., got "api.didww.com/v3"',
  },
  {
    class: "endpoint carrying credentials (not echoed)",
    system: "carrierx",
    config: { "carrierx:endpoint": "https://partner:hunter2@api.carrierx.com/core/v2" },
    message: "carrierx:endpoint must not carry credentials or a query string",
  },
  {
    class: "apiVersion not a date",
    system: "didww",
    config: { "didww:apiVersion": "latest" },
    message: 'didww:apiVersion must be a DIDWW API version date such as 2026-04-16, got "latest"',
  },
  {
    class: "apiVersion shaped like a date that does not exist",
    system: "didww",
    config: { "didww:apiVersion": "2026-02-30" },
    message: 'didww:apiVersion must be a DIDWW API version date such as 2026-04-16, got "2026-02-30"',
  },
  {
    class: "maxRequestsPerSecond negative",
    system: "didww",
    config: { "didww:maxRequestsPerSecond": "-1" },
    message: 'didww:maxRequestsPerSecond must be a number of 0 or more (0: no limit), got "-1"',
  },
  {
    class: "maxRequestsPerSecond not a number",
    system: "carrierx",
    config: { "carrierx:maxRequestsPerSecond": "ten" },
    message: 'carrierx:maxRequestsPerSecond must be a number of 0 or more (0: no limit), got "ten"',
  },
  {
    class: "maxRequestsPerSecond negative, from the environment (names the variable)",
    system: "didww",
    env: { DIDWW_MAX_REQUESTS_PER_SECOND: "-5" },
    message: 'didww:maxRequestsPerSecond must be a number of 0 or more (0: no limit), got "-5" (from DIDWW_MAX_REQUESTS_PER_SECOND)',
  },
  {
    class: "requestTimeoutSeconds 0",
    system: "didww",
    config: { "didww:requestTimeoutSeconds": "0" },
    message: 'didww:requestTimeoutSeconds must be a number of seconds greater than 0, got "0"',
  },
  {
    class: "requestTimeoutSeconds 0",
    system: "carrierx",
    config: { "carrierx:requestTimeoutSeconds": "0" },
    message: 'carrierx:requestTimeoutSeconds must be a number of seconds greater than 0, got "0"',
  },
  {
    class: "operationTimeoutSeconds not finite",
    system: "didww",
    config: { "didww:operationTimeoutSeconds": "Infinity" },
    message: 'didww:operationTimeoutSeconds must be a number of seconds greater than 0, got "Infinity"',
  },
];

/** Each system's resources: every kind of that system must fail the same way. */
const RESOURCES_OF: Record<ConfigCase["system"], Declared[]> = {
  didww: [
    { name: "did", kind: DID, inputs: { didId: ids.didC, trunkId: ids.trunk1 } },
    { name: "members", kind: MEMBERS, inputs: { trunkGroupId: ids.group2, trunkIds: [ids.trunk1] } },
  ],
  carrierx: [{ name: "cx", kind: CX, inputs: { didSid: sids.didB, trunkGroupSid: sids.group } }],
};

/**
A DIDWW case and a CarrierX case can share a stack: each system's resources read only that system's settings (the
`didww:` and `carrierx:` keys, the DIDWW_ and CARRIERX_ variables), so one `up` refuses both, each naming its own
setting, and the stack costs one host instead of two. A case left without a partner runs alone.
*/
function stacksOf(cases: ConfigCase[]): ConfigCase[][] {
  const carrierx = cases.filter((c) => c.system === "carrierx");
  const didww = cases.filter((c) => c.system === "didww");
  return Array.from({ length: Math.max(carrierx.length, didww.length) }, (_, i) =>
    [didww[i], carrierx[i]].filter((c): c is ConfigCase => c !== undefined),
  );
}

describe("config the provider refuses: the operation fails before any request, naming the setting", () => {
  interface Refused {
    up: PhaseResult;
    wire: string[];
    state: number;
    after: ReturnType<typeof routing>;
    before: ReturnType<typeof routing>;
  }
  /** One `up` of the cases' stack, in a world of its own. */
  async function refuse(cases: ConfigCase[]): Promise<Refused> {
    const world = await openWorld();
    try {
      const config = Object.assign({}, ...cases.map((c) => c.config));
      const env = Object.assign({}, ...cases.map((c) => c.env));
      const stack = world.engine(config, env);
      const up = await stack.up(cases.flatMap((c) => RESOURCES_OF[c.system]));
      return { up, wire: world.wire(), state: stack.state.size, after: routing(world.api), before: world.before };
    } finally {
      await world.close();
    }
  }
  /** Each case's stack, run once by whichever of its cases comes first. */
  const refused = new Map<ConfigCase, () => Promise<Refused>>();
  for (const cases of stacksOf(CONFIG_CASES)) {
    let run: Promise<Refused> | undefined;
    const once = () => (run ??= refuse(cases));
    for (const c of cases) refused.set(c, once);
  }

  it.each(CONFIG_CASES)("$class ($system)", async (c) => {
    const { up, wire, state, after, before } = await refused.get(c)!();
    const resources = RESOURCES_OF[c.system];
    const names = new Set(resources.map((r) => r.name));
    expect(up.failures.filter((f) => names.has(f.name))).toEqual(resources.map((r) => ({ name: r.name, rpc: "create", message: c.message })));
    expect(wire).toEqual([]);
    expect(state).toBe(0);
    expect(after).toEqual(before);
  });
});

/**
An endpoint or API version from the environment is refused under its config key and names the variable it came from
(as the number settings do: `… got "-5" (from DIDWW_MAX_REQUESTS_PER_SECOND)`), so a person who never set
`didww:endpoint` is not sent to look for it in the stack config.
*/
describe("an endpoint or API version from the environment: refused before any request", () => {
  const results: Record<string, { up: PhaseResult; wire: string[]; state: number; after: ReturnType<typeof routing> }> = {};
  let world: World;
  beforeAll(async () => {
    world = await openWorld();
    const runs = {
      endpoint: world.engine({ "didww:endpoint": undefined }, { DIDWW_ENDPOINT: "http://api.example.com/v3" }),
      apiVersion: world.engine({}, { DIDWW_API_VERSION: "v3" }),
    };
    for (const [name, stack] of Object.entries(runs)) {
      const up = await stack.up(RESOURCES_OF.didww);
      results[name] = { up, wire: world.wire(), state: stack.state.size, after: routing(world.api) };
    }
  });
  afterAll(() => world?.close());

  it.each([
    ["endpoint", 'didww:endpoint must use https (plain http is accepted only for 127.0.0.1/localhost), got "http://api.example.com"'],
    ["apiVersion", 'didww:apiVersion must be a DIDWW API version date such as 2026-04-16, got "v3"'],
  ])("%s: the setting is named and nothing is sent", (name, message) => {
    const { up, wire, state, after } = results[name]!;
    expect(up.failures.map((f) => [f.name, f.rpc])).toEqual([
      ["did", "create"],
      ["members", "create"],
    ]);
    for (const failure of up.failures) expect(failure.message.startsWith(message)).toBe(true);
    expect(wire).toEqual([]);
    expect(state).toBe(0);
    expect(after).toEqual(world.before);
  });

  it.each([
    ["endpoint", "DIDWW_ENDPOINT"],
    ["apiVersion", "DIDWW_API_VERSION"],
  ])("%s: the message names the variable the value came from (%s)", (name, variable) => {
    for (const failure of results[name]!.up.failures) expect(failure.message).toContain(`(from ${variable})`);
  });
});

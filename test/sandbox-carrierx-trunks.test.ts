import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox } from "../sandbox";
import { createCarrierxSandbox, type CarrierxSandbox } from "../sandbox/carrierx";

/** Trunk groups and trunks in the CarrierX sandbox, over real HTTP, as CarrierX's documentation shows them. */
const TOKEN = "sandbox-trunks-token";
const READ_ONLY = "sandbox-trunks-read-only";
const G1 = "c7eae0b4-5eda-4964-8998-d514903b4af0";
const G2 = "e74fcf6a-bb8d-4ee0-9980-bdc24a728b9a";
const T1 = "fd97153a-e466-4de6-9484-c3d4dde72b85";
const D1 = "e8df62d5-07a3-4189-a67e-87585067c5fe";
const MISSING = "00000000-0000-4000-8000-000000000000";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The documented samples' fields and defaults (reference §4.4). */
const GROUP_DEFAULTS = {
  acls: [], hard_failure_codes: "408;", hard_failure_cooldown: 120, hard_failure_interval: 60,
  hard_failure_last_resort: "first", hard_failure_threshold: 3, name: "N/A", partner_sid: expect.any(String),
  routing_data: null, routing_type: "failover", sip_options_locations: [], sip_options_threshold: 3,
  soft_failure_codes: "408;", transformations: [], trunk_group_sid: expect.stringMatching(UUID),
};
const TRUNK_DEFAULTS = {
  acls: [], allow_forward: "disabled", allow_transfer: false, asn_mode: "disable", call_type: "regular", codec: null,
  endpoint_sid: null, in_capacity: 0, in_identity_format: "passthrough", in_identity_mode: "passthrough",
  in_rfc_4694_mode: "cut_all", location_sid: null, name: "N/A", out_capacity: 0, out_identity_mode: "passthrough",
  out_rfc_4694_mode: "cut_all", priority: 0, relay_sip_headers: [], transformations: [],
  trunk_sid: expect.stringMatching(UUID), weight: 0,
};

type Reply = { status: number; json: any };

function client(url: string) {
  return async (method: string, path: string, options: { body?: unknown; token?: string; contentType?: string | null } = {}): Promise<Reply> => {
    const headers: Record<string, string> = { Authorization: `Bearer ${options.token ?? TOKEN}` };
    if (options.body !== undefined && options.contentType !== null) headers["Content-Type"] = options.contentType ?? "application/json";
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const response = await fetch(`${url}${path}`, { method, headers, body });
    const text = await response.text();
    return { status: response.status, json: text === "" ? undefined : JSON.parse(text) };
  };
}

function startSandbox(): { sandbox: CarrierxSandbox; call: ReturnType<typeof client> } {
  const sandbox = createCarrierxSandbox({
    token: TOKEN,
    readOnlyTokens: [READ_ONLY],
    seed: {
      trunkGroups: [
        { sid: G1, name: "us-east", trunks: [{ sid: T1, name: "pbx-a" }] },
        { sid: G2, name: "us-west" },
      ],
      dids: [{ sid: D1, phonenumber: "15162065574", trunkGroupSid: G2 }],
    },
  });
  let call: ReturnType<typeof client>;
  beforeAll(async () => {
    await sandbox.listen();
    call = client(sandbox.url);
  });
  afterAll(() => sandbox.close());
  return { sandbox, call: (...args) => call(...args) };
}

describe("CarrierX sandbox: trunk groups", () => {
  const { sandbox, call } = startSandbox();

  it("POST creates a group with CarrierX's defaults and answers 200 with it; an empty body is a group named N/A", async () => {
    const created = await call("POST", "/trunk_groups", { body: { name: "lab", hard_failure_threshold: 5 } });
    expect(created.status).toBe(200);
    expect(created.json).toEqual({ ...GROUP_DEFAULTS, name: "lab", hard_failure_threshold: 5 });
    expect(Object.keys(created.json)).toEqual(Object.keys(GROUP_DEFAULTS));
    expect(sandbox.trunkGroup(created.json.trunk_group_sid)).toEqual(created.json);
    expect((await call("POST", "/trunk_groups", { body: {} })).json).toMatchObject({ name: "N/A" });
    // Names are not unique at CarrierX: a second "lab" is a second group.
    const again = await call("POST", "/trunk_groups", { body: { name: "lab" } });
    expect(again.json.trunk_group_sid).not.toBe(created.json.trunk_group_sid);
    expect(sandbox.trunkGroups().filter((group) => group.name === "lab")).toHaveLength(2);
  });

  it("creates a group together with its trunks, and embeds them when asked with with_trunks=true", async () => {
    const body = { name: "New Trunk Group", trunks: [{ name: "Trunk1", endpoint_sid: null }] };
    const created = await call("POST", "/trunk_groups?with_trunks=true", { body });
    expect(created.json.trunks).toEqual([{ ...TRUNK_DEFAULTS, name: "Trunk1" }]);
    const sid = created.json.trunk_group_sid;
    expect((await call("GET", `/trunk_groups/${sid}`)).json.trunks).toBeUndefined();
    expect((await call("GET", `/trunk_groups/${sid}?with_trunks=true`)).json.trunks).toHaveLength(1);
    expect(sandbox.trunks(sid).map((trunk) => trunk["name"])).toEqual(["Trunk1"]);
  });

  it("PATCH changes only the fields sent; PUT resets the writable fields left out", async () => {
    await call("PATCH", `/trunk_groups/${G2}`, { body: { hard_failure_cooldown: 30 } });
    const patched = await call("PATCH", `/trunk_groups/${G2}`, { body: { hard_failure_last_resort: "reject503" } });
    expect(patched.json).toMatchObject({ name: "us-west", hard_failure_cooldown: 30, hard_failure_last_resort: "reject503" });
    const put = await call("PUT", `/trunk_groups/${G2}`, { body: { name: "us-west" } });
    expect(put.json).toEqual({ ...GROUP_DEFAULTS, name: "us-west", trunk_group_sid: G2 });
  });

  it("refuses bad values, unknown and read-only fields, and trunks on an update, with 422 and no change", async () => {
    const before = sandbox.trunkGroup(G2);
    const reply = await call("PATCH", `/trunk_groups/${G2}`, {
      body: { hard_failure_threshold: -1, hard_failure_last_resort: "never", colour: "red", trunk_group_sid: MISSING, name: "x" },
    });
    expect(reply).toEqual({
      status: 422,
      json: {
        message: "object validation error",
        errors: [
          { field: "hard_failure_threshold", message: "must be an integer of at least 0", reference_sid: null },
          { field: "hard_failure_last_resort", message: 'must be one of "first", "reject502", "reject503"', reference_sid: null },
          { field: "colour", message: "unknown field", reference_sid: null },
          { field: "trunk_group_sid", message: "field is read only", reference_sid: null },
        ],
      },
    });
    expect((await call("PATCH", `/trunk_groups/${G2}`, { body: { trunks: [] } })).status).toBe(422);
    expect((await call("POST", "/trunk_groups", { body: { name: "x", trunks: [{ weight: -5 }] } })).status).toBe(422);
    expect(sandbox.trunkGroup(G2)).toEqual(before);
    expect(sandbox.trunkGroups().map((group) => group.name)).not.toContain("x");
  });

  it("lists groups with the documented envelope, filtered by name", async () => {
    const list = await call("GET", `/trunk_groups?filter=${encodeURIComponent('name eq "us-east"')}`);
    expect(list.json).toMatchObject({ count: 1, has_more: false, total: 1, pagination: {} });
    expect(list.json.items[0]).toEqual(sandbox.trunkGroup(G1));
  });

  it("does not delete a group DIDs or trunks still use (409, naming the first of each), then does (204)", async () => {
    const inUse = await call("DELETE", `/trunk_groups/${G2}`);
    expect(inUse).toEqual({
      status: 409,
      json: {
        message: "trunk group is in use",
        errors: [{ field: "trunk_group_sid", message: "1 DID assigned to the trunk group", reference_sid: D1 }],
      },
    });
    const withTrunk = await call("DELETE", `/trunk_groups/${G1}`);
    expect(withTrunk.json.errors).toEqual([{ field: "trunks", message: "the trunk group has 1 trunk", reference_sid: T1 }]);
    expect(() => sandbox.removeTrunkGroup(G2)).toThrow(`trunk group ${G2} is still used: DIDs 1, trunks 0`);
    sandbox.setDidTrunkGroup(D1, null);
    expect(await call("DELETE", `/trunk_groups/${G2}`)).toEqual({ status: 204, json: undefined });
    expect((await call("GET", `/trunk_groups/${G2}`)).status).toBe(404);
    expect((await call("DELETE", `/trunk_groups/${G2}`)).status).toBe(404);
    expect(sandbox.trunkGroup(G2)).toBeUndefined();
  });
});

describe("CarrierX sandbox: trunks", () => {
  const { sandbox, call } = startSandbox();

  it("POST under a group creates a trunk there with CarrierX's defaults, from an empty body too", async () => {
    const created = await call("POST", `/trunk_groups/${G2}/trunks`, { body: { name: "pbx-b", in_capacity: -1, codec: "opus48" } });
    expect(created.status).toBe(200);
    expect(created.json).toEqual({ ...TRUNK_DEFAULTS, name: "pbx-b", in_capacity: -1, codec: "opus48" });
    expect(Object.keys(created.json)).toEqual(Object.keys(TRUNK_DEFAULTS));
    expect(sandbox.trunk(created.json.trunk_sid)).toEqual({ trunkGroupSid: G2, trunk: created.json });
    expect((await call("POST", `/trunk_groups/${G2}/trunks`, { body: {} })).json).toMatchObject({ name: "N/A" });
    expect((await call("POST", `/trunk_groups/${MISSING}/trunks`, { body: {} })).status).toBe(404);
  });

  it("addresses a trunk only under its own group", async () => {
    expect((await call("GET", `/trunk_groups/${G1}/trunks/${T1}`)).json).toMatchObject({ trunk_sid: T1, name: "pbx-a" });
    expect((await call("GET", `/trunk_groups/${G2}/trunks/${T1}`)).status).toBe(404);
    expect((await call("PATCH", `/trunk_groups/${G2}/trunks/${T1}`, { body: { weight: 1 } })).status).toBe(404);
    expect((await call("DELETE", `/trunk_groups/${G2}/trunks/${T1}`)).status).toBe(404);
    expect((await call("GET", `/trunk_groups/${MISSING}/trunks`)).status).toBe(404);
    // The trunk has no field naming its group, so it cannot be moved by PATCH either.
    const move = await call("PATCH", `/trunk_groups/${G1}/trunks/${T1}`, { body: { trunk_group_sid: G2 } });
    expect(move.json.errors).toEqual([{ field: "trunk_group_sid", message: "unknown field", reference_sid: null }]);
    expect(sandbox.trunk(T1)?.trunkGroupSid).toBe(G1);
  });

  it("PATCH changes the fields sent, PUT resets the rest, DELETE answers 204", async () => {
    await call("PATCH", `/trunk_groups/${G1}/trunks/${T1}`, { body: { priority: 2 } });
    const patched = await call("PATCH", `/trunk_groups/${G1}/trunks/${T1}`, { body: { allow_transfer: true, endpoint_sid: null } });
    expect(patched.json).toMatchObject({ name: "pbx-a", priority: 2, allow_transfer: true });
    const put = await call("PUT", `/trunk_groups/${G1}/trunks/${T1}`, { body: { name: "pbx-a" } });
    expect(put.json).toEqual({ ...TRUNK_DEFAULTS, name: "pbx-a", trunk_sid: T1 });
    const bad = await call("PATCH", `/trunk_groups/${G1}/trunks/${T1}`, { body: { allow_forward: "always", weight: 1.5 } });
    expect(bad.status).toBe(422);
    expect(bad.json.errors.map((e: { field: string }) => e.field)).toEqual(["allow_forward", "weight"]);
    expect((await call("DELETE", `/trunk_groups/${G1}/trunks/${T1}`)).status).toBe(204);
    expect(sandbox.trunk(T1)).toBeUndefined();
    expect(sandbox.trunks(G1)).toEqual([]);
  });

  it("lists a group's trunks by name, with filters and paging", async () => {
    for (const name of ["t3", "t1", "t2"]) await call("POST", `/trunk_groups/${G1}/trunks`, { body: { name } });
    const page = await call("GET", `/trunk_groups/${G1}/trunks?limit=2`);
    expect(page.json).toMatchObject({ count: 2, has_more: true, total: 3, limit: 2, offset: 0 });
    expect(page.json.items.map((t: { name: string }) => t.name)).toEqual(["t1", "t2"]);
    expect(page.json.pagination.next).toBe(`${sandbox.url}/trunk_groups/${G1}/trunks?limit=2&offset=2`);
    const byName = await call("GET", `/trunk_groups/${G1}/trunks?filter=${encodeURIComponent("name eq t3")}`);
    expect(byName.json.items.map((t: { name: string }) => t.name)).toEqual(["t3"]);
    expect((await call("GET", `/trunk_groups/${G2}/trunks`)).json.total).toBe(2);
  });

  it("hand changes are checked as the API checks them", () => {
    const [first] = sandbox.trunks(G1);
    sandbox.setTrunkFields(first!["trunk_sid"] as string, { weight: 7 });
    expect(sandbox.trunks(G1)[0]).toMatchObject({ weight: 7 });
    expect(() => sandbox.setTrunkFields(first!["trunk_sid"] as string, { weight: -7 })).toThrow("object validation error");
    sandbox.setTrunkGroupFields(G1, { hard_failure_threshold: 9 });
    expect(sandbox.trunkGroup(G1)).toMatchObject({ hard_failure_threshold: 9 });
    expect(() => sandbox.setTrunkGroupFields(MISSING, {})).toThrow(`unknown trunk group ${MISSING} in the CarrierX sandbox`);
  });
});

describe("CarrierX sandbox: trunk writes need the write scope", () => {
  it("a read-only token reads, and gets 403 for POST, PATCH, PUT and DELETE, changing nothing (also combined)", async () => {
    const combined = createSandbox({
      token: TOKEN,
      readOnlyTokens: [READ_ONLY],
      seed: { carrierx: { trunkGroups: [{ sid: G1, name: "us-east", trunks: [{ sid: T1, name: "pbx-a" }] }] } },
    });
    const { carrierx } = await combined.listen();
    try {
      const call = client(carrierx);
      expect((await call("GET", `/trunk_groups/${G1}/trunks`, { token: READ_ONLY })).status).toBe(200);
      const writes: [string, string][] = [
        ["POST", "/trunk_groups"],
        ["PATCH", `/trunk_groups/${G1}`],
        ["DELETE", `/trunk_groups/${G1}`],
        ["POST", `/trunk_groups/${G1}/trunks`],
        ["PUT", `/trunk_groups/${G1}/trunks/${T1}`],
        ["DELETE", `/trunk_groups/${G1}/trunks/${T1}`],
      ];
      for (const [method, path] of writes) {
        const body = method === "DELETE" ? undefined : { name: "x" };
        expect(await call(method, path, { token: READ_ONLY, body })).toEqual({ status: 403, json: { message: "Forbidden", errors: [] } });
      }
      expect(combined.carrierx.trunks(G1)).toEqual([expect.objectContaining({ trunk_sid: T1, name: "pbx-a" })]);
      expect(combined.carrierx.trunkGroups()).toEqual([{ sid: G1, name: "us-east" }]);
      // The JSON media type is needed on a create, as on any body.
      expect((await call("POST", "/trunk_groups", { body: { name: "y" }, contentType: "text/plain" })).status).toBe(415);
    } finally {
      await combined.close();
    }
  });
});

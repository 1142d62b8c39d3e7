import nock from "nock";
import { beforeEach, describe, expect, it } from "vitest";
import { DidrouteError, resource } from "../provider";
import { unsent } from "../provider/http";
import { createSandbox } from "../sandbox";
import { failureWithout, useConfig, useNock } from "./wire";

/**
The exact requests of CarrierX trunk groups and trunks (reference: carrierx-api.md §4), pinned with nock, and the
errors a person reads. Bodies are matched as raw strings: exactly the declared fields, in one order, are sent.
*/
const TOKEN = "nock-token-trunks-5e1a7c";
const BASE = "https://api.carrierx.com";
const GROUP = "c7eae0b4-5eda-4964-8998-d514903b4af0";
const OTHER = "e74fcf6a-bb8d-4ee0-9980-bdc24a728b9a";
// Adopted in a test below: this process then holds a claim on it and never deletes it (see provider/claims.ts).
const LAB = "6b1d2f3a-4c5e-4f70-8a91-b2c3d4e5f607";
const TRUNK = "fd97153a-e466-4de6-9484-c3d4dde72b85";
const ENDPOINT = "0a4e0a2c-8a0b-4f3e-9a51-3b6a1f6c9d20";
const PARTNER = "ed437757-002d-4ecc-aa5a-efdf5e50dba0";
const GROUPS = "/core/v2/trunk_groups";
const groupPath = (sid: string) => `${GROUPS}/${sid}`;
const trunksPath = (group: string) => `${groupPath(group)}/trunks`;
const trunkPath = (group: string, sid: string) => `${trunksPath(group)}/${sid}`;
const LIST = { limit: "1000", offset: "0" };

const trunkGroup = resource("carrierx:TrunkGroup");
const trunk = resource("carrierx:Trunk");

/** The documented trunk-group sample (§4.4). */
const groupObject = (sid: string, fields: Record<string, unknown> = {}) => ({
  acls: [],
  hard_failure_codes: "408;",
  hard_failure_cooldown: 120,
  hard_failure_interval: 60,
  hard_failure_last_resort: "first",
  hard_failure_threshold: 3,
  name: "TrunkGroup4",
  partner_sid: PARTNER,
  routing_data: null,
  routing_type: "failover",
  sip_options_locations: [],
  sip_options_threshold: 3,
  soft_failure_codes: "408;",
  transformations: [],
  trunk_group_sid: sid,
  ...fields,
});

/** The documented trunk sample (§4.4, the `trunks` of a group created with them). */
const trunkObject = (sid: string, fields: Record<string, unknown> = {}) => ({
  acls: [],
  allow_forward: "disabled",
  allow_transfer: false,
  asn_mode: "disable",
  call_type: "regular",
  codec: null,
  endpoint_sid: null,
  in_capacity: 0,
  in_identity_format: "passthrough",
  in_identity_mode: "passthrough",
  in_rfc_4694_mode: "cut_all",
  location_sid: null,
  name: "Trunk1",
  out_capacity: 0,
  out_identity_mode: "passthrough",
  out_rfc_4694_mode: "cut_all",
  priority: 0,
  relay_sip_headers: [],
  transformations: [],
  trunk_sid: sid,
  weight: 0,
  ...fields,
});

const listOf = (items: object[]) => ({ count: items.length, has_more: false, items, limit: 1000, offset: 0, pagination: {}, total: items.length });

/** The outputs of a group answered as `groupObject(sid, fields)`. */
const groupOutputs = (sid: string, fields: Record<string, unknown> = {}) => ({
  trunkGroupSid: sid,
  partnerSid: PARTNER,
  name: "TrunkGroup4",
  routingType: "failover",
  hardFailureCodes: "408;",
  hardFailureCooldown: 120,
  hardFailureInterval: 60,
  hardFailureLastResort: "first",
  hardFailureThreshold: 3,
  sipOptionsThreshold: 3,
  softFailureCodes: "408;",
  ...fields,
});

const trunkOutputs = (group: string, sid: string, fields: Record<string, unknown> = {}) => ({
  trunkSid: sid,
  trunkGroupSid: group,
  name: "Trunk1",
  allowForward: "disabled",
  allowTransfer: false,
  asnMode: "disable",
  callType: "regular",
  codec: null,
  endpointSid: null,
  inCapacity: 0,
  inIdentityFormat: "passthrough",
  inIdentityMode: "passthrough",
  inRfc4694Mode: "cut_all",
  locationSid: null,
  outCapacity: 0,
  outIdentityMode: "passthrough",
  outRfc4694Mode: "cut_all",
  priority: 0,
  weight: 0,
  ...fields,
});

const headers = {
  reqheaders: { "content-type": "application/json", accept: "application/json", authorization: `Bearer ${TOKEN}` },
};

// Whatever CarrierX answered, the token is in no part of the error a log or a state file could keep.
const failure = (promise: Promise<unknown>): Promise<DidrouteError> => failureWithout(TOKEN, promise);

useNock();
beforeEach(() => {
  delete process.env["CARRIERX_TOKEN"];
  delete process.env["CARRIERX_ENDPOINT"];
  useConfig({ "carrierx:token": TOKEN });
});

describe("CarrierX TrunkGroup on the wire", () => {
  it("create looks the name up, then POSTs exactly the declared fields; outputs carry CarrierX's defaults", async () => {
    nock(BASE, headers)
      .get(GROUPS)
      .query(LIST)
      .reply(200, listOf([groupObject(OTHER, { name: "us-west" })]))
      .post(GROUPS, '{"name":"us-east","hard_failure_codes":"408;503;","hard_failure_threshold":5}')
      .reply(200, groupObject(GROUP, { name: "us-east", hard_failure_codes: "408;503;", hard_failure_threshold: 5 }));
    const inputs = { name: "us-east", hardFailureThreshold: 5, hardFailureCodes: "408;503;" };
    expect(await trunkGroup.create(inputs)).toEqual({
      id: GROUP,
      outs: groupOutputs(GROUP, { name: "us-east", hardFailureCodes: "408;503;", hardFailureThreshold: 5 }),
    });
  });

  it("create refuses a name the partner already uses, saying how to adopt it, and sends nothing else", async () => {
    nock(BASE, headers).get(GROUPS).query(LIST).reply(200, listOf([groupObject(OTHER, { name: "us-east" })]));
    expect((await failure(trunkGroup.create({ name: "us-east" }))).message).toBe(
      `CarrierX already has a trunk group named "us-east" (trunk_group_sid ${OTHER}), and TrunkGroup does not take ` +
        "over an existing trunk group unasked: set adopt: true to manage it with this resource (the same up then sets " +
        "the fields it declares), or choose another name. A resource renamed in the program keeps its trunk group with " +
        "the aliases resource option instead; one left behind by a create that failed midway is adopted the same way.",
    );
  });

  it("adopt: true takes the group over and PATCHes the declared fields only when they differ", async () => {
    nock(BASE, headers)
      .get(GROUPS)
      .query(LIST)
      .reply(200, listOf([groupObject(GROUP, { name: "us-east" })]))
      .patch(groupPath(GROUP), '{"name":"us-east","hard_failure_last_resort":"reject503"}')
      .reply(200, groupObject(GROUP, { name: "us-east", hard_failure_last_resort: "reject503" }));
    expect(await trunkGroup.create({ name: "us-east", hardFailureLastResort: "reject503", adopt: true })).toEqual({
      id: GROUP,
      outs: groupOutputs(GROUP, { name: "us-east", hardFailureLastResort: "reject503" }),
    });
    // Already as declared: the look-up is the only request.
    nock(BASE, headers).get(GROUPS).query(LIST).reply(200, listOf([groupObject(LAB, { name: "lab" })]));
    expect(await trunkGroup.create({ name: "lab", hardFailureCooldown: 120, adopt: true })).toEqual({
      id: LAB,
      outs: groupOutputs(LAB, { name: "lab" }),
    });
  });

  it("several groups of the name cannot be told apart: create stops, naming them", async () => {
    nock(BASE).get(GROUPS).query(LIST).reply(200, listOf([groupObject(GROUP), groupObject(OTHER)]));
    expect((await failure(trunkGroup.create({ name: "TrunkGroup4", adopt: true }))).message).toBe(
      `CarrierX has 2 trunk groups named "TrunkGroup4" (${GROUP}, ${OTHER}): TrunkGroup cannot tell which to manage; ` +
        "rename all but one in CarrierX, or give this resource another name",
    );
  });

  it("update PATCHes every declared field, never PUT; a rename first checks that no other group has the name", async () => {
    const olds = groupOutputs(GROUP, { name: "us-east", hardFailureThreshold: 7 });
    nock(BASE, headers)
      .patch(groupPath(GROUP), '{"name":"us-east","routing_type":"failover","hard_failure_threshold":5}')
      .reply(200, groupObject(GROUP, { name: "us-east", hard_failure_threshold: 5 }));
    const news = { name: "us-east", routingType: "failover", hardFailureThreshold: 5 };
    expect(await trunkGroup.diff(GROUP, olds, news)).toEqual({ changes: true });
    expect(await trunkGroup.update(GROUP, olds, news)).toEqual({ outs: groupOutputs(GROUP, { name: "us-east", hardFailureThreshold: 5 }) });

    nock(BASE, headers)
      .get(GROUPS)
      .query(LIST)
      .reply(200, listOf([groupObject(GROUP, { name: "us-east" })]))
      .patch(groupPath(GROUP), '{"name":"us-central"}')
      .reply(200, groupObject(GROUP, { name: "us-central" }));
    expect((await trunkGroup.update(GROUP, olds, { name: "us-central" })).outs).toMatchObject({ name: "us-central" });

    nock(BASE).get(GROUPS).query(LIST).reply(200, listOf([groupObject(GROUP, { name: "us-east" }), groupObject(OTHER, { name: "us-west" })]));
    expect((await failure(trunkGroup.update(GROUP, olds, { name: "us-west" }))).message).toBe(
      `CarrierX already has another trunk group named "us-west" (${OTHER}): trunk group ${GROUP} cannot take that name, ` +
        "or neither could be found by it; choose another name",
    );
  });

  it("read is one GET with every field as CarrierX holds it; 404 means gone", async () => {
    nock(BASE, headers).get(groupPath(GROUP)).reply(200, groupObject(GROUP, { hard_failure_cooldown: 99 }));
    // No `inputs`: the engine keeps the declared ones, and fields the program leaves out stay undeclared.
    expect(await trunkGroup.read(GROUP, {})).toEqual({ id: GROUP, props: groupOutputs(GROUP, { hardFailureCooldown: 99 }) });
    nock(BASE).get(groupPath(GROUP)).reply(404, { message: "Cannot find item by SID", errors: [] });
    expect(await trunkGroup.read(GROUP, {})).toEqual({});
  });

  it("delete is one DELETE; a group already gone counts as deleted", async () => {
    nock(BASE, headers).delete(groupPath(OTHER)).reply(204);
    await trunkGroup.delete(OTHER, groupOutputs(OTHER));
    nock(BASE).delete(groupPath(OTHER)).reply(404, { message: "Cannot find item by SID", errors: [] });
    await trunkGroup.delete(OTHER, groupOutputs(OTHER));
  });

  it("a delete refused while in use (409 or 422) names the DIDs and trunks that still use the group", async () => {
    const refused = { message: "trunk group is in use", errors: [] };
    const dids = [
      { did_sid: "e8df62d5-07a3-4189-a67e-87585067c5fe", phonenumber: "15162065574", trunk_group_sid: OTHER },
      { did_sid: "44957076-778a-4802-b60c-d22db0cda284", phonenumber: "15162065575", trunk_group_sid: OTHER },
    ];
    nock(BASE, headers)
      .delete(groupPath(OTHER))
      .reply(409, refused)
      .get("/core/v2/phonenumber/dids")
      .query({ ...LIST, trunk_group_sid: OTHER })
      .reply(200, { ...listOf(dids), total: 7 })
      .get(trunksPath(OTHER))
      .query(LIST)
      .reply(200, listOf([trunkObject(TRUNK, { name: "pbx-a" })]));
    expect((await failure(trunkGroup.delete(OTHER, groupOutputs(OTHER, { name: "us-west" })))).message).toBe(
      `CarrierX answered 409 to DELETE ${groupPath(OTHER)} for trunk group ${OTHER} ("us-west"): trunk group is in use. ` +
        `Still using the group: DIDs +15162065574, +15162065575, 5 more; trunks "pbx-a" (${TRUNK}). Assign those DIDs ` +
        "to another trunk group (or clear theirs) and delete those trunks, then delete the group again",
    );
    // 422 means the same; when nothing uses the group any more, the message says so.
    nock(BASE)
      .delete(groupPath(OTHER))
      .reply(422, { message: "object validation error", errors: [{ field: "trunk_group_sid", message: "in use" }] })
      .get("/core/v2/phonenumber/dids")
      .query(true)
      .reply(200, listOf([]))
      .get(trunksPath(OTHER))
      .query(true)
      .reply(200, listOf([]));
    expect((await failure(trunkGroup.delete(OTHER, groupOutputs(OTHER)))).message).toBe(
      `CarrierX refused DELETE ${groupPath(OTHER)} for trunk group ${OTHER} ("TrunkGroup4") (422): object validation ` +
        "error: in use (at trunk_group_sid). No DID or trunk uses the group now: deleting it again may succeed",
    );
  });

  it("a POST is not sent again after a 5xx (it may have created the group); a 429 is", async () => {
    nock(BASE).get(GROUPS).query(LIST).reply(200, listOf([])).post(GROUPS).reply(503, { message: "Service Unavailable", errors: [] });
    expect((await failure(trunkGroup.create({ name: "us-east" }))).message).toBe(
      `CarrierX answered 503 to POST ${GROUPS} for a new trunk group: Service Unavailable. CarrierX may have created ` +
        "the trunk group all the same: if so, the next pulumi up finds it by its name and stops, and adopt: true takes it over",
    );
    nock(BASE)
      .get(GROUPS)
      .query(LIST)
      .reply(200, listOf([]))
      .post(GROUPS, '{"name":"us-east"}')
      .reply(429, { message: "Too Many Requests", errors: [] }, { "retry-after": "0" })
      .post(GROUPS, '{"name":"us-east"}')
      .reply(200, groupObject(GROUP, { name: "us-east" }));
    expect((await trunkGroup.create({ name: "us-east" })).id).toBe(GROUP);
  });

  it("a DELETE is sent again after a 5xx, and a 404 then means the first one took effect", async () => {
    nock(BASE)
      .delete(groupPath(OTHER))
      .reply(503)
      .delete(groupPath(OTHER))
      .reply(404, { message: "Cannot find item by SID", errors: [] });
    await trunkGroup.delete(OTHER, groupOutputs(OTHER));
  });

  it("403 names the scope each operation needs", async () => {
    nock(BASE).get(GROUPS).query(LIST).reply(200, listOf([])).post(GROUPS).reply(403, { message: "Forbidden", errors: [] });
    expect((await failure(trunkGroup.create({ name: "us-east" }))).message).toBe(
      `CarrierX refused POST ${GROUPS} for a new trunk group (403: Forbidden): the token lacks the trunk_groups.create ` +
        "(or trunk_groups.manage) scope",
    );
    nock(BASE).delete(groupPath(OTHER)).reply(403, {});
    expect((await failure(trunkGroup.delete(OTHER, groupOutputs(OTHER, { name: "lab" })))).message).toBe(
      `CarrierX refused DELETE ${groupPath(OTHER)} for trunk group ${OTHER} ("lab") (403): the token lacks the ` +
        "trunk_groups.delete (or trunk_groups.manage) scope, or the trunk group belongs to another partner",
    );
  });
});

describe("CarrierX Trunk on the wire", () => {
  it("create looks the name up in its group, then POSTs the declared fields under the group's URL", async () => {
    nock(BASE, headers)
      .get(trunksPath(GROUP))
      .query(LIST)
      .reply(200, listOf([trunkObject(TRUNK, { name: "pbx-b" })]))
      .post(trunksPath(GROUP), `{"name":"pbx-a","allow_transfer":true,"endpoint_sid":"${ENDPOINT}","in_capacity":-1,"weight":10}`)
      .reply(200, trunkObject(TRUNK, { name: "pbx-a", allow_transfer: true, endpoint_sid: ENDPOINT, in_capacity: -1, weight: 10 }));
    const inputs = { trunkGroupSid: GROUP, name: "pbx-a", weight: 10, inCapacity: -1, endpointSid: ENDPOINT, allowTransfer: true };
    expect(await trunk.create(inputs)).toEqual({
      id: TRUNK,
      outs: trunkOutputs(GROUP, TRUNK, { name: "pbx-a", allowTransfer: true, endpointSid: ENDPOINT, inCapacity: -1, weight: 10 }),
    });
  });

  it("create refuses a name the group already has, adopts it with adopt: true, and needs the group to exist", async () => {
    nock(BASE).get(trunksPath(GROUP)).query(LIST).reply(200, listOf([trunkObject(TRUNK, { name: "pbx-a" })]));
    expect((await failure(trunk.create({ trunkGroupSid: GROUP, name: "pbx-a" }))).message).toMatch(
      new RegExp(`^CarrierX already has a trunk named "pbx-a" in trunk group ${GROUP} \\(trunk_sid ${TRUNK}\\), and Trunk does not take over`),
    );
    nock(BASE, headers)
      .get(trunksPath(GROUP))
      .query(LIST)
      .reply(200, listOf([trunkObject(TRUNK, { name: "pbx-a" })]))
      .patch(trunkPath(GROUP, TRUNK), '{"name":"pbx-a","codec":"opus48"}')
      .reply(200, trunkObject(TRUNK, { name: "pbx-a", codec: "opus48" }));
    expect(await trunk.create({ trunkGroupSid: GROUP, name: "pbx-a", codec: "opus48", adopt: true })).toEqual({
      id: TRUNK,
      outs: trunkOutputs(GROUP, TRUNK, { name: "pbx-a", codec: "opus48" }),
    });
    nock(BASE).get(trunksPath(OTHER)).query(LIST).reply(404, { message: "Cannot find item by SID", errors: [] });
    expect((await failure(trunk.create({ trunkGroupSid: OTHER, name: "pbx-a" }))).message).toBe(
      `CarrierX has no trunk group ${OTHER} (404 on GET ${trunksPath(OTHER)}): check trunkGroupSid and that the group belongs to this partner`,
    );
  });

  it("update PATCHes every declared field at the trunk's URL; read is one GET; delete one DELETE", async () => {
    const olds = trunkOutputs(GROUP, TRUNK, { name: "pbx-a", priority: 1 });
    const news = { trunkGroupSid: GROUP, name: "pbx-a", priority: 2, codec: null };
    nock(BASE, headers)
      .patch(trunkPath(GROUP, TRUNK), '{"name":"pbx-a","codec":null,"priority":2}')
      .reply(200, trunkObject(TRUNK, { name: "pbx-a", priority: 2 }));
    expect(await trunk.update(TRUNK, olds, news)).toEqual({ outs: trunkOutputs(GROUP, TRUNK, { name: "pbx-a", priority: 2 }) });

    nock(BASE, headers).get(trunkPath(GROUP, TRUNK)).reply(200, trunkObject(TRUNK, { in_capacity: 4 }));
    expect(await trunk.read(TRUNK, olds)).toEqual({ id: TRUNK, props: trunkOutputs(GROUP, TRUNK, { inCapacity: 4 }) });
    nock(BASE).get(trunkPath(GROUP, TRUNK)).reply(404, {});
    expect(await trunk.read(TRUNK, olds)).toEqual({});

    nock(BASE, headers).delete(trunkPath(GROUP, "5a0f6c1e-2b7d-4c8e-9f10-3d2e1c0b9a87")).reply(204);
    await trunk.delete("5a0f6c1e-2b7d-4c8e-9f10-3d2e1c0b9a87", { ...olds, trunkSid: "5a0f6c1e-2b7d-4c8e-9f10-3d2e1c0b9a87" });
    nock(BASE).delete(trunkPath(GROUP, "5a0f6c1e-2b7d-4c8e-9f10-3d2e1c0b9a87")).reply(404, {});
    await trunk.delete("5a0f6c1e-2b7d-4c8e-9f10-3d2e1c0b9a87", { ...olds, trunkSid: "5a0f6c1e-2b7d-4c8e-9f10-3d2e1c0b9a87" });
  });

  it("422 shows CarrierX's errors with the field each names", async () => {
    nock(BASE)
      .get(trunksPath(GROUP))
      .query(LIST)
      .reply(200, listOf([]))
      .post(trunksPath(GROUP))
      .reply(422, { message: "object validation error", errors: [{ field: "call_type", message: "invalid value", reference_sid: null }] });
    expect((await failure(trunk.create({ trunkGroupSid: GROUP, name: "pbx-a", callType: "weird" }))).message).toBe(
      `CarrierX refused POST ${trunksPath(GROUP)} for the trunks of trunk group ${GROUP} (422): object validation error: ` +
        "invalid value (at call_type)",
    );
  });
});

describe("rename safety inside one provider process", () => {
  it("a delete of a group or trunk that a create adopted in this process sends nothing", async () => {
    const ADOPTED = "3b0c5e1e-8f5b-4d0e-9d8a-1f6a2b3c4d5f";
    nock(BASE).get(GROUPS).query(LIST).reply(200, listOf([groupObject(ADOPTED, { name: "kept" })]));
    await trunkGroup.create({ name: "kept", adopt: true });
    nock(BASE).get(trunksPath(ADOPTED)).query(LIST).reply(200, listOf([trunkObject(TRUNK, { name: "kept" })]));
    await trunk.create({ trunkGroupSid: ADOPTED, name: "kept", adopt: true });
    // No interceptor is left: a DELETE here would fail the test with nock's no-match answer.
    await trunk.delete(TRUNK, trunkOutputs(ADOPTED, TRUNK));
    await trunkGroup.delete(ADOPTED, groupOutputs(ADOPTED));
  });
});

describe("a POST is sent again only when the API cannot have acted on it", () => {
  it.each([
    [429, "ERR_NON_2XX_3XX_RESPONSE", true],
    [503, "ERR_NON_2XX_3XX_RESPONSE", false],
    [500, "ERR_NON_2XX_3XX_RESPONSE", false],
    [undefined, "ECONNREFUSED", true],
    [undefined, "ENETUNREACH", true],
    [undefined, "EAI_AGAIN", true],
    [undefined, "ECONNRESET", false],
    [undefined, "ETIMEDOUT", false],
    [undefined, "EPIPE", false],
  ])("answer %s, error %s: sent again %s", (status, code, expected) => {
    expect(unsent(status, code)).toBe(expected);
  });

  it("a connection dropped after the POST was sent is not sent again; the error says the group may exist", async () => {
    const sandbox = createSandbox({ token: TOKEN });
    const { carrierx } = await sandbox.listen();
    nock.enableNetConnect("127.0.0.1");
    try {
      useConfig({ "carrierx:token": TOKEN, "carrierx:endpoint": carrierx });
      // The list passes; the POST's connection is closed without an answer.
      sandbox.faults.next([{ latencyMs: 0 }, { drop: true }]);
      const error = await failure(trunkGroup.create({ name: "dropped" }));
      expect(error.message).toMatch(
        /^CarrierX POST \/core\/v2\/trunk_groups failed before an answer arrived: ECONNRESET \(http:\/\/127\.0\.0\.1:\d+\/core\/v2\)\. CarrierX may have created the trunk group all the same/,
      );
      expect(sandbox.carrierx.requests.map((r) => r.method)).toEqual(["GET", "POST"]);
    } finally {
      nock.disableNetConnect();
      await sandbox.close();
    }
  });
});

import nock from "nock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resource } from "../provider";
import { didwwClient } from "../provider/didww/client";
import { SIP_DEFAULTS, TRUNK_DEFAULTS } from "../sandbox/didww/assumptions";
import { schemaViolations, type DidwwSchema } from "./didww-schemas";
import { useConfig, useNock } from "./wire";

/**
VoiceInTrunk and VoiceInTrunkGroup on the wire, pinned with nock: the exact request of every operation, each body
the client sends checked against DIDWW's OpenAPI request schema (not only compared with what this file expects), the
retry policy of POST and DELETE, adoption, a POST whose answer was lost, and the messages a person reads.
*/
const KEY = "nock-key-trunks-41c2";
const BASE = "https://api.didww.com";
const T1 = "41b94706-325e-4704-a433-d65105758836";
const T2 = "ca7da6d0-aa0b-447d-8fc0-1bc58b51298c";
const G1 = "714e8148-0aea-4cb6-8680-bd1d06453418";
// Never created or updated in this file, so this process holds no claim on them (see provider/claims.ts): a delete
// of a trunk a create of the same process made would be skipped, as in a rename.
const T3 = "e9c1b7e9-253b-46c8-b7e9-5a930ab594c5";
const T4 = "7c15bca2-7f17-46fb-9486-7e2a17158c7e";
const CREATED_AT = "2026-04-30T10:00:00.000Z";
const PASSWORD = "s3cret-Pbx-Passw0rd";

const trunks = resource("didww:VoiceInTrunk");
const groups = resource("didww:VoiceInTrunkGroup");

/** Every body sent, with the schema it must satisfy: each test checks them at its end (afterEach). */
const sent: { schema: DidwwSchema; body: unknown }[] = [];
const bodyOf = (schema: DidwwSchema) => (body: unknown) => {
  sent.push({ schema, body });
  return true;
};
const lastBody = () => sent.at(-1)?.body;

function sipDocument(id: string, name: string, attributes: Record<string, unknown> = {}, sip: Record<string, unknown> = {}) {
  return {
    data: {
      id,
      type: "voice_in_trunks",
      attributes: {
        name,
        ...TRUNK_DEFAULTS,
        ...attributes,
        created_at: CREATED_AT,
        configuration: { type: "sip_configurations", attributes: { ...SIP_DEFAULTS, ...sip } },
      },
      relationships: {
        voice_in_trunk_group: { links: { self: "https://api.didww.com/v3/x", related: "https://api.didww.com/v3/y" } },
        pop: { links: { self: "https://api.didww.com/v3/x", related: "https://api.didww.com/v3/y" } },
      },
    },
    meta: { api_version: "2026-04-16" },
  };
}

function groupDocument(id: string, name: string, trunkIds: string[], attributes: Record<string, unknown> = {}) {
  return {
    data: {
      id,
      type: "voice_in_trunk_groups",
      attributes: { name, capacity_limit: null, external_reference_id: null, created_at: CREATED_AT, ...attributes },
      relationships: {
        voice_in_trunks: {
          links: { self: "https://api.didww.com/v3/x", related: "https://api.didww.com/v3/y" },
          data: trunkIds.map((trunkId) => ({ type: "voice_in_trunks", id: trunkId })),
        },
      },
      meta: { trunks_count: trunkIds.length },
    },
    meta: { api_version: "2026-04-16" },
  };
}

const list = (data: unknown[]) => ({ data, meta: { api_version: "2026-04-16", total_records: data.length }, links: { first: "https://api.didww.com/v3/a", last: "https://api.didww.com/v3/b" } });
const page = { "page[number]": "1", "page[size]": "100" };
const nothingNamed = (name: string) => nock(BASE).get("/v3/voice_in_trunks").query({ "filter[name]": name, ...page }).reply(200, list([]));

useNock();
beforeEach(() => {
  useConfig({ "didww:apiKey": KEY });
  sent.length = 0;
});
afterEach(() => {
  for (const { schema, body } of sent) expect(schemaViolations(schema, body), JSON.stringify(body)).toEqual([]);
});

describe("VoiceInTrunk on the wire", () => {
  it("create: looks the name up, then POSTs the declared attributes and configuration, nothing else", async () => {
    const inputs = { name: "pbx-frankfurt", priority: 10, sip: { host: "pbx-fra.example.com", port: 5060, codecIds: [10, 9, 6], authPassword: PASSWORD } };
    nothingNamed("pbx-frankfurt");
    nock(BASE, { reqheaders: { "api-key": KEY, "content-type": "application/vnd.api+json" } })
      .post("/v3/voice_in_trunks", bodyOf("VoiceInTrunkCreateRequest"))
      .reply(201, sipDocument(T1, "pbx-frankfurt", { priority: 10 }, { host: "pbx-fra.example.com", port: 5060, codec_ids: [10, 9, 6], auth_password: PASSWORD }));
    const created = await trunks.create(inputs);
    expect(lastBody()).toEqual({
      data: {
        type: "voice_in_trunks",
        attributes: {
          name: "pbx-frankfurt",
          priority: 10,
          configuration: {
            type: "sip_configurations",
            attributes: { host: "pbx-fra.example.com", port: 5060, codec_ids: [10, 9, 6], auth_password: PASSWORD },
          },
        },
      },
    });
    const { authPassword: _hidden, ...shown } = { ...sipAttributesOf(SIP_DEFAULTS), host: "pbx-fra.example.com", port: 5060, codecIds: [10, 9, 6], authPassword: PASSWORD };
    expect(created).toEqual({
      id: T1,
      outs: {
        ...inputs,
        createdAt: CREATED_AT,
        configuration: { type: "sip_configurations", attributes: shown },
        incomingAuthUsername: null,
        incomingAuthPassword: null,
      },
    });
  });

  it("create with SIP registration sends host and port as null and outputs the generated credentials", async () => {
    nothingNamed("pbx-home");
    nock(BASE)
      .post("/v3/voice_in_trunks", bodyOf("VoiceInTrunkCreateRequest"))
      .reply(201, sipDocument(T1, "pbx-home", {}, { enabled_sip_registration: true, use_did_in_ruri: true, incoming_auth_username: "3cf5RQEzegAyRYAc", incoming_auth_password: "5MBcq2VZhLQfcXvA" }));
    const created = await trunks.create({ name: "pbx-home", sip: { enabledSipRegistration: true, useDidInRuri: true } });
    expect((lastBody() as any).data.attributes.configuration.attributes).toEqual({ host: null, port: null, use_did_in_ruri: true, enabled_sip_registration: true });
    expect(created.outs).toMatchObject({ sip: { enabledSipRegistration: true, useDidInRuri: true }, incomingAuthUsername: "3cf5RQEzegAyRYAc", incomingAuthPassword: "5MBcq2VZhLQfcXvA" });
  });

  it("create of a PSTN trunk sends dst as DIDWW stores it: digits without +", async () => {
    const checked = await trunks.check({}, { name: "pstn-fallback", pstn: { dst: "+4930123456789" } });
    nothingNamed("pstn-fallback");
    const answer = sipDocument(T2, "pstn-fallback");
    answer.data.attributes.configuration = { type: "pstn_configurations", attributes: { dst: "4930123456789" } } as any;
    nock(BASE).post("/v3/voice_in_trunks", bodyOf("VoiceInTrunkCreateRequest")).reply(201, answer);
    const created = await trunks.create(checked.inputs!);
    expect((lastBody() as any).data.attributes).toEqual({ name: "pstn-fallback", configuration: { type: "pstn_configurations", attributes: { dst: "4930123456789" } } });
    expect(created.outs).toMatchObject({ name: "pstn-fallback", pstn: { dst: "4930123456789" }, configuration: { type: "pstn_configurations" } });
  });

  it("update: one PATCH with the complete declaration; turning registration off also sends use_did_in_ruri false", async () => {
    const news = { name: "pbx-frankfurt", weight: 100, sip: { host: "pbx-fra.example.com", enabledSipRegistration: false } };
    nock(BASE)
      .patch(`/v3/voice_in_trunks/${T1}`, bodyOf("VoiceInTrunkUpdateRequest"))
      .reply(200, sipDocument(T1, "pbx-frankfurt", { weight: 100 }, { host: "pbx-fra.example.com" }));
    const updated = await trunks.update(T1, {} as any, news);
    expect(lastBody()).toEqual({
      data: {
        type: "voice_in_trunks",
        id: T1,
        attributes: {
          name: "pbx-frankfurt",
          weight: 100,
          configuration: { type: "sip_configurations", attributes: { host: "pbx-fra.example.com", use_did_in_ruri: false, enabled_sip_registration: false } },
        },
      },
    });
    expect(updated.outs).toMatchObject({ name: "pbx-frankfurt", weight: 100, sip: { host: "pbx-fra.example.com", enabledSipRegistration: false } });
  });

  it("read: one GET; the declared attributes come back with DIDWW's values, and only those", async () => {
    nock(BASE)
      .get(`/v3/voice_in_trunks/${T1}`)
      .reply(200, sipDocument(T1, "pbx-frankfurt", { priority: 7, weight: 3 }, { host: "changed.example.com", port: 5080, auth_password: "by-hand" }));
    const props = { name: "pbx-frankfurt", priority: 10, sip: { host: "pbx-fra.example.com", authPassword: PASSWORD }, createdAt: CREATED_AT };
    const read = await trunks.read(T1, props as any);
    expect(read.inputs).toEqual({ name: "pbx-frankfurt", priority: 7, sip: { host: "changed.example.com", authPassword: "by-hand" } });
    expect(read.props).toMatchObject({ ...read.inputs, configuration: { attributes: { port: 5080 } } });
    expect((read.props as any).configuration.attributes).not.toHaveProperty("authPassword");
  });

  it("a name the account already has: refused without adopt (no POST), updated with it", async () => {
    const existing = sipDocument(T2, "pbx-taken", {}, { host: "old.example.com" }).data;
    nock(BASE).get("/v3/voice_in_trunks").query({ "filter[name]": "pbx-taken", ...page }).times(2).reply(200, list([existing]));
    const declared = { name: "pbx-taken", sip: { host: "new.example.com" } };
    await expect(trunks.create(declared)).rejects.toThrow(
      `voice in trunk "pbx-taken" already exists in this DIDWW account (id ${T2}). VoiceInTrunk creates one and does not take over an ` +
        "existing one silently. To manage that one with this resource, set adopt: true on it",
    );
    nock(BASE)
      .patch(`/v3/voice_in_trunks/${T2}`, bodyOf("VoiceInTrunkUpdateRequest"))
      .reply(200, sipDocument(T2, "pbx-taken", {}, { host: "new.example.com" }));
    const adopted = await trunks.create({ ...declared, adopt: true });
    expect(adopted).toMatchObject({ id: T2, outs: { name: "pbx-taken", sip: { host: "new.example.com" }, adopt: true } });
  });

  it("a POST whose answer did not come in time is not repeated: the trunk it created is found by name and kept", async () => {
    // The timeout applies to the name lookups too: 1 s, so that a busy machine cannot make one of those time out.
    useConfig({ "didww:apiKey": KEY, "didww:requestTimeoutSeconds": "1" });
    nothingNamed("pbx-lost");
    nock(BASE).post("/v3/voice_in_trunks", bodyOf("VoiceInTrunkCreateRequest")).delay(20_000).reply(201, {});
    nock(BASE).get("/v3/voice_in_trunks").query({ "filter[name]": "pbx-lost", ...page }).reply(200, list([sipDocument(T1, "pbx-lost", {}, { host: "h.example.com" }).data]));
    let logged = "";
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      logged += String(chunk);
      return true;
    });
    const created = await trunks.create({ name: "pbx-lost", sip: { host: "h.example.com" } }).finally(() => stderr.mockRestore());
    expect(created.id).toBe(T1);
    expect(sent).toHaveLength(1);
    // The attempt ends on its timeout, reported as ETIMEDOUT or, when the connection is cut first, ECONNRESET.
    expect(logged).toMatch(
      new RegExp(
        '^pulumi-didroute: the answer to creating voice in trunk "pbx-lost" was lost \\(DIDWW POST /v3/voice_in_trunks failed before ' +
          `an answer arrived: (ETIMEDOUT|ECONNRESET) \\(https://api.didww.com/v3\\)\\); it was created as ${T1}, which this resource now manages\n$`,
      ),
    );
  });

  it("a POST answered 5xx that created the trunk anyway: the log line that says so never shows the password", async () => {
    nothingNamed("pbx-echo");
    // A gateway error page that quotes the request it failed on.
    nock(BASE)
      .post("/v3/voice_in_trunks", bodyOf("VoiceInTrunkCreateRequest"))
      .reply(503, { errors: [{ title: "Service Unavailable", detail: `upstream failed on auth_password=${PASSWORD}`, code: "503", status: "503" }] });
    nock(BASE).get("/v3/voice_in_trunks").query({ "filter[name]": "pbx-echo", ...page }).reply(200, list([sipDocument(T1, "pbx-echo", {}, { host: "h.example.com" }).data]));
    let logged = "";
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      logged += String(chunk);
      return true;
    });
    const created = await trunks
      .create({ name: "pbx-echo", sip: { host: "h.example.com", authEnabled: true, authUser: "u", authPassword: PASSWORD } })
      .finally(() => stderr.mockRestore());
    expect(created.id).toBe(T1);
    expect(logged).toContain("upstream failed on auth_password=[secret]");
    expect(logged).not.toContain(PASSWORD);
  });

  it("two resources of one deployment creating the same name: the second is refused, not sent", async () => {
    nothingNamed("pbx-twice");
    nock(BASE).post("/v3/voice_in_trunks", bodyOf("VoiceInTrunkCreateRequest")).reply(201, sipDocument(T1, "pbx-twice", {}, { host: "h.example.com" }));
    const declared = { name: "pbx-twice", sip: { host: "h.example.com" } };
    const [first, second] = await Promise.allSettled([trunks.create(declared), trunks.create(declared)]);
    expect(first).toMatchObject({ status: "fulfilled", value: { id: T1 } });
    expect(second).toMatchObject({
      status: "rejected",
      reason: { message: 'two VoiceInTrunk resources of this deployment declare the voice in trunk "pbx-twice"; declare it once' },
    });
  });

  it("a POST answered 503 is not repeated; when nothing was created the error says what DIDWW answered", async () => {
    nothingNamed("pbx-busy");
    nock(BASE).post("/v3/voice_in_trunks", bodyOf("VoiceInTrunkCreateRequest")).reply(503, { errors: [{ detail: "Service Unavailable", status: "503" }] });
    nothingNamed("pbx-busy");
    await expect(trunks.create({ name: "pbx-busy", sip: { host: "h.example.com" } })).rejects.toThrow(
      'DIDWW answered 503 to POST /v3/voice_in_trunks for voice in trunk "pbx-busy": Service Unavailable',
    );
    expect(sent).toHaveLength(1);
  });

  it("a POST answered 429 is repeated: DIDWW refused it before acting on it", async () => {
    nothingNamed("pbx-throttled");
    nock(BASE)
      .post("/v3/voice_in_trunks", bodyOf("VoiceInTrunkCreateRequest"))
      .reply(429, { errors: [{ status: "429", detail: "Too Many Requests" }] }, { "retry-after": "0" })
      .post("/v3/voice_in_trunks", bodyOf("VoiceInTrunkCreateRequest"))
      .reply(201, sipDocument(T1, "pbx-throttled", {}, { host: "h.example.com" }));
    expect((await trunks.create({ name: "pbx-throttled", sip: { host: "h.example.com" } })).id).toBe(T1);
    expect(sent).toHaveLength(2);
  });

  it("DIDWW's 'name has already been taken' with no trunk of that name points at a trunk group holding it", async () => {
    nothingNamed("shared");
    nock(BASE)
      .post("/v3/voice_in_trunks", bodyOf("VoiceInTrunkCreateRequest"))
      .reply(422, { errors: [{ title: "has already been taken", detail: "name - has already been taken", code: "100", source: { pointer: "/data/attributes/name" }, status: "422" }] });
    await expect(trunks.create({ name: "shared", sip: { host: "h.example.com" } })).rejects.toThrow(
      'DIDWW refused POST /v3/voice_in_trunks for voice in trunk "shared" (422): name - has already been taken (at /data/attributes/name). ' +
        "No trunk of that name was found, so a trunk group may hold it",
    );
  });

  it("never shows the SIP password, even when DIDWW's error quotes it", async () => {
    nock(BASE)
      .patch(`/v3/voice_in_trunks/${T1}`, bodyOf("VoiceInTrunkUpdateRequest"))
      .reply(400, { errors: [{ title: "Invalid field value", detail: `"${PASSWORD}" is not a valid value for auth_password.`, code: "103", status: "400" }] });
    const error = (await trunks.update(T1, {} as any, { name: "x", sip: { host: "h.example.com", authPassword: PASSWORD } }).catch((e: Error) => e)) as Error;
    expect(error.message).toBe(`DIDWW answered 400 to PATCH /v3/voice_in_trunks/${T1} for voice in trunk ${T1}: "[secret]" is not a valid value for auth_password.`);
    expect(JSON.stringify(error)).not.toContain(PASSWORD);
  });

  it("delete: refuses while DIDs are routed to the trunk, naming them, and sends no DELETE", async () => {
    nock(BASE)
      .get("/v3/dids")
      .query({ "filter[voice_in_trunk.id]": T3, "page[size]": "100" })
      .reply(200, { data: [{ id: "d1", type: "dids", attributes: { number: "16091609123456797" } }, { id: "d2", type: "dids", attributes: { number: "4930123456789" } }], meta: { api_version: "2026-04-16", total_records: 3 }, links: {} });
    await expect(trunks.delete(T3, { name: "pbx-frankfurt" } as any)).rejects.toThrow(
      `voice in trunk "pbx-frankfurt" (${T3}) is still in use: DIDs +16091609123456797, +4930123456789 and 1 more are routed to it, so it was not deleted (nothing was changed)`,
    );
  });

  it("delete: one lookup, one DELETE; a DELETE retried after a 503 that meets 404 is done", async () => {
    nock(BASE).get("/v3/dids").query({ "filter[voice_in_trunk.id]": T4, "page[size]": "100" }).reply(200, list([]));
    nock(BASE)
      .delete(`/v3/voice_in_trunks/${T4}`)
      .reply(503, { errors: [{ detail: "Service Unavailable", status: "503" }] }, { "retry-after": "0" })
      .delete(`/v3/voice_in_trunks/${T4}`)
      .reply(404, { errors: [{ title: "Record not found", detail: "not found", code: "404", status: "404" }] });
    await trunks.delete(T4, { name: "pbx-frankfurt" } as any);
  });

  it("refuses an API version before 2021-12-15 by name, before any request", async () => {
    useConfig({ "didww:apiKey": KEY, "didww:apiVersion": "2017-09-18" });
    await expect(trunks.check({}, { name: "x", sip: { host: "h.example.com" } })).rejects.toThrow(
      "VoiceInTrunk needs DIDWW API version 2021-12-15 or later, but didww:apiVersion is 2017-09-18",
    );
    await expect(groups.create({ name: "g", trunkIds: [] })).rejects.toThrow("VoiceInTrunkGroup needs DIDWW API version 2021-12-15 or later");
  });
});

describe("VoiceInTrunkGroup on the wire", () => {
  const G2 = "b2319703-ce6c-480d-bb53-614e7abcfc96";
  const groupList = (data: unknown[]) =>
    nock(BASE).get("/v3/voice_in_trunk_groups").query({ include: "voice_in_trunks", ...page }).reply(200, list(data));

  it("create: lists the groups (DIDWW has no name filter on them), then one POST with the members, linkage included", async () => {
    groupList([groupDocument(G2, "other", [T2]).data]);
    nock(BASE)
      .post("/v3/voice_in_trunk_groups", bodyOf("VoiceInTrunkGroupCreateRequest"))
      .query({ include: "voice_in_trunks" })
      .reply(201, groupDocument(G1, "eu-primary", [T1, T2], { capacity_limit: 20 }));
    const created = await groups.create({ name: "eu-primary", capacityLimit: 20, trunkIds: [T1, T2] });
    expect(lastBody()).toEqual({
      data: {
        type: "voice_in_trunk_groups",
        attributes: { name: "eu-primary", capacity_limit: 20 },
        relationships: { voice_in_trunks: { data: [{ type: "voice_in_trunks", id: T1 }, { type: "voice_in_trunks", id: T2 }] } },
      },
    });
    expect(created).toEqual({ id: G1, outs: { name: "eu-primary", capacityLimit: 20, trunkIds: [T1, T2], createdAt: CREATED_AT } });
  });

  it("update: one PATCH with the name, the declared attributes and the whole membership", async () => {
    nock(BASE)
      .patch(`/v3/voice_in_trunk_groups/${G1}`, bodyOf("VoiceInTrunkGroupUpdateRequest"))
      .query({ include: "voice_in_trunks" })
      .reply(200, groupDocument(G1, "eu-main", [T2], { external_reference_id: "crm-7" }));
    const olds = { name: "eu-primary", trunkIds: [T1, T2], createdAt: CREATED_AT };
    const news = { name: "eu-main", externalReferenceId: "crm-7", trunkIds: [T2] };
    expect(await groups.diff(G1, olds, news)).toEqual({ changes: true });
    expect((await groups.update(G1, olds, news)).outs).toEqual({ ...news, createdAt: CREATED_AT });
    expect((lastBody() as any).data).toEqual({
      type: "voice_in_trunk_groups",
      id: G1,
      attributes: { name: "eu-main", external_reference_id: "crm-7" },
      relationships: { voice_in_trunks: { data: [{ type: "voice_in_trunks", id: T2 }] } },
    });
  });

  it("delete: checks no DID rings it, reads its members, moves them out (so none is deleted with it), then DELETEs", async () => {
    nock(BASE).get("/v3/dids").query({ "filter[voice_in_trunk_group.id]": G2, "page[size]": "100" }).reply(200, list([]));
    nock(BASE).get(`/v3/voice_in_trunk_groups/${G2}`).query({ include: "voice_in_trunks" }).reply(200, groupDocument(G2, "other", [T2]));
    nock(BASE).patch(`/v3/voice_in_trunk_groups/${G2}`, bodyOf("VoiceInTrunkGroupUpdateRequest")).reply(200, groupDocument(G2, "other", []));
    nock(BASE).delete(`/v3/voice_in_trunk_groups/${G2}`).reply(204);
    await groups.delete(G2, { name: "other", trunkIds: [T2], createdAt: CREATED_AT });
    expect(lastBody()).toEqual({ data: { id: G2, type: "voice_in_trunk_groups", relationships: { voice_in_trunks: { data: [] } } } });
  });

  it("delete of a group with no members sends no PATCH", async () => {
    nock(BASE).get("/v3/dids").query(true).reply(200, list([]));
    nock(BASE).get(`/v3/voice_in_trunk_groups/${G2}`).query({ include: "voice_in_trunks" }).reply(200, groupDocument(G2, "other", []));
    nock(BASE).delete(`/v3/voice_in_trunk_groups/${G2}`).reply(204);
    await groups.delete(G2, { name: "other", trunkIds: [T2], createdAt: CREATED_AT });
  });

  it("a DELETE refused after the trunks were moved out puts back the members it had, not those in state, and says so", async () => {
    // State says T1 and T2; T2 has since been moved to another group by hand. Putting it back would take it from there.
    nock(BASE).get("/v3/dids").query(true).reply(200, list([]));
    nock(BASE).get(`/v3/voice_in_trunk_groups/${G2}`).query({ include: "voice_in_trunks" }).reply(200, groupDocument(G2, "other", [T1]));
    nock(BASE).patch(`/v3/voice_in_trunk_groups/${G2}`, bodyOf("VoiceInTrunkGroupUpdateRequest")).reply(200, groupDocument(G2, "other", []));
    nock(BASE).delete(`/v3/voice_in_trunk_groups/${G2}`).reply(422, { errors: [{ title: "is still in use", detail: "The trunk group is still in use", code: "100", status: "422" }] });
    nock(BASE).patch(`/v3/voice_in_trunk_groups/${G2}`, bodyOf("VoiceInTrunkGroupUpdateRequest")).reply(200, groupDocument(G2, "other", [T1]));
    await expect(groups.delete(G2, { name: "other", trunkIds: [T1, T2], createdAt: CREATED_AT })).rejects.toThrow(
      `DIDWW refused DELETE /v3/voice_in_trunk_groups/${G2} for voice in trunk group ${G2} (422): The trunk group is still in use (its trunks, moved out of it first, were put back)`,
    );
    expect((lastBody() as any).data.relationships.voice_in_trunks.data).toEqual([{ type: "voice_in_trunks", id: T1 }]);
  });

  it("a taken name is refused without adopt, and adopted with it", async () => {
    groupList([groupDocument(G2, "legacy-eu", [T1]).data]);
    await expect(groups.create({ name: "legacy-eu", trunkIds: [T2] })).rejects.toThrow(
      `voice in trunk group "legacy-eu" already exists in this DIDWW account (id ${G2}). VoiceInTrunkGroup creates one`,
    );
  });
});

describe("the DIDWW client's other bodies", () => {
  it("a DID's routing and a group's membership, as the client sends them (and didroute plan shows them), match DIDWW's request schemas", () => {
    const client = didwwClient();
    for (const routing of [
      { trunkId: T1, trunkGroupId: null },
      { trunkId: null, trunkGroupId: G1 },
      { trunkId: null, trunkGroupId: null },
    ]) {
      expect(schemaViolations("DidUpdateRequest", client.didRoutingRequest(T3, routing).body)).toEqual([]);
    }
    for (const members of [[T1, T2], []]) {
      expect(schemaViolations("VoiceInTrunkGroupUpdateRequest", client.trunkGroupTrunksRequest(G1, members).body)).toEqual([]);
    }
    // The check is not empty: a body DIDWW's schema refuses is found.
    expect(schemaViolations("DidUpdateRequest", { data: { type: "dids", id: "not-a-uuid" } })).toEqual(['/data/id must match format "uuid"']);
  });
});

/** DIDWW's SIP attribute names → the resource's input names. */
function sipAttributesOf(api: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  return Object.fromEntries(
    Object.entries(api)
      .filter(([name]) => !name.startsWith("incoming_auth_"))
      .map(([name, value]) => [camel(name), value]),
  );
}

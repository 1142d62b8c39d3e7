import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { createDidwwSandbox, type DidwwSandbox, type DidwwSeed } from "../sandbox/didww";
import { schemaViolations } from "./didww-schemas";

/**
The DIDWW sandbox's trunks and trunk groups: POST, PATCH and DELETE as DIDWW documents them (reference §6–7, A5),
bodies refused as DIDWW refuses them, every answer checked against DIDWW's OpenAPI response schema, and the
behaviours DIDWW leaves open decided as sandbox/didww/assumptions.ts says.
*/
const KEY = "sandbox-trunks-key";
const T1 = "41b94706-325e-4704-a433-d65105758836";
const T2 = "ca7da6d0-aa0b-447d-8fc0-1bc58b51298c";
const G1 = "714e8148-0aea-4cb6-8680-bd1d06453418";
const D1 = "9df99644-f1a5-4a3c-99a4-559d758eb96b";
const root = path.resolve(__dirname, "..");

const seed = (): DidwwSeed => ({
  trunks: [
    { id: T1, name: "pbx-seeded" },
    { id: T2, name: "pbx-member" },
  ],
  trunkGroups: [{ id: G1, name: "eu-primary", trunkIds: [T2] }],
  dids: [{ id: D1, number: "16091609123456797" }],
});

type Reply = { status: number; json: any; text: string };

function useSandbox(): { sandbox: () => DidwwSandbox; call: (method: string, url: string, body?: unknown) => Promise<Reply> } {
  let sandbox: DidwwSandbox;
  beforeAll(async () => {
    sandbox = createDidwwSandbox({ apiKey: KEY, seed: seed() });
    await sandbox.listen();
  });
  afterAll(() => sandbox.close());
  const call = async (method: string, url: string, body?: unknown): Promise<Reply> => {
    const headers: Record<string, string> = { accept: "application/vnd.api+json", "api-key": KEY };
    if (body !== undefined) headers["content-type"] = "application/vnd.api+json";
    const response = await fetch(`${sandbox.url}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, text, json: text === "" ? undefined : JSON.parse(text) };
  };
  return { sandbox: () => sandbox, call };
}

const sipTrunk = (name: string, sip: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  data: { type: "voice_in_trunks", attributes: { name, ...extra, configuration: { type: "sip_configurations", attributes: sip } } },
});
const patchOf = (id: string, attributes: Record<string, unknown>, relationships?: Record<string, unknown>) => ({
  data: { type: "voice_in_trunks", id, attributes, ...(relationships ? { relationships } : {}) },
});
const sipPatch = (id: string, sip: Record<string, unknown>) => patchOf(id, { configuration: { type: "sip_configurations", attributes: sip } });
const errorOf = (detail: string, pointer: string) => ({ title: detail.split(" - ")[1], detail, code: "100", source: { pointer }, status: "422" });

describe("DIDWW sandbox: creating a voice in trunk", () => {
  const { sandbox, call } = useSandbox();

  it("answers 201 with DIDWW's defaults for everything not sent, in a document matching VoiceInTrunkDocument", async () => {
    const reply = await call("POST", "/voice_in_trunks", sipTrunk("pbx-frankfurt", { host: "pbx-fra.example.com", port: 5060, codec_ids: [10, 9, 6] }));
    expect(reply.status).toBe(201);
    expect(schemaViolations("VoiceInTrunkDocument", reply.json)).toEqual([]);
    const { id, attributes } = reply.json.data;
    expect(attributes).toMatchObject({ name: "pbx-frankfurt", priority: 1, weight: 65535, cli_format: "e164", capacity_limit: null, ringing_timeout: null });
    expect(attributes.configuration.attributes).toMatchObject({
      host: "pbx-fra.example.com",
      port: 5060,
      codec_ids: [10, 9, 6],
      transport_protocol_id: 1,
      sst_min_timer: 600,
      sst_max_timer: 900,
      sip_timer_b: 8000,
      rtp_timeout: 30,
      media_encryption_mode: "disabled",
      enabled_sip_registration: false,
      incoming_auth_username: null,
      incoming_auth_password: null,
    });
    expect(sandbox().trunk(id)).toMatchObject({ name: "pbx-frankfurt", trunkGroupId: null, configuration: { type: "sip_configurations" } });
  });

  it("generates the registration credentials when SIP registration is on (the recorded request, Example A5)", async () => {
    const recorded = JSON.parse(
      '{"data":{"type":"voice_in_trunks","attributes":{"configuration":{"type":"sip_configurations","attributes":{"enabled_sip_registration":true,"use_did_in_ruri":true,"cnam_lookup":true,"diversion_relay_policy":"as_is","diversion_inject_mode":"did_number","network_protocol_priority":"prefer_ipv4","codec_ids":[9,7],"transport_protocol_id":1}},"name":"sip-registration-trunk","priority":1,"weight":100,"cli_format":"e164","ringing_timeout":30}}}',
    );
    const reply = await call("POST", "/voice_in_trunks", recorded);
    expect(reply.status).toBe(201);
    expect(schemaViolations("VoiceInTrunkDocument", reply.json)).toEqual([]);
    const settings = reply.json.data.attributes.configuration.attributes;
    expect(settings).toMatchObject({ host: null, port: null, use_did_in_ruri: true, codec_ids: [9, 7] });
    expect(settings.incoming_auth_username).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(settings.incoming_auth_password).toMatch(/^[A-Za-z0-9]{16}$/);
  });

  it("creates a PSTN trunk, and joins the group a relationship names", async () => {
    const body = {
      data: {
        type: "voice_in_trunks",
        attributes: { name: "pstn-fallback", configuration: { type: "pstn_configurations", attributes: { dst: "4930123456789" } } },
        relationships: { voice_in_trunk_group: { data: { type: "voice_in_trunk_groups", id: G1 } }, pop: { data: null } },
      },
    };
    const reply = await call("POST", "/voice_in_trunks?include=voice_in_trunk_group", body);
    expect(reply.status).toBe(201);
    expect(schemaViolations("VoiceInTrunkDocument", reply.json)).toEqual([]);
    expect(reply.json.data.relationships.voice_in_trunk_group.data).toEqual({ type: "voice_in_trunk_groups", id: G1 });
    expect(sandbox().trunkGroupMembers(G1)).toEqual([T2, reply.json.data.id]);
  });

  it.each([
    ["a taken name", sipTrunk("pbx-seeded", { host: "h.example.com" }), 422, [errorOf("name - has already been taken", "/data/attributes/name")]],
    [
      "SIP registration with a host",
      sipTrunk("reg", { enabled_sip_registration: true, host: "h.example.com" }),
      422,
      [errorOf("host - must be blank when SIP registration is enabled", "/data/attributes/host")],
    ],
    ["no host without registration", sipTrunk("no-host", { port: 5060 }), 422, [errorOf("host - can't be blank", "/data/attributes/host")]],
    [
      "values out of DIDWW's ranges, all at once",
      sipTrunk("ranges", { host: "h.example.com", port: 70000, codec_ids: [9, 99] }, { priority: 70000, capacity_limit: 0 }),
      422,
      [
        errorOf("priority - must be less than or equal to 65535", "/data/attributes/priority"),
        errorOf("capacity_limit - must be greater than or equal to 1", "/data/attributes/capacity_limit"),
        errorOf("port - must be less than or equal to 65535", "/data/attributes/port"),
        errorOf("codec_ids - are invalid", "/data/attributes/codec_ids"),
      ],
    ],
    [
      "a value outside the schema's enum",
      sipTrunk("enum", { host: "h.example.com", media_encryption_mode: "tls" }),
      422,
      [errorOf("media_encryption_mode - is not included in the list", "/data/attributes/media_encryption_mode")],
    ],
    ["a missing name", { data: { type: "voice_in_trunks", attributes: { configuration: { type: "pstn_configurations", attributes: { dst: "4930123456789" } } } } }, 422, [errorOf("name - can't be blank", "/data/attributes/name")]],
  ])("refuses %s with 422 and DIDWW's error objects, creating nothing", async (_what, body, status, errors) => {
    const before = sandbox().trunks().length;
    const reply = await call("POST", "/voice_in_trunks", body);
    expect(reply.status).toBe(status);
    expect(reply.json).toEqual({ errors });
    expect(schemaViolations("ErrorsDocument", reply.json)).toEqual([]);
    expect(sandbox().trunks()).toHaveLength(before);
  });

  it.each([
    ["an attribute DIDWW does not have", sipTrunk("x", { host: "h" }, { colour: "red" }), { title: "Param not allowed", detail: "colour is not allowed.", code: "105" }],
    ["the generated password", sipTrunk("x", { host: "h", incoming_auth_password: "mine" }), { title: "Param not allowed", detail: "incoming_auth_password is not allowed.", code: "105" }],
    ["a port that is a string", sipTrunk("x", { host: "h", port: "5060" }), { title: "Invalid field value", detail: '"5060" is not a valid value for port.', code: "103" }],
    ["no configuration", { data: { type: "voice_in_trunks", attributes: { name: "x" } } }, { title: "Param missing", detail: "The required parameter, configuration, is missing.", code: "106" }],
    ["an id", { data: { type: "voice_in_trunks", id: T1, attributes: { name: "x" } } }, { title: "Param not allowed", detail: "id is not allowed.", code: "105" }],
    ["an unknown configuration type", { data: { type: "voice_in_trunks", attributes: { name: "x", configuration: { type: "iax2_configurations", attributes: {} } } } }, { title: "Invalid field value", detail: '"iax2_configurations" is not a valid value for type.', code: "103" }],
  ])("refuses a body with %s with 400 and jsonapi-resources' code", async (_what, body, error) => {
    const reply = await call("POST", "/voice_in_trunks", body);
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ errors: [{ ...error, status: "400" }] });
  });
});

describe("DIDWW sandbox: updating and deleting a voice in trunk", () => {
  const { sandbox, call } = useSandbox();
  let id: string;

  beforeAll(async () => {
    const created = await call("POST", "/voice_in_trunks", sipTrunk("pbx", { host: "pbx.example.com", port: 5060, codec_ids: [9, 7], cnam_lookup: true }));
    id = created.json.data.id;
  });

  it("merges a PATCH's configuration into the stored one (assumptions.ts), and answers VoiceInTrunkDocument", async () => {
    const reply = await call("PATCH", `/voice_in_trunks/${id}`, { data: { type: "voice_in_trunks", id, attributes: { priority: 5, configuration: { type: "sip_configurations", attributes: { codec_ids: [10] } } } } });
    expect(reply.status).toBe(200);
    expect(schemaViolations("VoiceInTrunkDocument", reply.json)).toEqual([]);
    expect(sandbox().trunk(id)).toMatchObject({
      attributes: { priority: 5, weight: 65535 },
      configuration: { attributes: { codec_ids: [10], host: "pbx.example.com", port: 5060, cnam_lookup: true } },
    });
  });

  it("turns SIP registration on only with host and port blanked, keeps its credentials while on, clears them when off", async () => {
    const refused = await call("PATCH", `/voice_in_trunks/${id}`, sipPatch(id, { enabled_sip_registration: true }));
    expect(refused.json.errors.map((e: any) => e.detail)).toEqual([
      "host - must be blank when SIP registration is enabled",
      "port - must be blank when SIP registration is enabled",
    ]);
    expect((await call("PATCH", `/voice_in_trunks/${id}`, sipPatch(id, { enabled_sip_registration: true, host: null, port: null }))).status).toBe(200);
    const on = sandbox().trunk(id)!.configuration.attributes;
    expect(on["incoming_auth_username"]).toMatch(/^[A-Za-z0-9]{16}$/);
    await call("PATCH", `/voice_in_trunks/${id}`, sipPatch(id, { use_did_in_ruri: true }));
    expect(sandbox().trunk(id)!.configuration.attributes).toMatchObject({ incoming_auth_password: on["incoming_auth_password"], use_did_in_ruri: true });
    const off = await call("PATCH", `/voice_in_trunks/${id}`, sipPatch(id, { enabled_sip_registration: false, use_did_in_ruri: false, host: "pbx.example.com" }));
    expect(off.status).toBe(200);
    expect(sandbox().trunk(id)!.configuration.attributes).toMatchObject({ incoming_auth_username: null, incoming_auth_password: null });
  });

  it("refuses to change the configuration type, and a name another trunk has", async () => {
    const pstn = patchOf(id, { configuration: { type: "pstn_configurations", attributes: { dst: "4930123456789" } } });
    expect((await call("PATCH", `/voice_in_trunks/${id}`, pstn)).json.errors[0].detail).toBe(
      "configuration - type cannot be changed from sip_configurations to pstn_configurations",
    );
    expect((await call("PATCH", `/voice_in_trunks/${id}`, patchOf(id, { name: "pbx-seeded" }))).json.errors[0].detail).toBe("name - has already been taken");
    expect(sandbox().trunk(id)).toMatchObject({ name: "pbx", configuration: { type: "sip_configurations" } });
  });

  it("moves a trunk into a group and out again through its voice_in_trunk_group relationship", async () => {
    const join = { voice_in_trunk_group: { data: { type: "voice_in_trunk_groups", id: G1 } } };
    expect((await call("PATCH", `/voice_in_trunks/${id}`, patchOf(id, {}, join))).status).toBe(200);
    expect(sandbox().trunk(id)!.trunkGroupId).toBe(G1);
    expect((await call("PATCH", `/voice_in_trunks/${id}`, patchOf(id, {}, { voice_in_trunk_group: { data: null } }))).status).toBe(200);
    expect(sandbox().trunk(id)!.trunkGroupId).toBeNull();
  });

  it("refuses to delete a trunk a DID is routed to (assumptions.ts), then deletes it: 204, no body; 404 after", async () => {
    sandbox().setDidRouting(D1, { trunkId: id });
    const refused = await call("DELETE", `/voice_in_trunks/${id}`);
    expect(refused.status).toBe(422);
    expect(refused.json).toEqual({ errors: [{ title: "is still in use", detail: "The trunk is still in use by 1 DID", code: "100", status: "422" }] });
    sandbox().setDidRouting(D1, { trunkId: null });
    const deleted = await call("DELETE", `/voice_in_trunks/${id}`);
    expect(deleted).toMatchObject({ status: 204, text: "" });
    expect(sandbox().trunk(id)).toBeUndefined();
    expect((await call("DELETE", `/voice_in_trunks/${id}`)).status).toBe(404);
  });

  it("checks its own answers against DIDWW's schema: a trunk broken by hand is answered 500, not passed on", async () => {
    sandbox().changeTrunk(T1, { attributes: { priority: "high" } });
    const reply = await call("GET", `/voice_in_trunks/${T1}`);
    expect(reply.status).toBe(500);
    expect(reply.json.errors[0].detail).toContain("does not match DIDWW's VoiceInTrunkDocument: /data/attributes/priority must be integer");
    sandbox().changeTrunk(T1, { attributes: { priority: 1 } });
    const list = await call("GET", "/voice_in_trunks");
    expect(list.status).toBe(200);
    expect(schemaViolations("VoiceInTrunkCollectionDocument", list.json)).toEqual([]);
  });
});

describe("DIDWW sandbox: voice in trunk groups", () => {
  const { sandbox, call } = useSandbox();
  const groupBody = (name: string, trunkIds: string[], attributes: Record<string, unknown> = {}) => ({
    data: {
      type: "voice_in_trunk_groups",
      attributes: { name, ...attributes },
      relationships: { voice_in_trunks: { data: trunkIds.map((id) => ({ type: "voice_in_trunks", id })) } },
    },
  });

  it("creates a group with members, moving them out of their old group, and answers with their linkage when included", async () => {
    const reply = await call("POST", "/voice_in_trunk_groups?include=voice_in_trunks", groupBody("us-east", [T2, T1], { capacity_limit: 30 }));
    expect(reply.status).toBe(201);
    expect(schemaViolations("VoiceInTrunkGroupDocument", reply.json)).toEqual([]);
    expect(reply.json.data).toMatchObject({ attributes: { name: "us-east", capacity_limit: 30, external_reference_id: null }, meta: { trunks_count: 2 } });
    expect(reply.json.data.relationships.voice_in_trunks.data).toEqual([
      { type: "voice_in_trunks", id: T2 },
      { type: "voice_in_trunks", id: T1 },
    ]);
    expect(sandbox().trunkGroupMembers(G1)).toEqual([]);
  });

  it.each([
    ["a taken name", groupBody("eu-primary", []), "name - has already been taken"],
    ["an unknown trunk", groupBody("new", ["00000000-0000-4000-8000-000000000000"]), "trunk_ids - are invalid"],
    ["a capacity of 0", groupBody("new", [], { capacity_limit: 0 }), "capacity_limit - must be greater than or equal to 1"],
  ])("refuses %s with 422, creating nothing", async (_what, body, detail) => {
    const reply = await call("POST", "/voice_in_trunk_groups", body);
    expect(reply.status).toBe(422);
    expect(reply.json.errors.map((e: any) => e.detail)).toEqual([detail]);
    expect(sandbox().trunkGroups()).toHaveLength(2);
  });

  it("refuses to delete a group while a DID rings it or one of its trunks; deleting deletes its trunks (assumptions.ts)", async () => {
    const created = await call("POST", "/voice_in_trunk_groups", groupBody("doomed", [T1]));
    const id = created.json.data.id;
    sandbox().setDidRouting(D1, { trunkId: T1 });
    expect((await call("DELETE", `/voice_in_trunk_groups/${id}`)).json.errors[0].detail).toBe("The trunk group, or a trunk in it, is still in use by 1 DID");
    sandbox().setDidRouting(D1, { trunkId: null, trunkGroupId: id });
    expect((await call("DELETE", `/voice_in_trunk_groups/${id}`)).status).toBe(422);
    sandbox().setDidRouting(D1, { trunkGroupId: null });
    expect((await call("DELETE", `/voice_in_trunk_groups/${id}`)).status).toBe(204);
    expect(sandbox().trunkGroup(id)).toBeUndefined();
    expect(sandbox().trunk(T1)).toBeUndefined();
  });

  it("checks PATCH bodies against the schema too: a capacity that is a string is refused with 103", async () => {
    const body = { data: { type: "voice_in_trunk_groups", id: G1, attributes: { capacity_limit: "10" } } };
    const reply = await call("PATCH", `/voice_in_trunk_groups/${G1}`, body);
    expect(reply.status).toBe(400);
    expect(reply.json.errors[0]).toMatchObject({ code: "103", detail: '"10" is not a valid value for capacity_limit.' });
  });
});

describe("the sandbox's extract of DIDWW's OpenAPI schemas", () => {
  const exec = promisify(execFile);
  const script = path.join(root, "scripts", "extract-didww-schemas.mts");
  const reference = path.join(root, "..", "shared", "reference", "didww-openapi-2026-04-16.json");

  it("is what the script makes from the reference document, and the check notices a document that differs", async () => {
    await exec(process.execPath, [script, "--check", reference]);
    const document = JSON.parse(readFileSync(reference, "utf8"));
    delete document.components.schemas.VoiceInTrunk.properties.attributes.properties.weight;
    const dir = mkdtempSync(path.join(tmpdir(), "didww-openapi-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const changed = path.join(dir, "changed.json");
    writeFileSync(changed, JSON.stringify(document));
    await expect(exec(process.execPath, [script, "--check", changed])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("sandbox/didww/openapi.json is not what"),
    });
  });

  it("carries DIDWW's MIT notice and its source", () => {
    const extract = JSON.parse(readFileSync(path.join(root, "sandbox", "didww", "openapi.json"), "utf8"));
    expect(extract.$comment).toContain("https://github.com/didww/didww-api-3-openapi");
    expect(extract.$comment).toContain("Permission is hereby granted, free of charge");
  });
});

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { createDidwwSandbox, type DidwwSandbox, type DidwwSeed } from "../sandbox/didww";

const KEY = "sandbox-test-key";
const T1 = "41b94706-325e-4704-a433-d65105758836";
const T2 = "ca7da6d0-aa0b-447d-8fc0-1bc58b51298c";
const T3 = "e9c1b7e9-253b-46c8-b7e9-5a930ab594c5";
const G1 = "714e8148-0aea-4cb6-8680-bd1d06453418";
const G2 = "e74fcf6a-bb8d-4ee0-9980-bdc24a728b9a";
const D1 = "9df99644-f1a5-4a3c-99a4-559d758eb96b";
const D2 = "44957076-778a-4802-b60c-d22db0cda284";

const seed: DidwwSeed = {
  trunks: [T1, T2, T3].map((id, i) => ({ id, name: `pbx-${i + 1}` })),
  trunkGroups: [
    { id: G1, name: "EU inbound", trunkIds: [T1] },
    { id: G2, name: "US inbound", trunkIds: [T2] },
  ],
  dids: [
    { id: D1, number: "16091609123456797", trunkId: T1 },
    { id: D2, number: "442037691880", trunkGroupId: G1 },
  ],
};

type CallOptions = { body?: unknown; rawBody?: string; version?: string; key?: string | null; contentType?: string };
type Reply = { status: number; contentType: string | null; json: any };

/** Sends a request the way DIDWW's SDKs do, over real HTTP. */
function client(sandbox: DidwwSandbox) {
  return async (method: string, path: string, options: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { accept: "application/vnd.api+json" };
    if (options.key !== null) headers["Api-Key"] = options.key ?? KEY;
    if (options.version !== undefined) headers["X-DIDWW-API-Version"] = options.version;
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined) headers["Content-Type"] = options.contentType ?? "application/vnd.api+json";
    const response = await fetch(`${sandbox.url}${path}`, { method, headers, body });
    return { status: response.status, contentType: response.headers.get("content-type"), json: await response.json() };
  };
}

function startSandbox(): { sandbox: DidwwSandbox; call: ReturnType<typeof client> } {
  const sandbox = createDidwwSandbox({ apiKey: KEY, seed });
  beforeAll(async () => void (await sandbox.listen()));
  afterAll(() => sandbox.close());
  return { sandbox, call: client(sandbox) };
}

/** `{data: {type, id}}`, or `{data: null}` for a null id. */
const link = (type: string, id: string | null) => ({ data: id && { type, id } });
const didPatch = (relationships: object, fields: { id?: string; type?: string } = {}) => ({
  data: { type: fields.type ?? "dids", id: fields.id ?? D1, relationships },
});
const didRouting = (trunk: string | null, group: string | null) =>
  didPatch({
    voice_in_trunk: link("voice_in_trunks", trunk),
    voice_in_trunk_group: link("voice_in_trunk_groups", group),
  });
const groupMembers = (group: string, trunks: string[], type = "voice_in_trunk_groups", rel = "voice_in_trunks") => ({
  data: { id: group, type, relationships: { [rel]: { data: trunks.map((id) => ({ type: rel, id })) } } },
});

// --- Structural check against DIDWW's OpenAPI document --------------------------------------------------------

type Schema = { [key: string]: any };
const specPath = [
  join(__dirname, "fixtures", "didww-openapi-2026-04-16.json"),
  // The project's shared reference folder, which sits beside the repository (and beside CI's clone).
  join(__dirname, "..", "..", "shared", "reference", "didww-openapi-2026-04-16.json"),
].find((candidate) => existsSync(candidate));

let spec: Schema | undefined;
function loadSpec(): Schema {
  if (specPath === undefined) throw new Error("DIDWW's OpenAPI document not found: the shared/ reference folder must sit beside the repository");
  return (spec ??= JSON.parse(readFileSync(specPath, "utf8")) as Schema);
}

const jsonType = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;

/** Required keys and JSON types, following $ref/allOf/anyOf/oneOf ("one of" is checked as "at least one"). */
function violations(spec: Schema, schema: Schema, value: unknown, at: string): string[] {
  if (value === null && schema["nullable"] === true) return [];
  if (typeof schema["$ref"] === "string") {
    const keys = (schema["$ref"] as string).replace("#/", "").split("/");
    return violations(spec, keys.reduce((node: Schema, key) => node[key], spec), value, at);
  }
  const problems = ((schema["allOf"] ?? []) as Schema[]).flatMap((part) => violations(spec, part, value, at));
  const alternatives = (schema["anyOf"] ?? schema["oneOf"]) as Schema[] | undefined;
  if (alternatives && !alternatives.some((part) => violations(spec, part, value, at).length === 0)) {
    problems.push(`${at}: matches none of the alternatives`);
  }
  const expected = schema["type"] as string | undefined;
  const actual = jsonType(value);
  if (expected && !(expected === actual || (expected === "number" && actual === "integer"))) {
    return [...problems, `${at}: expected ${expected}, got ${actual}`];
  }
  if (Array.isArray(schema["enum"]) && !schema["enum"].includes(value)) problems.push(`${at}: not in enum`);
  if (actual === "object") {
    const object = value as Record<string, unknown>;
    for (const key of (schema["required"] ?? []) as string[]) {
      if (!(key in object)) problems.push(`${at}.${key}: missing`);
    }
    for (const [key, child] of Object.entries((schema["properties"] ?? {}) as Record<string, Schema>)) {
      if (key in object) problems.push(...violations(spec, child, object[key], `${at}.${key}`));
    }
  }
  if (actual === "array" && schema["items"]) {
    (value as unknown[]).forEach((item, i) => problems.push(...violations(spec, schema["items"], item, `${at}[${i}]`)));
  }
  return problems;
}

const conformsTo = (name: string, document: unknown): string[] =>
  violations(loadSpec(), { $ref: `#/components/schemas/${name}` }, document, name);

// --- Tests ---------------------------------------------------------------------------------------------------

describe("DIDWW sandbox: protocol", () => {
  const { sandbox, call } = startSandbox();

  it("answers 401 without a key or with a wrong one, and records the rejected requests", async () => {
    const error = { title: "Unauthorized", detail: "missing or invalid api-key", code: "401", status: "401" };
    const expected = { errors: [error] };
    const missing = await call("GET", `/dids/${D1}`, { key: null });
    expect(missing).toMatchObject({ status: 401, contentType: "application/vnd.api+json", json: expected });
    expect((await call("GET", `/dids/${D1}`, { key: "wrong" })).json).toEqual(expected);
    const recorded = sandbox.requests.slice(-2);
    expect(recorded.map((request) => request.headers["api-key"])).toEqual([undefined, "wrong"]);
    expect(recorded[1]).toMatchObject({ method: "GET", path: `/v3/dids/${D1}`, query: {} });
  });

  it("echoes the requested version, defaulting to 2026-04-16 when missing or invalid", async () => {
    expect((await call("GET", `/dids/${D1}`)).json.meta).toEqual({ api_version: "2026-04-16" });
    expect((await call("GET", `/dids/${D1}`, { version: "2022-05-10" })).json.meta.api_version).toBe("2022-05-10");
    expect((await call("GET", `/dids/${D1}`, { version: "2021-02-30" })).json.meta.api_version).toBe("2026-04-16");
  });

  it("returns JSON:API errors for unknown records, routes, includes, media types and bad JSON", async () => {
    const missing = await call("GET", "/dids/nope");
    expect(missing.status).toBe(404);
    const notFound = { title: "Record not found", detail: "The record identified by nope could not be found." };
    expect(missing.json.errors).toEqual([{ ...notFound, code: "404", status: "404" }]);
    expect((await call("GET", "/voice_in_trunk_groups/nope")).status).toBe(404);
    expect((await call("GET", `/orders/${D1}`)).status).toBe(404);
    expect((await call("DELETE", `/dids/${D1}`)).status).toBe(405);
    const badInclude = await call("GET", `/dids/${D1}?include=trunk`);
    expect(badInclude.status).toBe(400);
    expect(badInclude.json.errors[0].detail).toBe("trunk is not a valid includable relationship of dids");
    for (const contentType of ["application/json", "application/vnd.api+json; charset=utf-8"]) {
      const wrong = await call("PATCH", `/dids/${D1}`, { body: didRouting(T1, null), contentType });
      expect(wrong.status).toBe(415);
      expect(wrong.json.errors[0]).toMatchObject({ title: "Unsupported media type", code: "415", status: "415" });
    }
    const malformed = await call("PATCH", `/dids/${D1}`, { rawBody: "{not json" });
    expect(malformed.status).toBe(400);
    expect(malformed.json.errors[0].status).toBe("400");
  });

  it("returns linkage only for included relationships and matches the OpenAPI Did document", async () => {
    const plain = await call("GET", `/dids/${D1}`);
    expect(plain.status).toBe(200);
    expect(plain.json.data.attributes).toMatchObject({ number: "16091609123456797", blocked: false });
    const didUrl = `${sandbox.url}/dids/${D1}`;
    const links = { self: `${didUrl}/relationships/voice_in_trunk`, related: `${didUrl}/voice_in_trunk` };
    expect(plain.json.data.relationships.voice_in_trunk).toEqual({ links });
    expect(plain.json).not.toHaveProperty("included");
    expect(conformsTo("DidDocument", plain.json)).toEqual([]);

    const full = await call("GET", `/dids/${D1}?include=voice_in_trunk,voice_in_trunk_group`);
    expect(full.json.data.relationships.voice_in_trunk.data).toEqual({ type: "voice_in_trunks", id: T1 });
    expect(full.json.data.relationships.voice_in_trunk_group.data).toBeNull();
    expect(full.json.data.relationships.did_group).not.toHaveProperty("data");
    expect(full.json.included.map((resource: any) => [resource.type, resource.id])).toEqual([["voice_in_trunks", T1]]);
    expect(conformsTo("DidDocument", full.json)).toEqual([]);
  });

  it("matches the OpenAPI VoiceInTrunkGroup document, with trunks_count", async () => {
    const group = await call("GET", `/voice_in_trunk_groups/${G1}?include=voice_in_trunks`);
    expect(group.json.data.meta).toEqual({ trunks_count: 1 });
    expect(group.json.data.relationships.voice_in_trunks.data).toEqual([{ type: "voice_in_trunks", id: T1 }]);
    expect(conformsTo("VoiceInTrunkGroupDocument", group.json)).toEqual([]);
    const trunk = await call("GET", `/voice_in_trunks/${T1}?include=voice_in_trunk_group`);
    expect(trunk.json.data.relationships.voice_in_trunk_group.data).toEqual({ type: "voice_in_trunk_groups", id: G1 });
    expect(conformsTo("VoiceInTrunkDocument", trunk.json)).toEqual([]);
  });
});

describe("DIDWW sandbox: DID routing", () => {
  const { sandbox, call } = startSandbox();

  it("routes to a trunk when the group is nulled in the same PATCH", async () => {
    sandbox.setDidRouting(D1, { trunkId: null, trunkGroupId: G2 });
    const reply = await call("PATCH", `/dids/${D1}`, { body: didRouting(T2, null) });
    expect(reply.status).toBe(200);
    expect(reply.json.data.relationships.voice_in_trunk).not.toHaveProperty("data");
    expect(sandbox.did(D1)).toEqual({ id: D1, number: "16091609123456797", trunkId: T2, trunkGroupId: null });
    const withLinkage = await call("PATCH", `/dids/${D1}?include=voice_in_trunk`, { body: didRouting(null, G1) });
    expect(withLinkage.json.data.relationships.voice_in_trunk.data).toBeNull();
    expect(sandbox.did(D1)).toMatchObject({ trunkId: null, trunkGroupId: G1 });
  });

  it("refuses to set one side while the other is set, and changes nothing", async () => {
    sandbox.setDidRouting(D1, { trunkId: T1, trunkGroupId: null });
    const body = didPatch({ voice_in_trunk_group: link("voice_in_trunk_groups", G1) });
    const reply = await call("PATCH", `/dids/${D1}`, { body });
    expect(reply.status).toBe(422);
    expect(reply.json.errors[0].detail).toBe("voice_in_trunk - cannot be set together with voice_in_trunk_group");
    expect(reply.json.errors[0].source).toEqual({ pointer: "/data/attributes/voice_in_trunk_id" });
    expect(sandbox.did(D1)).toMatchObject({ trunkId: T1, trunkGroupId: null });
  });

  it("rejects unknown trunks and groups with attribute-style pointers", async () => {
    const trunk = await call("PATCH", `/dids/${D1}`, { body: didRouting("missing", null) });
    expect(trunk.status).toBe(422);
    const source = { pointer: "/data/attributes/voice_in_trunk_id" };
    const error = { title: "is invalid", detail: "voice_in_trunk - is invalid", code: "100", source, status: "422" };
    expect(trunk.json).toEqual({ errors: [error] });
    const group = await call("PATCH", `/dids/${D1}`, { body: didRouting(null, "missing") });
    expect(group.json.errors[0].source).toEqual({ pointer: "/data/attributes/voice_in_trunk_group_id" });
    expect(sandbox.did(D1)).toMatchObject({ trunkId: T1, trunkGroupId: null });
  });

  it("rejects legacy relationship names, wrong types and mismatched ids with 400", async () => {
    const reply = await call("PATCH", `/dids/${D1}`, { body: didPatch({ trunk: link("trunks", T2) }) });
    expect(reply.status).toBe(400);
    expect(reply.json.errors[0]).toMatchObject({ title: "Param not allowed", detail: "trunk is not allowed." });
    const routing = { voice_in_trunk: link("voice_in_trunks", T2) };
    expect((await call("PATCH", `/dids/${D1}`, { body: didPatch(routing, { id: D2 }) })).status).toBe(400);
    expect((await call("PATCH", `/dids/${D1}`, { body: didPatch(routing, { type: "x" }) })).status).toBe(400);
    expect(sandbox.did(D1)).toMatchObject({ trunkId: T1 });
  });

  it("reflects drift made through the state helpers", async () => {
    sandbox.setDidRouting(D2, { trunkGroupId: G2 });
    const reply = await call("GET", `/dids/${D2}?include=voice_in_trunk_group`);
    expect(reply.json.data.relationships.voice_in_trunk_group.data).toEqual({ type: "voice_in_trunk_groups", id: G2 });
    sandbox.removeDid(D2);
    expect((await call("GET", `/dids/${D2}`)).status).toBe(404);
    expect(() => sandbox.setDidRouting(D1, { trunkGroupId: G1 })).toThrow();
  });
});

describe("DIDWW sandbox: trunk group membership", () => {
  const { sandbox, call } = startSandbox();

  it("replaces the membership, moving trunks out of other groups", async () => {
    const reply = await call("PATCH", `/voice_in_trunk_groups/${G1}`, { body: groupMembers(G1, [T2, T3]) });
    expect(reply.status).toBe(200);
    expect(reply.json.data.meta).toEqual({ trunks_count: 2 });
    expect(sandbox.trunkGroupMembers(G1)).toEqual([T2, T3]);
    expect(sandbox.trunkGroupMembers(G2)).toEqual([]);
  });

  it("rejects unknown trunks without changing anything", async () => {
    const reply = await call("PATCH", `/voice_in_trunk_groups/${G1}`, { body: groupMembers(G1, [T1, "missing"]) });
    expect(reply.status).toBe(422);
    expect(reply.json.errors[0]).toMatchObject({ detail: "trunk_ids - are invalid" });
    expect(reply.json.errors[0].source).toEqual({ pointer: "/data/attributes/trunk_ids" });
    expect(sandbox.trunkGroupMembers(G1)).toEqual([T2, T3]);
  });

  it("empties the group with an empty list", async () => {
    const path = `/voice_in_trunk_groups/${G1}?include=voice_in_trunks`;
    const reply = await call("PATCH", path, { body: groupMembers(G1, []) });
    expect(reply.json.data.relationships.voice_in_trunks.data).toEqual([]);
    expect(reply.json.data.meta.trunks_count).toBe(0);
    expect(sandbox.trunkGroupMembers(G1)).toEqual([]);
  });
});

describe("DIDWW sandbox: 2017-09-18 names", () => {
  const { sandbox, call } = startSandbox();
  const version = "2017-09-18";

  it("serves trunks/trunk_groups paths, types and relationship names", async () => {
    const did = await call("GET", `/dids/${D1}?include=trunk,trunk_group`, { version });
    expect(did.json.meta.api_version).toBe(version);
    expect(Object.keys(did.json.data.relationships)).toEqual(expect.arrayContaining(["trunk", "trunk_group"]));
    expect(did.json.data.relationships).not.toHaveProperty("voice_in_trunk");
    expect(did.json.data.relationships.trunk.data).toEqual({ type: "trunks", id: T1 });
    expect(did.json.included[0].relationships).toHaveProperty("trunk_group");
    const group = await call("GET", `/trunk_groups/${G1}?include=trunks`, { version });
    expect(group.json.data.type).toBe("trunk_groups");
    expect(group.json.data.relationships.trunks.data).toEqual([{ type: "trunks", id: T1 }]);
    expect((await call("GET", `/trunks/${T1}`, { version })).json.data.type).toBe("trunks");
  });

  it("accepts legacy PATCH bodies and refuses the new names", async () => {
    const body = didPatch({ trunk: link("trunks", null), trunk_group: link("trunk_groups", G2) });
    expect((await call("PATCH", `/dids/${D1}`, { body, version })).status).toBe(200);
    expect(sandbox.did(D1)).toMatchObject({ trunkId: null, trunkGroupId: G2 });
    const bad = await call("PATCH", `/dids/${D1}`, { body: didPatch({ trunk: link("trunks", "missing") }), version });
    expect(bad.json.errors[0]).toMatchObject({ detail: "trunk - is invalid" });
    expect(bad.json.errors[0].source).toEqual({ pointer: "/data/attributes/trunk_id" });
    expect((await call("PATCH", `/dids/${D1}`, { body: didRouting(T1, null), version })).status).toBe(400);
    const legacyMembers = groupMembers(G2, [T1], "trunk_groups", "trunks");
    const members = await call("PATCH", `/trunk_groups/${G2}`, { body: legacyMembers, version });
    expect(members.json.data.meta.trunks_count).toBe(1);
    expect(sandbox.trunkGroupMembers(G2)).toEqual([T1]);
  });

  it("answers 404 for new-generation paths and the legacy ones under a new version", async () => {
    for (const path of [`/voice_in_trunks/${T1}`, `/voice_in_trunk_groups/${G1}`]) {
      const reply = await call("GET", path, { version });
      expect(reply.status).toBe(404);
      expect(reply.json.errors[0]).toMatchObject({ code: "404", status: "404" });
    }
    expect((await call("GET", `/trunks/${T1}`, { version: "2021-12-15" })).status).toBe(404);
  });
});

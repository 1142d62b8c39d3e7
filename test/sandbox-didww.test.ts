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

// Lists: trunk and group names sort differently from their ids, DID numbers differently from DID ids.
const D3 = "0b7f3c52-6a47-4a8e-9d61-3f1c2a9e5b10";
const D4 = "c3a1d2e4-5f60-4718-8a9b-0c1d2e3f4a5b";
const D5 = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9";
const D6 = "f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9";

const listSeed: DidwwSeed = {
  trunks: [
    { id: T1, name: "london" },
    { id: T2, name: "frankfurt" },
    { id: T3, name: "amsterdam" },
  ],
  trunkGroups: [
    { id: G1, name: "Zurich pool", trunkIds: [T1] },
    { id: G2, name: "Amsterdam pool", trunkIds: [T2] },
  ],
  dids: [
    { id: D1, number: "16091609123456797", trunkId: T1 },
    { id: D2, number: "442037691880", trunkGroupId: G1 },
    { id: D3, number: "+4915201234567", trunkId: T2 },
    { id: D4, number: "13105550100" },
    { id: D5, number: "442037691881", trunkGroupId: G2 },
    { id: D6, number: "15005550006", trunkId: T1 },
  ],
};

/** Ids in DIDWW's default list order. */
const byId = (...ids: string[]): string[] => [...ids].sort();
const idsOf = (reply: Reply): string[] => reply.json.data.map((resource: any) => resource.id);

type CallOptions = { body?: unknown; rawBody?: string; version?: string; key?: string | null; contentType?: string };
type Reply = { status: number; contentType: string | null; allow: string | null; json: any };

/** Sends a request the way DIDWW's SDKs do, over real HTTP. */
function client(sandbox: DidwwSandbox) {
  return async (method: string, path: string, options: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { accept: "application/vnd.api+json" };
    if (options.key !== null) headers["Api-Key"] = options.key ?? KEY;
    if (options.version !== undefined) headers["X-DIDWW-API-Version"] = options.version;
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined) headers["Content-Type"] = options.contentType ?? "application/vnd.api+json";
    const response = await fetch(`${sandbox.url}${path}`, { method, headers, body });
    const { status, headers: answer } = response;
    return { status, contentType: answer.get("content-type"), allow: answer.get("allow"), json: await response.json() };
  };
}

function startSandbox(initial: DidwwSeed = seed): { sandbox: DidwwSandbox; call: ReturnType<typeof client> } {
  const sandbox = createDidwwSandbox({ apiKey: KEY, seed: initial });
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

  it("lists /trunks and /trunk_groups with the legacy types, includes and links", async () => {
    const groups = await call("GET", "/trunk_groups?include=trunks&page[size]=1", { version });
    expect(groups.status).toBe(200);
    expect(groups.json.data[0]).toMatchObject({ id: G1, type: "trunk_groups" });
    expect(groups.json.data[0].relationships.trunks.data).toEqual([]);
    expect(groups.json.links.next.startsWith(`${sandbox.url}/trunk_groups?`)).toBe(true);
    const trunks = await call("GET", `/trunks?include=trunk_group&filter[id]=${T1}`, { version });
    expect(trunks.json.data[0].relationships.trunk_group.data).toEqual({ type: "trunk_groups", id: G2 });
    expect(trunks.json.included.map((resource: any) => resource.type)).toEqual(["trunk_groups"]);
    expect((await call("GET", "/voice_in_trunks", { version })).status).toBe(404);
    expect((await call("GET", "/trunk_groups", { version: "2021-12-15" })).status).toBe(404);
  });
});

/** A link as origin+path and query, so assertions do not depend on parameter order or escaping. */
function linkParts(link: string): { path: string; query: Record<string, string> } {
  const url = new URL(link);
  return { path: `${url.origin}${url.pathname}`, query: Object.fromEntries(url.searchParams) };
}

const linksOf = (reply: Reply): Record<string, ReturnType<typeof linkParts>> =>
  Object.fromEntries(Object.entries(reply.json.links as Record<string, string>).map(([k, v]) => [k, linkParts(v)]));

const pageError = (detail: string) => ({
  errors: [{ title: "Invalid page value", detail, code: "118", status: "400" }],
});

describe("DIDWW sandbox: list pagination", () => {
  // Seeded in descending id order with ascending numbers, so id order, number order and seed order all differ.
  const many = Array.from({ length: 120 }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(119 - i).padStart(12, "0")}`,
    number: String(442030000000 + i),
  }));
  const { sandbox, call } = startSandbox({ dids: many });
  const allById = byId(...many.map((did) => did.id));
  const page = (number: number, size: number, other: Record<string, string> = {}) => ({
    path: `${sandbox.url}/dids`,
    query: { ...other, "page[number]": String(number), "page[size]": String(size) },
  });

  it("answers 50 DIDs ordered by id by default, with total_records and first/next/last links", async () => {
    const reply = await call("GET", "/dids");
    expect(reply.status).toBe(200);
    expect(idsOf(reply)).toEqual(allById.slice(0, 50));
    expect(reply.json.meta).toEqual({ api_version: "2026-04-16", total_records: 120 });
    expect(linksOf(reply)).toEqual({ first: page(1, 50), next: page(2, 50), last: page(3, 50) });
  });

  it("links a middle page both ways, keeping the other query parameters", async () => {
    const reply = await call("GET", "/dids?sort=-number&include=voice_in_trunk&page[number]=2&page[size]=7");
    // -number: seed order reversed; page 2 of 7 holds seed entries 112 down to 106.
    expect(idsOf(reply)).toEqual(many.slice(106, 113).reverse().map((did) => did.id));
    const other = { sort: "-number", include: "voice_in_trunk" };
    expect(linksOf(reply)).toEqual({
      first: page(1, 7, other),
      prev: page(1, 7, other),
      next: page(3, 7, other),
      last: page(18, 7, other),
    });
    expect(reply.json.links.next.startsWith(`${sandbox.url}/dids?`)).toBe(true);
  });

  it("gives the last page a prev but no next, and a page past the end empty data", async () => {
    const last = await call("GET", "/dids?page[number]=3&page[size]=50");
    expect(idsOf(last)).toEqual(allById.slice(100));
    expect(linksOf(last)).toEqual({ first: page(1, 50), prev: page(2, 50), last: page(3, 50) });
    const beyond = await call("GET", "/dids?page[number]=9&page[size]=50");
    expect(beyond.status).toBe(200);
    expect(beyond.json.data).toEqual([]);
    expect(beyond.json.meta.total_records).toBe(120);
    // jsonapi-resources links `prev` to the page before the requested one, even past the end.
    expect(linksOf(beyond)).toEqual({ first: page(1, 50), prev: page(8, 50), last: page(3, 50) });
  });

  it("accepts page[size]=100, and following next visits every DID exactly once", async () => {
    const seen: string[] = [];
    let path: string | undefined = "/dids?page[size]=100";
    for (let requests = 0; path !== undefined; requests++) {
      expect(requests).toBeLessThan(3);
      const reply = await call("GET", path);
      if (requests === 0) expect(reply.json.data).toHaveLength(100);
      seen.push(...idsOf(reply));
      const next: string | undefined = reply.json.links.next;
      path = next?.slice(sandbox.url.length);
    }
    expect(seen).toEqual(allById);
  });

  it("refuses page sizes above 100 with jsonapi-resources' exact 400 body", async () => {
    const reply = await call("GET", "/dids?page[size]=101");
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual(pageError("size exceeds maximum page size of 100."));
  });

  it("refuses sizes and numbers below 1, non-integers and unknown page keys", async () => {
    const refused: [string, string][] = [
      ["page[size]=0", "0 is not a valid value for size page parameter."],
      ["page[number]=0", "0 is not a valid value for number page parameter."],
      ["page[number]=1.5", "1.5 is not a valid value for number page parameter."],
      ["page[size]=ten", "ten is not a valid value for size page parameter."],
    ];
    for (const [query, detail] of refused) {
      const reply = await call("GET", `/dids?${query}`);
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual(pageError(detail));
    }
    const offset = await call("GET", "/dids?page[offset]=0");
    expect(offset.status).toBe(400);
    const error = { title: "Page parameter not allowed", detail: "offset is not an allowed page parameter." };
    expect(offset.json).toEqual({ errors: [{ ...error, code: "105", status: "400" }] });
  });

  it("still links first and last to page 1 when nothing matches", async () => {
    const reply = await call("GET", "/dids?filter[number]=1");
    expect(reply.json.data).toEqual([]);
    expect(reply.json.meta.total_records).toBe(0);
    const onlyPage = page(1, 50, { "filter[number]": "1" });
    expect(linksOf(reply)).toEqual({ first: onlyPage, last: onlyPage });
    expect(conformsTo("DidCollectionDocument", reply.json)).toEqual([]);
  });
});

describe("DIDWW sandbox: list filters", () => {
  const { sandbox, call } = startSandbox(listSeed);
  const list = async (path: string, version?: string): Promise<string[]> => {
    const reply = await call("GET", path, { version });
    expect(reply.status).toBe(200);
    return idsOf(reply);
  };
  const filterNotAllowed = (name: string) => ({
    errors: [{ title: "Filter not allowed", detail: `${name} is not allowed.`, code: "102", status: "400" }],
  });

  it("filters DIDs by id and by number, a comma-separated list matching any of the values", async () => {
    expect(await list(`/dids?filter[id]=${D1},${D3}`)).toEqual(byId(D1, D3));
    expect(await list(`/dids?filter[id]=${D5}`)).toEqual([D5]);
    expect(await list("/dids?filter[number]=442037691880,13105550100")).toEqual(byId(D2, D4));
  });

  it("stores numbers without the leading + and matches only that spelling", async () => {
    const reply = await call("GET", "/dids?filter[number]=4915201234567");
    expect(idsOf(reply)).toEqual([D3]);
    expect(reply.json.data[0].attributes.number).toBe("4915201234567");
    expect(await list(`/dids?filter[number]=${encodeURIComponent("+4915201234567")}`)).toEqual([]);
  });

  it("filters DIDs by trunk and trunk group, under the current and the pre-rename names", async () => {
    expect(await list(`/dids?filter[voice_in_trunk.id]=${T1},${T2}`)).toEqual(byId(D1, D3, D6));
    expect(await list(`/dids?filter[voice_in_trunk_group.id]=${G1}`)).toEqual([D2]);
    expect(await list(`/dids?filter[trunk.id]=${T2}`)).toEqual([D3]);
    expect(await list(`/dids?filter[trunk_group.id]=${G2}`)).toEqual([D5]);
  });

  it("combines several filters with AND", async () => {
    const groupAndNumber = `filter[voice_in_trunk_group.id]=${G1},${G2}&filter[number]=442037691881,16091609123456797`;
    expect(await list(`/dids?${groupAndNumber}`)).toEqual([D5]);
    expect(await list(`/dids?filter[voice_in_trunk.id]=${T1}&filter[id]=${D1},${D2},${D3}`)).toEqual([D1]);
  });

  it("accepts only trunk.id and trunk_group.id before 2021-12-15", async () => {
    const version = "2021-04-19";
    expect(await list(`/dids?filter[trunk.id]=${T1}`, version)).toEqual(byId(D1, D6));
    expect(await list(`/dids?filter[trunk_group.id]=${G1}`, version)).toEqual([D2]);
    const renamed = await call("GET", `/dids?filter[voice_in_trunk.id]=${T1}`, { version });
    expect(renamed.status).toBe(400);
    expect(renamed.json).toEqual(filterNotAllowed("voice_in_trunk.id"));
  });

  it("answers an unknown filter, or a filter without a name, with 400", async () => {
    const unknown = await call("GET", "/dids?filter[bogus]=1");
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual(filterNotAllowed("bogus"));
    const bare = await call("GET", "/dids?filter=1");
    expect(bare.status).toBe(400);
    expect(bare.json.errors[0]).toMatchObject({ code: "120", detail: "1 is not a valid syntax for filtering." });
  });

  it("filters trunks by id and name; refuses a name filter on groups, which DIDWW does not have", async () => {
    expect(await list("/voice_in_trunks?filter[name]=london,amsterdam")).toEqual(byId(T1, T3));
    expect(await list(`/voice_in_trunks?filter[id]=${T2}`)).toEqual([T2]);
    expect(await list("/voice_in_trunks?filter[name]=London")).toEqual([]);
    expect(await list(`/voice_in_trunk_groups?filter[id]=${G2},missing`)).toEqual([G2]);
    const byName = await call("GET", `/voice_in_trunk_groups?filter[name]=${encodeURIComponent("Zurich pool")}`);
    expect(byName.status).toBe(400);
    expect(byName.json).toEqual(filterNotAllowed("name"));
  });

  it("filters groups by external_reference_id once one is set", async () => {
    const body = { data: { type: "voice_in_trunk_groups", id: G2, attributes: { external_reference_id: "crm-7" } } };
    expect((await call("PATCH", `/voice_in_trunk_groups/${G2}`, { body })).status).toBe(200);
    expect(await list("/voice_in_trunk_groups?filter[external_reference_id]=crm-7,crm-8")).toEqual([G2]);
  });

  it("casts boolean filters as Rails does, and accepts documented filters on unmodelled relationships", async () => {
    const body = { data: { type: "dids", id: D4, attributes: { terminated: true } } };
    expect((await call("PATCH", `/dids/${D4}`, { body })).status).toBe(200);
    expect(await list("/dids?filter[terminated]=true")).toEqual([D4]);
    expect(await list("/dids?filter[terminated]=0")).toEqual(byId(D1, D2, D3, D5, D6));
    expect(await list("/dids?filter[did_group.id]=2187c36d-28fb-436f-8861-5a0f5b5a3ee1")).toEqual([]);
    expect(sandbox.did(D4)).toMatchObject({ trunkId: null, trunkGroupId: null });
  });
});

describe("DIDWW sandbox: list sort, include and methods", () => {
  const { sandbox, call } = startSandbox(listSeed);
  const byNumber = [D4, D6, D1, D2, D5, D3];

  it("sorts by documented fields, descending with -, breaking ties by id", async () => {
    expect(idsOf(await call("GET", "/dids?sort=number"))).toEqual(byNumber);
    expect(idsOf(await call("GET", "/dids?sort=-number"))).toEqual([...byNumber].reverse());
    // Every seeded DID has the same created_at, so number decides.
    expect(idsOf(await call("GET", "/dids?sort=-created_at,number"))).toEqual(byNumber);
    expect(idsOf(await call("GET", "/voice_in_trunks?sort=name"))).toEqual([T3, T2, T1]);
    expect(idsOf(await call("GET", "/voice_in_trunk_groups?sort=-name"))).toEqual([G1, G2]);
  });

  it("refuses sort fields DIDWW does not document with 400 code 114", async () => {
    const reply = await call("GET", "/dids?sort=bogus");
    expect(reply.status).toBe(400);
    const error = { title: "Invalid sort criteria", detail: "bogus is not a valid sort criteria for dids" };
    expect(reply.json).toEqual({ errors: [{ ...error, code: "114", status: "400" }] });
    const groups = await call("GET", "/voice_in_trunk_groups?sort=number");
    expect(groups.json.errors[0].detail).toBe("number is not a valid sort criteria for voice_in_trunk_groups");
  });

  it("gives listed DIDs linkage only when included, and each included resource once", async () => {
    const filter = `filter[id]=${D1},${D6},${D2}`;
    const plain = await call("GET", `/dids?${filter}`);
    expect(plain.json).not.toHaveProperty("included");
    expect(plain.json.data[0].relationships.voice_in_trunk).not.toHaveProperty("data");
    expect(conformsTo("DidCollectionDocument", plain.json)).toEqual([]);

    const full = await call("GET", `/dids?${filter}&include=voice_in_trunk,voice_in_trunk_group`);
    const routing = full.json.data.map((did: any) => [
      did.id,
      did.relationships.voice_in_trunk.data,
      did.relationships.voice_in_trunk_group.data,
    ]);
    expect(routing).toEqual([
      [D2, null, { type: "voice_in_trunk_groups", id: G1 }],
      [D1, { type: "voice_in_trunks", id: T1 }, null],
      [D6, { type: "voice_in_trunks", id: T1 }, null],
    ]);
    const included = full.json.included.map((resource: any) => `${resource.type}/${resource.id}`);
    expect(included.sort()).toEqual([`voice_in_trunk_groups/${G1}`, `voice_in_trunks/${T1}`]);
    expect(conformsTo("DidCollectionDocument", full.json)).toEqual([]);
  });

  it("includes trunks on the group list and groups on the trunk list, never repeating primary resources", async () => {
    const groups = await call("GET", "/voice_in_trunk_groups?include=voice_in_trunks.voice_in_trunk_group");
    const members = groups.json.data.map((group: any) => [group.id, group.relationships.voice_in_trunks.data]);
    expect(members).toEqual([
      [G1, [{ type: "voice_in_trunks", id: T1 }]],
      [G2, [{ type: "voice_in_trunks", id: T2 }]],
    ]);
    // The trunks' groups are on the page already, so only the trunks are included (with their group linkage).
    const included = groups.json.included.map((trunk: any) => [
      trunk.id,
      trunk.relationships.voice_in_trunk_group.data,
    ]);
    expect(included).toEqual([
      [T1, { type: "voice_in_trunk_groups", id: G1 }],
      [T2, { type: "voice_in_trunk_groups", id: G2 }],
    ]);
    expect(conformsTo("VoiceInTrunkGroupCollectionDocument", groups.json)).toEqual([]);

    const trunks = await call("GET", "/voice_in_trunks?include=voice_in_trunk_group");
    const trunkGroups = trunks.json.data.map((trunk: any) => trunk.relationships.voice_in_trunk_group.data?.id ?? null);
    expect(trunkGroups).toEqual([G1, G2, null]);
    expect(trunks.json.included.map((group: any) => group.id)).toEqual([G1, G2]);
    expect(conformsTo("VoiceInTrunkCollectionDocument", trunks.json)).toEqual([]);
    const badInclude = await call("GET", "/voice_in_trunks?include=did_group");
    expect(badInclude.status).toBe(400);
    expect(badInclude.json.errors[0]).toMatchObject({ code: "112", status: "400" });
  });

  it("matches the collection schemas without include, and the check notices a broken document", async () => {
    const trunks = await call("GET", "/voice_in_trunks");
    expect(conformsTo("VoiceInTrunkCollectionDocument", trunks.json)).toEqual([]);
    const groups = await call("GET", "/voice_in_trunk_groups?filter[id]=missing");
    expect(conformsTo("VoiceInTrunkGroupCollectionDocument", groups.json)).toEqual([]);
    const broken = { ...trunks.json, meta: { api_version: "2026-04-16" }, links: { first: trunks.json.links.first } };
    expect(conformsTo("VoiceInTrunkCollectionDocument", broken)).toEqual([
      "VoiceInTrunkCollectionDocument.meta.total_records: missing",
      "VoiceInTrunkCollectionDocument.links.last: missing",
    ]);
  });

  it("answers other methods on the lists with 405 and Allow", async () => {
    const body = { data: { type: "dids", attributes: { number: "4930123456789" } } };
    const post = await call("POST", "/dids", { body });
    expect(post).toMatchObject({ status: 405, allow: "GET" });
    expect(post.json.errors[0]).toMatchObject({ code: "405", status: "405" });
    expect(await call("DELETE", "/voice_in_trunk_groups")).toMatchObject({ status: 405, allow: "GET, POST" });
    expect(sandbox.dids()).toHaveLength(6);
  });
});

describe("DIDWW sandbox: routing accessors", () => {
  const { sandbox, call } = startSandbox(listSeed);

  it("returns DIDs by number (without +), trunks and groups by name", () => {
    expect(sandbox.dids().map((did) => did.number)).toEqual([
      "13105550100",
      "15005550006",
      "16091609123456797",
      "442037691880",
      "442037691881",
      "4915201234567",
    ]);
    expect(sandbox.dids()[5]).toEqual({ id: D3, number: "4915201234567", trunkId: T2, trunkGroupId: null });
    expect(sandbox.trunks()).toEqual([
      { id: T3, name: "amsterdam", trunkGroupId: null },
      { id: T2, name: "frankfurt", trunkGroupId: G2 },
      { id: T1, name: "london", trunkGroupId: G1 },
    ]);
    expect(sandbox.trunkGroups()).toEqual([
      { id: G2, name: "Amsterdam pool", trunkIds: [T2] },
      { id: G1, name: "Zurich pool", trunkIds: [T1] },
    ]);
  });

  it("follows changes made through the API and hands out copies", async () => {
    const members = await call("PATCH", `/voice_in_trunk_groups/${G1}`, { body: groupMembers(G1, [T3, T2]) });
    expect(members.status).toBe(200);
    const routing = didPatch({ voice_in_trunk: link("voice_in_trunks", T3) }, { id: D4 });
    expect((await call("PATCH", `/dids/${D4}`, { body: routing })).status).toBe(200);
    expect(sandbox.trunkGroups().map((group) => [group.id, group.trunkIds])).toEqual([
      [G2, []],
      [G1, [T3, T2]],
    ]);
    expect(sandbox.trunks().map((trunk) => trunk.trunkGroupId)).toEqual([G1, G1, null]);
    expect(sandbox.dids()[0]).toEqual({ id: D4, number: "13105550100", trunkId: T3, trunkGroupId: null });
    sandbox.trunkGroups()[1]?.trunkIds.push(T1);
    expect(sandbox.trunkGroupMembers(G1)).toEqual([T3, T2]);
  });
});

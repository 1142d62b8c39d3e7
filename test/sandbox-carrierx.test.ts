import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox } from "../sandbox";
import { createCarrierxSandbox, type CarrierxSandbox } from "../sandbox/carrierx";

const TOKEN = "sandbox-test-token";
const D1 = "e8df62d5-07a3-4189-a67e-87585067c5fe";
const D2 = "44957076-778a-4802-b60c-d22db0cda284";
const G1 = "c7eae0b4-5eda-4964-8998-d514903b4af0";
const G2 = "e74fcf6a-bb8d-4ee0-9980-bdc24a728b9a";
const MISSING = "00000000-0000-4000-8000-000000000000";

const DOCUMENTED_DID_FIELDS = [
  "active_capabilities", "attributes", "callback_url", "campaign_sid", "capabilities", "classification_sid",
  "country_code", "did_group_sid", "did_sid", "in_country_format", "international_format", "lata", "locality",
  "lrn_sid", "name", "ocn", "partner_sid", "phonenumber", "porting_pin", "price", "state", "status",
  "string_key_1", "string_key_2", "transformations", "trunk_group_sid",
];

type CallOptions = { body?: unknown; rawBody?: string; token?: string | null; contentType?: string | null };
type Reply = { status: number; contentType: string | null; json: any };

/** Sends a request as CarrierX's documentation shows it, over real HTTP. */
function client(sandbox: CarrierxSandbox) {
  return async (method: string, path: string, options: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { accept: "application/json" };
    if (options.token !== null) headers["Authorization"] = `Bearer ${options.token ?? TOKEN}`;
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined && options.contentType !== null) headers["Content-Type"] = options.contentType ?? "application/json";
    const response = await fetch(`${sandbox.url}${path}`, { method, headers, body });
    return { status: response.status, contentType: response.headers.get("content-type"), json: await response.json() };
  };
}

function startSandbox(): { sandbox: CarrierxSandbox; call: ReturnType<typeof client> } {
  const sandbox = createCarrierxSandbox({
    token: TOKEN,
    seed: {
      trunkGroups: [
        { sid: G1, name: "TrunkGroup4" },
        { sid: G2, name: "backup" },
      ],
      dids: [
        { sid: D1, phonenumber: "15162065574", trunkGroupSid: null },
        { sid: D2, phonenumber: "15162065575", trunkGroupSid: G2 },
      ],
    },
  });
  beforeAll(async () => void (await sandbox.listen()));
  afterAll(() => sandbox.close());
  return { sandbox, call: client(sandbox) };
}

describe("CarrierX sandbox: protocol", () => {
  const { sandbox, call } = startSandbox();

  it("serves under /core/v2 and answers 401 in CarrierX's shape without a Bearer token or with a wrong one", async () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/core\/v2$/);
    const missing = await call("GET", `/phonenumber/dids/${D1}`, { token: null });
    expect(missing).toEqual({ status: 401, contentType: "application/json", json: { message: "Bad credentials", errors: [] } });
    expect((await call("GET", `/phonenumber/dids/${D1}`, { token: "wrong" })).status).toBe(401);
    // Recorded before authentication, so a test can show what a rejected client sent.
    expect(sandbox.requests.slice(-2).map((r) => r.headers["authorization"])).toEqual([undefined, "Bearer wrong"]);
    expect(sandbox.requests.at(-1)).toMatchObject({ method: "GET", path: `/core/v2/phonenumber/dids/${D1}`, query: {} });
  });

  it("returns the DID and trunk group objects with the documented fields, and 404 for unknown sids", async () => {
    const did = await call("GET", `/phonenumber/dids/${D1}`);
    expect(did.status).toBe(200);
    // The fields of the documented GET sample (reference §3.7), in its order.
    expect(Object.keys(did.json)).toEqual(DOCUMENTED_DID_FIELDS);
    expect(did.json).toMatchObject({
      did_sid: D1,
      phonenumber: "15162065574",
      trunk_group_sid: null,
      country_code: "USA",
      status: "assigned",
      name: "N/A",
      attributes: {},
    });
    const group = await call("GET", `/trunk_groups/${G1}`);
    expect(group.json).toMatchObject({ trunk_group_sid: G1, name: "TrunkGroup4", routing_type: "failover" });
    const unknown = await call("GET", `/phonenumber/dids/${MISSING}`);
    expect(unknown).toMatchObject({ status: 404, json: { message: "Cannot find item by SID", errors: [] } });
    expect((await call("GET", `/trunk_groups/${MISSING}`)).status).toBe(404);
    expect((await call("GET", `/config/trunk_groups/${G1}`)).status).toBe(404);
  });

  it("needs application/json on bodies (415), a JSON object (400), and refuses methods it does not serve (405)", async () => {
    const body = { trunk_group_sid: G1 };
    const noType = await call("PATCH", `/phonenumber/dids/${D1}`, { body, contentType: null });
    expect(noType).toMatchObject({ status: 415, json: { message: "Unsupported media type", errors: [] } });
    expect((await call("PATCH", `/phonenumber/dids/${D1}`, { body, contentType: "text/plain" })).status).toBe(415);
    const charset = await call("PATCH", `/phonenumber/dids/${D1}`, { body: {}, contentType: "application/json; charset=utf-8" });
    expect(charset.status).toBe(200);
    const malformed = await call("PATCH", `/phonenumber/dids/${D1}`, { rawBody: "{not json" });
    expect(malformed).toMatchObject({ status: 400, json: { message: "No JSON object could be decoded" } });
    const released = await call("DELETE", `/phonenumber/dids/${D1}`);
    expect(released.status).toBe(405);
    expect(sandbox.did(D1)).toMatchObject({ trunk_group_sid: null });
  });
});

describe("CarrierX sandbox: DID updates", () => {
  const { sandbox, call } = startSandbox();

  it("PATCH changes only the fields sent", async () => {
    expect((await call("PATCH", `/phonenumber/dids/${D1}`, { body: { name: "main line" } })).status).toBe(200);
    const reply = await call("PATCH", `/phonenumber/dids/${D1}`, { body: { trunk_group_sid: G1 } });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ did_sid: D1, trunk_group_sid: G1, name: "main line" });
    expect(sandbox.did(D1)).toEqual(reply.json);
    await call("PATCH", `/phonenumber/dids/${D1}`, { body: { trunk_group_sid: null } });
    expect(sandbox.did(D1)).toMatchObject({ trunk_group_sid: null, name: "main line" });
  });

  it("refuses an unknown trunk group or a read-only change with 422, changing nothing", async () => {
    const reply = await call("PATCH", `/phonenumber/dids/${D2}`, { body: { trunk_group_sid: MISSING, name: "x" } });
    expect(reply).toMatchObject({
      status: 422,
      json: {
        message: "object validation error",
        errors: [{ field: "trunk_group_sid", message: "trunk group not found", reference_sid: MISSING }],
      },
    });
    const readOnly = await call("PATCH", `/phonenumber/dids/${D2}`, { body: { phonenumber: "15550000000" } });
    expect(readOnly.json.errors).toEqual([{ field: "phonenumber", message: "field is read only", reference_sid: null }]);
    expect(sandbox.did(D2)).toMatchObject({ trunk_group_sid: G2, name: "N/A", phonenumber: "15162065575" });
  });

  it("PUT replaces the whole object: a field left out loses its value (why clients must PATCH)", async () => {
    await call("PATCH", `/phonenumber/dids/${D2}`, { body: { name: "support" } });
    const reply = await call("PUT", `/phonenumber/dids/${D2}`, { body: { name: "support" } });
    expect(reply.status).toBe(200);
    expect(sandbox.did(D2)).toMatchObject({ name: "support", trunk_group_sid: null });
  });

  it("state helpers simulate hand changes and released DIDs", async () => {
    sandbox.setDidTrunkGroup(D2, G1);
    expect((await call("GET", `/phonenumber/dids/${D2}`)).json.trunk_group_sid).toBe(G1);
    expect(() => sandbox.setDidTrunkGroup(D2, MISSING)).toThrow(`unknown trunk group ${MISSING} in the CarrierX sandbox`);
    sandbox.removeDid(D2);
    expect((await call("GET", `/phonenumber/dids/${D2}`)).status).toBe(404);
    expect(sandbox.did(D2)).toBeUndefined();
  });
});

describe("CarrierX sandbox: lists", () => {
  // 25 DIDs seeded out of order, so the tests see the list's own ordering; every fifth one is on G1.
  const numbers = Array.from({ length: 25 }, (_, i) => `1516206${String(5600 + ((i * 7) % 25)).padStart(4, "0")}`);
  const sidOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
  const sandbox = createCarrierxSandbox({
    token: TOKEN,
    seed: {
      trunkGroups: [
        { sid: G2, name: "backup" },
        { sid: G1, name: "TrunkGroup4" },
      ],
      dids: numbers.map((phonenumber, i) => ({ sid: sidOf(i), phonenumber, trunkGroupSid: i % 5 === 0 ? G1 : null })),
    },
  });
  beforeAll(async () => void (await sandbox.listen()));
  afterAll(() => sandbox.close());
  const call = client(sandbox);
  const list = (path: string, query: Record<string, string> = {}) => call("GET", `${path}?${new URLSearchParams(query)}`);
  const sorted = [...numbers].sort();

  it("pages DIDs by phonenumber with the documented envelope and an absolute pagination.next", async () => {
    const first = await list("/phonenumber/dids");
    expect(first.status).toBe(200);
    expect(Object.keys(first.json)).toEqual(["count", "has_more", "items", "limit", "offset", "pagination", "total"]);
    expect(first.json).toMatchObject({ count: 10, has_more: true, limit: 10, offset: 0, total: 25 });
    expect(first.json.pagination).toEqual({ next: `${sandbox.url}/phonenumber/dids?limit=10&offset=10` });
    expect(first.json.items[0]).toEqual(sandbox.did(first.json.items[0].did_sid));
    // Following `next` verbatim, as cdr-download does, visits every DID once, in order.
    const seen: string[] = first.json.items.map((did: { phonenumber: string }) => did.phonenumber);
    let page = first.json;
    while (page.pagination.next !== undefined) {
      const reply = await fetch(page.pagination.next, { headers: { Authorization: `Bearer ${TOKEN}` } });
      page = await reply.json();
      seen.push(...page.items.map((did: { phonenumber: string }) => did.phonenumber));
    }
    expect(seen).toEqual(sorted);
    expect(page).toMatchObject({ count: 5, has_more: false, offset: 20, pagination: {}, total: 25 });
    expect(sandbox.dids().map((did) => did.phonenumber)).toEqual(sorted);
  });

  it("honours limit and offset, including an offset past the end", async () => {
    const reply = await list("/phonenumber/dids", { limit: "3", offset: "4" });
    expect(reply.json).toMatchObject({ count: 3, has_more: true, limit: 3, offset: 4, total: 25 });
    expect(reply.json.items.map((did: { phonenumber: string }) => did.phonenumber)).toEqual(sorted.slice(4, 7));
    expect(reply.json.pagination.next).toBe(`${sandbox.url}/phonenumber/dids?limit=3&offset=7`);
    const all = await list("/phonenumber/dids", { limit: "1000" });
    expect(all.json).toMatchObject({ count: 25, has_more: false, pagination: {} });
    const beyond = await list("/phonenumber/dids", { offset: "25" });
    expect(beyond.json).toEqual({ count: 0, has_more: false, items: [], limit: 10, offset: 25, pagination: {}, total: 25 });
  });

  it("filters DIDs with eq on phonenumber, did_sid and trunk_group_sid, quoted either way or bare, joined by and", async () => {
    const target = numbers[3] ?? "";
    for (const value of [`"${target}"`, `'${target}'`, target]) {
      const reply = await list("/phonenumber/dids", { filter: `phonenumber eq ${value}` });
      expect(reply.json).toMatchObject({ count: 1, total: 1, has_more: false, pagination: {} });
      expect(reply.json.items[0]).toMatchObject({ did_sid: sidOf(3), phonenumber: target });
    }
    const bySid = await list("/phonenumber/dids", { filter: `did_sid eq '${sidOf(7)}'` });
    expect(bySid.json.items.map((did: { did_sid: string }) => did.did_sid)).toEqual([sidOf(7)]);
    const both = await list("/phonenumber/dids", { filter: `trunk_group_sid eq "${G1}" and phonenumber eq "${numbers[5]}"` });
    expect(both.json.items.map((did: { did_sid: string }) => did.did_sid)).toEqual([sidOf(5)]);
    const mismatch = await list("/phonenumber/dids", { filter: `trunk_group_sid eq "${G1}" and phonenumber eq "${numbers[1]}"` });
    expect(mismatch.json).toMatchObject({ count: 0, total: 0, items: [] });
    // CarrierX stores numbers without "+", so an E.164 value finds nothing.
    expect((await list("/phonenumber/dids", { filter: `phonenumber eq "+${target}"` })).json.total).toBe(0);
  });

  it("keeps the filter in pagination.next, and applies the documented trunk_group_sid argument", async () => {
    const filter = `trunk_group_sid eq "${G1}"`;
    const first = await list("/phonenumber/dids", { filter, limit: "3" });
    expect(first.json).toMatchObject({ count: 3, total: 5, has_more: true });
    const next = new URL(first.json.pagination.next);
    expect(Object.fromEntries(next.searchParams)).toEqual({ filter, limit: "3", offset: "3" });
    const rest = await (await fetch(next, { headers: { Authorization: `Bearer ${TOKEN}` } })).json();
    expect(rest).toMatchObject({ count: 2, total: 5, has_more: false, pagination: {} });
    const viaArgument = await list("/phonenumber/dids", { trunk_group_sid: G1, limit: "100" });
    const viaFilter = await list("/phonenumber/dids", { filter, limit: "100" });
    expect(viaArgument.json.items).toEqual(viaFilter.json.items);
    expect(viaFilter.json.items.every((did: { trunk_group_sid: string }) => did.trunk_group_sid === G1)).toBe(true);
  });

  it("answers 400 in CarrierX's shape, naming what it cannot evaluate, instead of ignoring it", async () => {
    const refused = async (query: Record<string, string>, field: string, message: string) => {
      const reply = await list("/phonenumber/dids", query);
      expect(reply).toEqual({
        status: 400,
        contentType: "application/json",
        json: { message: "Bad Request", errors: [{ field, message, reference_sid: null }] },
      });
    };
    await refused({ filter: 'phonenumber like "516%"' }, "filter",
      'unsupported filter operator "like" in "phonenumber like "516%"" (the sandbox supports eq)');
    await refused({ filter: "name eq main" }, "filter",
      'unsupported filter attribute "name" (the sandbox filters on phonenumber, did_sid, trunk_group_sid)');
    await refused({ filter: "phonenumber eq 1 or phonenumber eq 2" }, "filter",
      'malformed filter near "or phonenumber eq 2" (expected <attr> <op> <value> conditions joined with " and ")');
    await refused({ filter: 'phonenumber eq "1' }, "filter",
      'malformed filter near "phonenumber eq "1" (expected <attr> <op> <value> conditions joined with " and ")');
    for (const limit of ["0", "1001", "abc", "2.5", "-1", "1e2"]) {
      await refused({ limit }, "limit", `limit must be an integer from 1 to 1000, not "${limit}"`);
    }
    await refused({ offset: "-1" }, "offset", 'offset must be an integer of at least 0, not "-1"');
    await refused({ order: "phonenumber desc" }, "order", "order is not supported by the sandbox");
    await refused({ after: sidOf(1) }, "after", "after is not supported by the sandbox");
  });

  it("lists trunk groups by name with the same envelope, filtered on name and trunk_group_sid", async () => {
    const all = await list("/trunk_groups");
    expect(all.json).toMatchObject({ count: 2, has_more: false, limit: 10, offset: 0, pagination: {}, total: 2 });
    expect(all.json.items.map((group: { name: string }) => group.name)).toEqual(["TrunkGroup4", "backup"]);
    expect(all.json.items[1]).toEqual((await call("GET", `/trunk_groups/${G2}`)).json);
    const paged = await list("/trunk_groups", { limit: "1" });
    expect(paged.json.pagination).toEqual({ next: `${sandbox.url}/trunk_groups?limit=1&offset=1` });
    const byName = await list("/trunk_groups", { filter: "name eq 'backup'" });
    expect(byName.json.items.map((group: { trunk_group_sid: string }) => group.trunk_group_sid)).toEqual([G2]);
    const bySid = await list("/trunk_groups", { filter: `trunk_group_sid eq ${G1}` });
    expect(bySid.json.items.map((group: { name: string }) => group.name)).toEqual(["TrunkGroup4"]);
    const wrong = await list("/trunk_groups", { filter: "phonenumber eq 1" });
    expect(wrong.json.errors[0].message).toBe('unsupported filter attribute "phonenumber" (the sandbox filters on name, trunk_group_sid)');
    expect(sandbox.trunkGroups()).toEqual([{ sid: G1, name: "TrunkGroup4" }, { sid: G2, name: "backup" }]);
  });

  it("needs the token on lists too, and serves only GET on the collections", async () => {
    expect((await call("GET", "/phonenumber/dids", { token: null })).status).toBe(401);
    const rent = await call("POST", "/phonenumber/dids", { body: {} });
    expect(rent.status).toBe(405);
    expect((await call("DELETE", "/trunk_groups")).status).toBe(405);
  });
});

describe("CarrierX sandbox: read-only tokens (a token without the update scope)", () => {
  const READ_ONLY = "sandbox-read-only-token";
  const seed = {
    trunkGroups: [{ sid: G1, name: "TrunkGroup4" }],
    dids: [{ sid: D1, phonenumber: "15162065574", trunkGroupSid: G1 }],
  };

  it("reads with a read-only token; PATCH and PUT answer 403 in CarrierX's shape and change nothing", async () => {
    const sandbox = createCarrierxSandbox({ token: TOKEN, readOnlyTokens: [READ_ONLY], seed });
    await sandbox.listen();
    try {
      const call = client(sandbox);
      expect((await call("GET", `/phonenumber/dids/${D1}`, { token: READ_ONLY })).json).toMatchObject({ trunk_group_sid: G1 });
      expect((await call("GET", "/trunk_groups", { token: READ_ONLY })).status).toBe(200);
      const before = sandbox.did(D1);
      for (const method of ["PATCH", "PUT"]) {
        const reply = await call(method, `/phonenumber/dids/${D1}`, { token: READ_ONLY, body: { trunk_group_sid: null } });
        expect(reply).toEqual({ status: 403, contentType: "application/json", json: { message: "Forbidden", errors: [] } });
      }
      // Refused on scope before the object or the body is looked at: an unknown DID or a bad body is 403 too.
      expect((await call("PATCH", `/phonenumber/dids/${MISSING}`, { token: READ_ONLY, body: {} })).status).toBe(403);
      expect((await call("PATCH", `/phonenumber/dids/${D1}`, { token: READ_ONLY, rawBody: "{" })).status).toBe(403);
      expect(sandbox.did(D1)).toEqual(before);
      // The full token still writes; any other token is still 401.
      expect((await call("PATCH", `/phonenumber/dids/${D1}`, { body: { trunk_group_sid: null } })).status).toBe(200);
      expect((await call("GET", `/phonenumber/dids/${D1}`, { token: "another-token" })).status).toBe(401);
    } finally {
      await sandbox.close();
    }
  });

  it("stays read-only when no token is required, and through the combined sandbox", async () => {
    const open = createCarrierxSandbox({ readOnlyTokens: [READ_ONLY], seed });
    await open.listen();
    try {
      const call = client(open);
      expect((await call("PATCH", `/phonenumber/dids/${D1}`, { token: READ_ONLY, body: { trunk_group_sid: null } })).status).toBe(403);
      expect((await call("PATCH", `/phonenumber/dids/${D1}`, { token: "any-token", body: { name: "x" } })).status).toBe(200);
    } finally {
      await open.close();
    }

    const combined = createSandbox({ token: TOKEN, readOnlyTokens: [READ_ONLY], seed: { carrierx: seed } });
    const { carrierx } = await combined.listen();
    try {
      const call = client({ url: carrierx } as CarrierxSandbox);
      expect((await call("GET", `/phonenumber/dids/${D1}`, { token: READ_ONLY })).status).toBe(200);
      const reply = await call("PATCH", `/phonenumber/dids/${D1}`, { token: READ_ONLY, body: { trunk_group_sid: null } });
      expect(reply).toEqual({ status: 403, contentType: "application/json", json: { message: "Forbidden", errors: [] } });
      expect(combined.carrierx.did(D1)).toMatchObject({ trunk_group_sid: G1 });
      expect(combined.carrierx.requests.map((r) => r.method)).toEqual(["GET", "PATCH"]);
    } finally {
      await combined.close();
    }
  });
});

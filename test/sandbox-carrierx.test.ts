import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

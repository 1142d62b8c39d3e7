import nock from "nock";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { configure, DidrouteError, resource } from "../provider";
import { useNock } from "./wire";

/**
Reads shared by concurrent operations (provider/batch.ts), pinned with nock: operations started together queue for
the same slot of the rate limiter and are served by one list request; an object missing from the answer is gone
for that operation alone; creates and deletes that read send their PATCH only when it changes something; a failed
request fails (or is retried for) every operation that waited for it, each with the message about its own object.
A lone operation's requests are the other wire tests' (one GET, or one PATCH).
*/
const KEY = "nock-key-shared-reads-5a1d";
const TOKEN = "nock-token-shared-reads-9c2e";
const DIDWW = "https://api.didww.com";
const CARRIERX = "https://api.carrierx.com";

const D = ["0a6f3b2c-1d4e-4f50-8a61-7b2c3d4e5f60", "1b7a4c3d-2e5f-4a61-9b72-8c3d4e5f6a71", "2c8b5d4e-3f6a-4b72-ac83-9d4e5f6a7b82"];
const TRUNK = "41b94706-325e-4704-a433-d65105758836";
const TRUNK2 = "ca7da6d0-aa0b-447d-8fc0-1bc58b51298c";
const GROUP = "714e8148-0aea-4cb6-8680-bd1d06453418";
const GROUP2 = "b2319703-ce6c-480d-bb53-614e7abcfc96";
const NUMBERS = ["4930100000001", "4930100000002", "4930100000003"];
/** Never created in this file: this process holds no claim on it (provider/claims.ts), so its delete sends requests. */
const UNCLAIMED = "6e0d9b8c-7a6f-4e5d-8c4b-3a2f1e0d9c8b";

const did = resource("didww:DidTrunkAssignment");
const members = resource("didww:TrunkGroupMembership");
const cx = resource("carrierx:DidTrunkGroupAssignment");

function useConfig(values: Record<string, string>) {
  configure({ get: (key) => values[key] ?? { "didww:apiKey": KEY, "carrierx:token": TOKEN }[key] });
}

/** A `dids` resource object as a list with both routing relationships included answers it. */
const listedDid = (i: number, routing: { trunk?: string; group?: string }) => ({
  id: D[i],
  type: "dids",
  attributes: { number: NUMBERS[i] },
  relationships: {
    voice_in_trunk: { data: routing.trunk ? { type: "voice_in_trunks", id: routing.trunk } : null },
    voice_in_trunk_group: { data: routing.group ? { type: "voice_in_trunk_groups", id: routing.group } : null },
  },
});
const list = (data: unknown[]) => ({ data, meta: { api_version: "2026-04-16", total_records: data.length }, links: {} });
const didsQuery = (ids: string[]) => ({
  "filter[id]": ids.join(","),
  include: "voice_in_trunk,voice_in_trunk_group",
  "page[number]": "1",
  "page[size]": "100",
});

/** What the provider printed on stderr while `body` ran (the host passes it to the Pulumi CLI's log). */
async function stderrOf<T>(body: () => Promise<T>): Promise<{ result: T; log: string }> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    const result = await body();
    // The adoption line is written once the creates that shared a read have all finished.
    await new Promise((resolve) => setImmediate(resolve));
    return { result, log: lines.join("") };
  } finally {
    spy.mockRestore();
  }
}

useNock();
beforeEach(() => {
  for (const name of Object.keys(process.env)) if (/^(DIDWW|CARRIERX)_/.test(name)) delete process.env[name];
  useConfig({});
});

describe("DIDWW DIDs", () => {
  it("reads started together share one filter[id] request; a DID missing from the answer is gone, for it alone", async () => {
    nock(DIDWW, { reqheaders: { "api-key": KEY } })
      .get("/v3/dids")
      .query(didsQuery(D))
      .reply(200, list([listedDid(0, { trunk: TRUNK }), listedDid(2, { group: GROUP })]));
    const reads = await Promise.all(D.map((id) => did.read(id, {})));
    expect(reads).toEqual([
      {
        id: D[0],
        props: { didId: D[0], trunkId: TRUNK, trunkGroupId: null, number: NUMBERS[0] },
        inputs: { didId: D[0], trunkId: TRUNK },
      },
      {},
      {
        id: D[2],
        props: { didId: D[2], trunkId: null, trunkGroupId: GROUP, number: NUMBERS[2] },
        inputs: { didId: D[2], trunkGroupId: GROUP },
      },
    ]);
  });

  it("creates started together read first and PATCH only the DID whose routing differs; the log names the others", async () => {
    nock(DIDWW)
      .get("/v3/dids")
      .query(didsQuery(D))
      .reply(200, list([listedDid(0, { trunk: TRUNK }), listedDid(1, { trunk: TRUNK }), listedDid(2, { group: GROUP })]))
      .patch(`/v3/dids/${D[1]}`, {
        data: {
          type: "dids",
          id: D[1],
          relationships: { voice_in_trunk: { data: { type: "voice_in_trunks", id: TRUNK2 } }, voice_in_trunk_group: { data: null } },
        },
      })
      .reply(200, { data: { id: D[1], type: "dids", attributes: { number: NUMBERS[1] } } });
    const { result, log } = await stderrOf(() =>
      Promise.all([
        did.create({ didId: D[0], trunkId: TRUNK }),
        did.create({ didId: D[1], trunkId: TRUNK2 }),
        did.create({ didId: D[2], trunkGroupId: GROUP }),
      ]),
    );
    // The outputs are the same whether a PATCH was sent or not.
    expect(result).toEqual([
      { id: D[0], outs: { didId: D[0], trunkId: TRUNK, trunkGroupId: null, number: NUMBERS[0] } },
      { id: D[1], outs: { didId: D[1], trunkId: TRUNK2, trunkGroupId: null, number: NUMBERS[1] } },
      { id: D[2], outs: { didId: D[2], trunkId: null, trunkGroupId: GROUP, number: NUMBERS[2] } },
    ]);
    expect(log).toBe(
      `pulumi-didroute: already as declared, adopted without a PATCH (2): DIDWW DID +${NUMBERS[0]}, DIDWW DID +${NUMBERS[2]}\n`,
    );

    // Adopted without a PATCH, the DIDs are still this deployment's: a rename's delete of them sends nothing.
    const deleted = await stderrOf(() => did.delete(D[0]!, { didId: D[0]!, trunkId: TRUNK, trunkGroupId: null, number: NUMBERS[0]! }));
    expect(deleted.log).toContain(`DID ${D[0]} was routed by another resource in this deployment`);
  });

  it("a create whose DID is missing from the shared answer fails, naming the DID; the others go on", async () => {
    nock(DIDWW)
      .get("/v3/dids")
      .query(didsQuery([D[0]!, D[1]!]))
      .reply(200, list([listedDid(1, { trunk: TRUNK })]));
    const { result, log } = await stderrOf(() =>
      Promise.allSettled([did.create({ didId: D[0], trunkId: TRUNK }), did.create({ didId: D[1], trunkId: TRUNK })]),
    );
    const [missing, found] = result;
    expect(log).toBe(`pulumi-didroute: already as declared, adopted without a PATCH: DIDWW DID +${NUMBERS[1]}\n`);
    expect(missing).toMatchObject({ status: "rejected" });
    expect((missing as PromiseRejectedResult).reason.message).toBe(
      `DIDWW has no DID ${D[0]} in this account (GET /v3/dids?filter[id]=${D[0]}): check the id and that it belongs to this account`,
    );
    expect(found).toEqual({ status: "fulfilled", value: { id: D[1], outs: { didId: D[1], trunkId: TRUNK, trunkGroupId: null, number: NUMBERS[1] } } });
  });

  it("deletes started together clear only the DIDs still routed: a gone one is done, an unrouted one needs nothing", async () => {
    const OTHERS = ["3d9c6e5f-4a7b-4c83-bd94-ae5f6a7b8c93", "4eab7f6a-5b8c-4d94-8ea5-bf6a7b8c9da4", "5fbc8a7b-6c9d-4ea5-9fb6-ca7b8c9daeb5"];
    nock(DIDWW)
      .get("/v3/dids")
      .query(didsQuery(OTHERS))
      .reply(200, list([{ ...listedDid(0, { trunk: TRUNK }), id: OTHERS[0] }, { ...listedDid(1, {}), id: OTHERS[1] }]))
      .patch(`/v3/dids/${OTHERS[0]}`, {
        data: { type: "dids", id: OTHERS[0], relationships: { voice_in_trunk: { data: null }, voice_in_trunk_group: { data: null } } },
      })
      .reply(200, { data: { id: OTHERS[0], type: "dids", attributes: { number: NUMBERS[0] } } });
    await Promise.all(OTHERS.map((id) => did.delete(id, { didId: id, trunkId: TRUNK, trunkGroupId: null, number: "1" })));
  });

  it("over 100 at once: 100 DIDs per request, the rest with the next slot", async () => {
    useConfig({ "didww:maxRequestsPerSecond": "0" });
    const ids = Array.from({ length: 101 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    nock(DIDWW).get("/v3/dids").query(didsQuery(ids.slice(0, 100))).reply(200, list([]));
    // The one left over is alone in its slot: the single read it always was.
    nock(DIDWW).get(`/v3/dids/${ids[100]}`).query({ include: "voice_in_trunk,voice_in_trunk_group" }).reply(404, { errors: [] });
    const reads = await Promise.all(ids.map((id) => did.read(id, {})));
    expect(reads).toEqual(ids.map(() => ({})));
  });

  it("a failed shared request is retried for all; one that keeps failing fails each, naming its own DID", async () => {
    nock(DIDWW)
      .get("/v3/dids")
      .query(didsQuery([D[0]!, D[1]!]))
      .reply(503, { errors: [{ detail: "Service Unavailable", status: "503" }] })
      .get("/v3/dids")
      .query(didsQuery([D[0]!, D[1]!]))
      .reply(200, list([listedDid(0, { trunk: TRUNK }), listedDid(1, { group: GROUP })]));
    const retried = await Promise.all([did.read(D[0]!, {}), did.read(D[1]!, {})]);
    expect(retried.map((r) => r.props)).toEqual([
      { didId: D[0], trunkId: TRUNK, trunkGroupId: null, number: NUMBERS[0] },
      { didId: D[1], trunkId: null, trunkGroupId: GROUP, number: NUMBERS[1] },
    ]);

    // A budget shorter than the first wait (0.5 s): one attempt, then each operation fails with its own message.
    useConfig({ "didww:operationTimeoutSeconds": "0.3" });
    nock(DIDWW)
      .get("/v3/dids")
      .query(didsQuery([D[0]!, D[2]!]))
      .reply(503, { errors: [{ detail: "Service Unavailable", status: "503" }] });
    const failed = await Promise.allSettled([did.read(D[0]!, {}), did.create({ didId: D[2], trunkId: TRUNK })]);
    expect(failed.map((f) => (f as PromiseRejectedResult).reason?.message)).toEqual([
      `DIDWW answered 503 to GET /v3/dids for DID ${D[0]}: Service Unavailable`,
      `DIDWW answered 503 to GET /v3/dids for DID ${D[2]}: Service Unavailable`,
    ]);
    expect((failed[0] as PromiseRejectedResult).reason).toBeInstanceOf(DidrouteError);

    // A refused key is refused for every operation that waited, and the key is in no message. (The DIDs created
    // above are claimed by this process, so the delete is of one it never set.)
    useConfig({ "didww:apiKey": "wrong-key-shared-0001" });
    nock(DIDWW)
      .get("/v3/dids")
      .query(didsQuery([D[0]!, UNCLAIMED]))
      .reply(401, { errors: [{ detail: "missing or invalid api-key", status: "401" }] });
    const refused = await Promise.allSettled([did.read(D[0]!, {}), did.delete(UNCLAIMED, { didId: UNCLAIMED, trunkId: TRUNK, trunkGroupId: null, number: "1" })]);
    for (const outcome of refused) {
      const message = (outcome as PromiseRejectedResult).reason.message as string;
      expect(message).toBe(
        'DIDWW rejected the API key (401 on GET /v3/dids): the key is missing or invalid. Set it with "pulumi config set --secret didww:apiKey <key>" or DIDWW_API_KEY.',
      );
    }
  });

  it("a list that is not there (404) is an error for every operation, never a reason to drop them from state", async () => {
    nock(DIDWW).get("/v3/dids").query(didsQuery([D[0]!, D[1]!])).reply(404, { errors: [{ detail: "Not Found", status: "404" }] });
    const outcomes = await Promise.allSettled([did.read(D[0]!, {}), did.read(D[1]!, {})]);
    for (const outcome of outcomes) {
      expect((outcome as PromiseRejectedResult).reason.message).toBe(
        "DIDWW has no /v3/dids (404 on GET /v3/dids): check didww:endpoint and didww:apiVersion",
      );
    }
  });

  it("creates by number already routed as declared send no PATCH: the lookup by number read their routing", async () => {
    nock(DIDWW)
      .get("/v3/dids")
      .query({ "filter[number]": NUMBERS[0], include: "voice_in_trunk,voice_in_trunk_group", "page[number]": "1", "page[size]": "100" })
      .reply(200, list([listedDid(0, { group: GROUP })]));
    const { result, log } = await stderrOf(() => did.create({ number: `+${NUMBERS[0]}`, trunkGroupId: GROUP }));
    expect(result).toEqual({ id: D[0], outs: { didId: D[0], trunkId: null, trunkGroupId: GROUP, number: NUMBERS[0] } });
    expect(log).toBe(`pulumi-didroute: already as declared, adopted without a PATCH: DIDWW DID +${NUMBERS[0]}\n`);
  });
});

describe("DIDWW trunk groups", () => {
  const listedGroup = (id: string, trunks: string[], type = "voice_in_trunk_groups", trunkType = "voice_in_trunks") => ({
    id,
    type,
    attributes: { name: id.slice(0, 4) },
    relationships: { [trunkType]: { data: trunks.map((t) => ({ type: trunkType, id: t })) } },
  });

  it("reads and creates started together share one filter[id] request with their trunks; only a differing set is PATCHed", async () => {
    nock(DIDWW)
      .get("/v3/voice_in_trunk_groups")
      .query({ "filter[id]": `${GROUP},${GROUP2}`, include: "voice_in_trunks", "page[number]": "1", "page[size]": "100" })
      .reply(200, list([listedGroup(GROUP, [TRUNK2, TRUNK]), listedGroup(GROUP2, [TRUNK])]))
      .patch(`/v3/voice_in_trunk_groups/${GROUP2}`, {
        data: { id: GROUP2, type: "voice_in_trunk_groups", relationships: { voice_in_trunks: { data: [] } } },
      })
      .reply(200, { data: { id: GROUP2, type: "voice_in_trunk_groups", attributes: {} } });
    const { result } = await stderrOf(() =>
      Promise.all([members.create({ trunkGroupId: GROUP, trunkIds: [TRUNK, TRUNK2] }), members.create({ trunkGroupId: GROUP2, trunkIds: [] })]),
    );
    expect(result).toEqual([
      { id: GROUP, outs: { trunkGroupId: GROUP, trunkIds: [TRUNK, TRUNK2] } },
      { id: GROUP2, outs: { trunkGroupId: GROUP2, trunkIds: [] } },
    ]);
  });

  it("speaks the pre-2021-12-15 names in the shared request", async () => {
    useConfig({ "didww:apiVersion": "2021-04-19" });
    nock(DIDWW)
      .get("/v3/trunk_groups")
      .query({ "filter[id]": `${GROUP},${GROUP2}`, include: "trunks", "page[number]": "1", "page[size]": "100" })
      .reply(200, list([listedGroup(GROUP, [TRUNK], "trunk_groups", "trunks")]));
    const reads = await Promise.all([members.read(GROUP, { trunkIds: [TRUNK] }), members.read(GROUP2, {})]);
    expect(reads).toEqual([{ id: GROUP, props: { trunkGroupId: GROUP, trunkIds: [TRUNK] }, inputs: { trunkGroupId: GROUP, trunkIds: [TRUNK] } }, {}]);
  });
});

describe("CarrierX DIDs", () => {
  const S = ["6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "7b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e", "8c3d4e5f-6a7b-4c8d-ae9f-1a2b3c4d5e6f"];
  const CX_GROUP = "c7eae0b4-5eda-4964-8998-d514903b4af0";
  const CX_GROUP2 = "e74fcf6a-bb8d-4ee0-9980-bdc24a728b9a";
  const item = (i: number, trunkGroupSid: string | null) => ({ did_sid: S[i], phonenumber: `1516206557${i}`, trunk_group_sid: trunkGroupSid });
  const page = (items: unknown[]) => ({ count: items.length, has_more: false, items, limit: 1000, offset: 0, pagination: {}, total: items.length });

  it("reads and creates started together share the partner's list; a DID it lacks is gone, only a differing one is PATCHed", async () => {
    nock(CARRIERX, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get("/core/v2/phonenumber/dids")
      .query({ limit: "1000", offset: "0" })
      .reply(200, page([item(0, CX_GROUP), item(1, CX_GROUP), { did_sid: "9d4e5f6a-7b8c-4d9e-bfa0-2b3c4d5e6f7a", phonenumber: "15550000000", trunk_group_sid: null }]))
      .patch(`/core/v2/phonenumber/dids/${S[1]}`, `{"trunk_group_sid":"${CX_GROUP2}"}`)
      .reply(200, item(1, CX_GROUP2));
    const { result, log } = await stderrOf(() =>
      Promise.all([
        cx.read(S[2]!, {}),
        cx.create({ didSid: S[0], trunkGroupSid: CX_GROUP }),
        cx.create({ didSid: S[1], trunkGroupSid: CX_GROUP2 }),
      ]),
    );
    expect(result).toEqual([
      {},
      { id: S[0], outs: { didSid: S[0], trunkGroupSid: CX_GROUP, phonenumber: "15162065570" } },
      { id: S[1], outs: { didSid: S[1], trunkGroupSid: CX_GROUP2, phonenumber: "15162065571" } },
    ]);
    expect(log).toBe("pulumi-didroute: already as declared, adopted without a PATCH: CarrierX DID +15162065570\n");
  });

  it("a DID a listing of several pages did not show is looked up on its own before it counts as gone", async () => {
    // Three reads share the listing. Between its two pages a DID ahead of S[1] is released, so the second page starts
    // one further on and S[1] falls between them. Its own lookup finds it, and its read keeps it in state.
    const more = (items: unknown[], offset: number, hasMore: boolean) => ({ ...page(items), has_more: hasMore, offset, total: 3 });
    nock(CARRIERX)
      .get("/core/v2/phonenumber/dids")
      .query({ limit: "1000", offset: "0" })
      .reply(200, more([item(0, CX_GROUP)], 0, true))
      .get("/core/v2/phonenumber/dids")
      .query({ limit: "1000", offset: "1" })
      .reply(200, more([item(2, null)], 1, false))
      .get("/core/v2/phonenumber/dids")
      .query({ limit: "1000", offset: "0", filter: `did_sid eq "${S[1]}"` })
      .reply(200, page([item(1, CX_GROUP2)]));
    const read = await Promise.all(S.map((sid) => cx.read(sid, {})));
    expect(read.map((r) => (r.props === undefined ? "gone" : r.props["trunkGroupSid"]))).toEqual([CX_GROUP, CX_GROUP2, null]);
  });

  it("a refused list fails every operation that waited, each naming its DID, never the token", async () => {
    nock(CARRIERX).get("/core/v2/phonenumber/dids").query({ limit: "1000", offset: "0" }).reply(403, { message: "Forbidden", errors: [] });
    // S[2] was only read above, so this process holds no claim on it and its delete reads.
    const outcomes = await Promise.allSettled([cx.read(S[0]!, {}), cx.delete(S[2]!, { didSid: S[2]!, trunkGroupSid: CX_GROUP, phonenumber: "1" })]);
    expect(outcomes.map((o) => (o as PromiseRejectedResult).reason.message)).toEqual(
      [S[0], S[2]].map(
        (sid) =>
          `CarrierX refused GET /core/v2/phonenumber/dids for DID ${sid} (403: Forbidden): the token lacks the ` +
          "phonenumber.read (or phonenumber.manage) scope, or the DID belongs to another partner",
      ),
    );
    for (const o of outcomes) expect(JSON.stringify((o as PromiseRejectedResult).reason) + (o as PromiseRejectedResult).reason.message).not.toContain(TOKEN);
  });
});

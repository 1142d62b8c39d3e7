import nock from "nock";
import { beforeEach, describe, expect, it } from "vitest";
import { resource } from "../provider";
import { useConfig, useNock } from "./wire";

/**
The exact requests DIDWW documents, pinned with nock for both API generations (reference: didww-api.md §3.3, §5.4,
Examples A2–A4), and the errors a person reads.
*/
const KEY = "nock-key-7d2e4f";
const BASE = "https://api.didww.com";
const DID = "9df99644-f1a5-4a3c-99a4-559d758eb96b";
const TRUNK = "41b94706-325e-4704-a433-d65105758836";
const GROUP = "714e8148-0aea-4cb6-8680-bd1d06453418";
const TRUNK2 = "ca7da6d0-aa0b-447d-8fc0-1bc58b51298c";
// Never created or updated in this file, so this process holds no claim on them (see provider/claims.ts).
const OTHER_DID = "2a0c5e1e-8f5b-4d0e-9d8a-1f6a2b3c4d5e";
const OTHER_GROUP = "b2319703-ce6c-480d-bb53-614e7abcfc96";

const did = resource("didww:DidTrunkAssignment");
const members = resource("didww:TrunkGroupMembership");

const didDocument = (relationships: Record<string, unknown> = {}) => ({
  data: { id: DID, type: "dids", attributes: { number: "16091609123456797" }, relationships },
  meta: { api_version: "2026-04-16" },
});

function headers(version: string) {
  return {
    reqheaders: {
      "content-type": "application/vnd.api+json",
      accept: "application/vnd.api+json",
      "api-key": KEY,
      "x-didww-api-version": version,
    },
  };
}

useNock();
beforeEach(() => {
  delete process.env["DIDWW_API_KEY"];
  delete process.env["DIDWW_ENDPOINT"];
  delete process.env["DIDWW_API_VERSION"];
});

describe.each([
  {
    version: "2026-04-16",
    trunk: "voice_in_trunk",
    trunkType: "voice_in_trunks",
    group: "voice_in_trunk_group",
    groupType: "voice_in_trunk_groups",
    groupTrunks: "voice_in_trunks",
  },
  {
    version: "2021-04-19",
    trunk: "trunk",
    trunkType: "trunks",
    group: "trunk_group",
    groupType: "trunk_groups",
    groupTrunks: "trunks",
  },
])("DIDWW API $version", ({ version, trunk, trunkType, group, groupType, groupTrunks }) => {
  beforeEach(() => useConfig({ "didww:apiKey": KEY, "didww:apiVersion": version }));

  it("routes a DID to a trunk and sends the trunk group as null in the same PATCH", async () => {
    nock(BASE, headers(version))
      .patch(`/v3/dids/${DID}`, {
        data: {
          type: "dids",
          id: DID,
          relationships: { [trunk]: { data: { type: trunkType, id: TRUNK } }, [group]: { data: null } },
        },
      })
      .reply(200, didDocument());
    const result = await did.create({ didId: DID, trunkId: TRUNK });
    expect(result).toEqual({
      id: DID,
      outs: { didId: DID, trunkId: TRUNK, trunkGroupId: null, number: "16091609123456797" },
    });
  });

  it("switches a DID from its trunk to a trunk group, nulling the trunk", async () => {
    nock(BASE, headers(version))
      .patch(`/v3/dids/${DID}`, {
        data: {
          type: "dids",
          id: DID,
          relationships: { [group]: { data: { type: groupType, id: GROUP } }, [trunk]: { data: null } },
        },
      })
      .reply(200, didDocument());
    const olds = { didId: DID, trunkId: TRUNK, trunkGroupId: null, number: "16091609123456797" };
    const news = { didId: DID, trunkGroupId: GROUP };
    expect(await did.diff(DID, olds, news)).toEqual({ changes: true });
    expect((await did.update(DID, olds, news)).outs).toMatchObject({ trunkId: null, trunkGroupId: GROUP });
  });

  it("clears both relationships on delete", async () => {
    nock(BASE, headers(version))
      .patch(`/v3/dids/${OTHER_DID}`, {
        data: { type: "dids", id: OTHER_DID, relationships: { [trunk]: { data: null }, [group]: { data: null } } },
      })
      .reply(200, didDocument());
    await did.delete(OTHER_DID, { didId: OTHER_DID, trunkId: TRUNK, trunkGroupId: null, number: "1" });
  });

  it("replaces a trunk group's whole membership, and clears it with []", async () => {
    const body = (trunkIds: string[]) => ({
      data: {
        id: GROUP,
        type: groupType,
        relationships: { [groupTrunks]: { data: trunkIds.map((id) => ({ type: trunkType, id })) } },
      },
    });
    const answer = { data: { id: GROUP, type: groupType, attributes: {}, meta: { trunks_count: 0 } } };
    nock(BASE, headers(version))
      .patch(`/v3/${groupType}/${GROUP}`, body([TRUNK, TRUNK2]))
      .reply(200, answer)
      .patch(`/v3/${groupType}/${GROUP}`, body([]))
      .reply(200, answer);
    const created = await members.create({ trunkGroupId: GROUP, trunkIds: [TRUNK, TRUNK2] });
    expect(created).toEqual({ id: GROUP, outs: { trunkGroupId: GROUP, trunkIds: [TRUNK, TRUNK2] } });
    const updated = await members.update(GROUP, created.outs, { trunkGroupId: GROUP, trunkIds: [] });
    expect(updated.outs).toEqual({ trunkGroupId: GROUP, trunkIds: [] });
  });

  it("empties a group on delete", async () => {
    // A group no create or update of this process touched: what a later `pulumi destroy` sees.
    nock(BASE, headers(version))
      .patch(`/v3/${groupType}/${OTHER_GROUP}`, {
        data: { id: OTHER_GROUP, type: groupType, relationships: { [groupTrunks]: { data: [] } } },
      })
      .reply(200, { data: { id: OTHER_GROUP, type: groupType, attributes: {}, meta: { trunks_count: 0 } } });
    await members.delete(OTHER_GROUP, { trunkGroupId: OTHER_GROUP, trunkIds: [TRUNK] });
  });

  it("reads routing with both relationships included", async () => {
    nock(BASE, headers(version))
      .get(`/v3/dids/${DID}`)
      .query({ include: `${trunk},${group}` })
      .reply(200, didDocument({ [trunk]: { data: null }, [group]: { data: { type: groupType, id: GROUP } } }));
    expect(await did.read(DID, {})).toEqual({
      id: DID,
      props: { didId: DID, trunkId: null, trunkGroupId: GROUP, number: "16091609123456797" },
      inputs: { didId: DID, trunkGroupId: GROUP },
    });
  });
});

describe("DIDWW DIDs declared by number", () => {
  beforeEach(() => useConfig({ "didww:apiKey": KEY }));
  const D2 = "44957076-778a-4802-b60c-d22db0cda284";
  const D3 = "e2a1b3c4-5d6e-4f70-8192-a3b4c5d6e7f8";
  const listed = (id: string, number: string) => ({
    id,
    type: "dids",
    attributes: { number },
    relationships: { voice_in_trunk: { data: null }, voice_in_trunk_group: { data: null } },
  });

  it("concurrent creates share one filter[number] lookup, then send one PATCH each", async () => {
    const numbers = ["16091609123456797", "442037691880", "493012345678"];
    nock(BASE, headers("2026-04-16"))
      .get("/v3/dids")
      .query({
        "filter[number]": numbers.join(","),
        include: "voice_in_trunk,voice_in_trunk_group",
        "page[number]": "1",
        "page[size]": "100",
      })
      .reply(200, {
        data: [listed(DID, numbers[0]!), listed(D2, numbers[1]!), listed(D3, numbers[2]!)],
        meta: { api_version: "2026-04-16", total_records: 3 },
        links: {},
      });
    for (const [id, number] of [[DID, numbers[0]], [D2, numbers[1]], [D3, numbers[2]]] as const) {
      nock(BASE).patch(`/v3/dids/${id}`).reply(200, { data: { id, type: "dids", attributes: { number } } });
    }
    const created = await Promise.all(numbers.map((number) => did.create({ number: `+${number}`, trunkId: TRUNK })));
    expect(created.map((c) => [c.id, c.outs.didId, c.outs.number])).toEqual([
      [DID, DID, numbers[0]],
      [D2, D2, numbers[1]],
      [D3, D3, numbers[2]],
    ]);
  });

  it("a number the account does not have fails the create, naming it, and sends no PATCH", async () => {
    nock(BASE)
      .get("/v3/dids")
      .query(true)
      .reply(200, { data: [], meta: { api_version: "2026-04-16", total_records: 0 }, links: {} });
    await expect(did.create({ number: "+4930000001", trunkId: TRUNK })).rejects.toThrow(
      "DIDWW has no DID with the number +4930000001 in this account (GET /v3/dids?filter[number]=4930000001)",
    );
  });
});

describe("DIDWW errors", () => {
  beforeEach(() => useConfig({ "didww:apiKey": KEY }));

  it("401: says the key is missing or invalid, and never shows it", async () => {
    nock(BASE)
      .patch(`/v3/dids/${DID}`)
      .reply(401, { errors: [{ title: "Unauthorized", detail: "missing or invalid api-key", code: "401", status: "401" }] });
    const error = await did.create({ didId: DID, trunkId: TRUNK }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      `DIDWW rejected the API key (401 on PATCH /v3/dids/${DID}): the key is missing or invalid. ` +
        'Set it with "pulumi config set --secret didww:apiKey <key>" or DIDWW_API_KEY.',
    );
    expect(JSON.stringify(error)).not.toContain(KEY);
    expect(String((error as Error).stack)).not.toContain(KEY);
  });

  it("404: names the missing DID or trunk group", async () => {
    const notFound = (id: string) => ({
      errors: [{ title: "Record not found", detail: `The record identified by ${id} could not be found.`, code: "404", status: "404" }],
    });
    nock(BASE).patch(`/v3/dids/${DID}`).reply(404, notFound(DID));
    nock(BASE).patch(`/v3/voice_in_trunk_groups/${GROUP}`).reply(404, notFound(GROUP));
    await expect(did.create({ didId: DID, trunkId: TRUNK })).rejects.toThrow(
      `DIDWW has no DID ${DID} (404 on PATCH /v3/dids/${DID}): check the id and that it belongs to this account`,
    );
    await expect(members.create({ trunkGroupId: GROUP, trunkIds: [] })).rejects.toThrow(
      `DIDWW has no trunk group ${GROUP} (404 on PATCH /v3/voice_in_trunk_groups/${GROUP})`,
    );
  });

  it("404 on read means gone, and on delete means already done", async () => {
    nock(BASE).get(`/v3/dids/${DID}`).query(true).reply(404, { errors: [{ detail: "not found", status: "404" }] });
    nock(BASE).get(`/v3/voice_in_trunk_groups/${GROUP}`).query(true).reply(404, { errors: [] });
    nock(BASE).patch(`/v3/dids/${OTHER_DID}`).reply(404, { errors: [] });
    expect(await did.read(DID, {})).toEqual({});
    expect(await members.read(GROUP, {})).toEqual({});
    await did.delete(OTHER_DID, { didId: OTHER_DID, trunkId: TRUNK, trunkGroupId: null, number: "1" });
  });

  it("422: shows DIDWW's detail and source.pointer", async () => {
    nock(BASE)
      .patch(`/v3/voice_in_trunk_groups/${GROUP}`)
      .reply(422, {
        errors: [
          { title: "are invalid", detail: "trunk_ids - are invalid", code: "100", source: { pointer: "/data/attributes/trunk_ids" }, status: "422" },
        ],
      });
    await expect(members.create({ trunkGroupId: GROUP, trunkIds: [TRUNK] })).rejects.toThrow(
      `DIDWW refused PATCH /v3/voice_in_trunk_groups/${GROUP} for trunk group ${GROUP} (422): ` +
        "trunk_ids - are invalid (at /data/attributes/trunk_ids)",
    );
  });

  it("a network failure names the endpoint and the request, not the key", async () => {
    useConfig({ "didww:apiKey": KEY, "didww:endpoint": "http://127.0.0.1:9/v3", "didww:operationTimeoutSeconds": "0.4" });
    nock.enableNetConnect("127.0.0.1:9");
    const error = (await did.create({ didId: DID, trunkId: TRUNK }).catch((e: Error) => e)) as Error;
    nock.disableNetConnect();
    expect(error.message).toMatch(new RegExp(`^DIDWW PATCH /v3/dids/${DID} failed before an answer arrived: ECONNREFUSED`));
    expect(error.message).not.toContain(KEY);
  });
});

describe("DIDWW settings", () => {
  it("config wins over the environment, the environment over the defaults", async () => {
    process.env["DIDWW_API_KEY"] = "env-key";
    process.env["DIDWW_ENDPOINT"] = "https://env.example.com/v3";
    process.env["DIDWW_API_VERSION"] = "2022-05-10";
    useConfig({ "didww:apiKey": KEY });
    nock("https://env.example.com", { reqheaders: { "api-key": KEY, "x-didww-api-version": "2022-05-10" } })
      .get(`/v3/dids/${DID}`)
      .query(true)
      .reply(200, didDocument({ voice_in_trunk: { data: null }, voice_in_trunk_group: { data: null } }));
    await did.read(DID, {});
  });

  it("refuses plain http except on loopback, and a version that is not a date, naming the setting", async () => {
    useConfig({ "didww:apiKey": KEY, "didww:endpoint": "http://api.didww.com/v3" });
    await expect(did.read(DID, {})).rejects.toThrow('didww:endpoint must use https (plain http is accepted only for 127.0.0.1/localhost), got "http://api.didww.com"');
    useConfig({ "didww:apiKey": KEY, "didww:apiVersion": "latest" });
    await expect(did.read(DID, {})).rejects.toThrow('didww:apiVersion must be a DIDWW API version date such as 2026-04-16, got "latest"');
    useConfig({});
    await expect(did.read(DID, {})).rejects.toThrow('DIDWW API key is not set: run "pulumi config set --secret didww:apiKey <key>" or set DIDWW_API_KEY');
  });
});

describe("rename safety inside one provider process", () => {
  beforeEach(() => useConfig({ "didww:apiKey": KEY }));

  it("a delete after a create of the same DID in this process sends nothing", async () => {
    const THIRD = "3b0c5e1e-8f5b-4d0e-9d8a-1f6a2b3c4d5f";
    nock(BASE).patch(`/v3/dids/${THIRD}`).reply(200, didDocument());
    await did.create({ didId: THIRD, trunkId: TRUNK });
    // No interceptor is left: a PATCH here would fail the test with nock's no-match answer.
    await did.delete(THIRD, { didId: THIRD, trunkId: TRUNK, trunkGroupId: null, number: "1" });
  });
});

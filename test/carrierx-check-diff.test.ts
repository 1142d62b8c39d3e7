import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resource } from "../provider";

/** check and diff decide what a preview shows; they must never touch the network (nock refuses it here). */
const DID = "e8df62d5-07a3-4189-a67e-87585067c5fe";
const DID2 = "2a0c5e1e-8f5b-4d0e-9d8a-1f6a2b3c4d5e";
const GROUP = "c7eae0b4-5eda-4964-8998-d514903b4af0";
const GROUP2 = "e74fcf6a-bb8d-4ee0-9980-bdc24a728b9a";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const assignment = resource("carrierx:DidTrunkGroupAssignment");

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.restore());

describe("DidTrunkGroupAssignment check", () => {
  it("lower-cases sids and passes __provider through untouched", async () => {
    expect(await assignment.check({}, { didSid: DID.toUpperCase(), trunkGroupSid: GROUP.toUpperCase(), __provider: "p" })).toEqual({
      inputs: { didSid: DID, trunkGroupSid: GROUP },
    });
  });

  it.each([
    [{ didSid: "15162065574", trunkGroupSid: GROUP }, "didSid", 'didSid must be a CarrierX DID sid (a UUID), got "15162065574"'],
    [{ didSid: "", trunkGroupSid: GROUP }, "didSid", "didSid is required: the CarrierX DID sid (a UUID)"],
    [{ trunkGroupSid: GROUP }, "didSid", 'didSid is required: the CarrierX DID sid (a UUID); or set number instead (E.164, e.g. "+442037691880")'],
    [{ didSid: DID, number: "+15162065574", trunkGroupSid: GROUP }, "number", "set didSid or number, not both: both name the DID"],
    [
      { number: "1516 206 5574", trunkGroupSid: GROUP },
      "number",
      'number must be in E.164 form: "+", the country code and the number, digits only (e.g. "+442037691880"), got "1516 206 5574"',
    ],
    [{ didSid: 42, trunkGroupSid: GROUP }, "didSid", "didSid must be a CarrierX DID sid (a UUID), got 42"],
    [{ didSid: DID }, "trunkGroupSid", "trunkGroupSid is required: the CarrierX trunk group sid (a UUID)"],
    [{ didSid: DID, trunkGroupSid: null }, "trunkGroupSid", "trunkGroupSid is required: the CarrierX trunk group sid (a UUID)"],
    [
      { didSid: DID, trunkGroupSid: { sid: GROUP } },
      "trunkGroupSid",
      "trunkGroupSid must be a CarrierX trunk group sid (a UUID), got an object",
    ],
    [
      { didSid: DID, trunkGroupSid: GROUP, trunkGroupId: GROUP },
      "trunkGroupId",
      'DidTrunkGroupAssignment has no property "trunkGroupId"; it takes didSid, number, trunkGroupSid',
    ],
  ])("rejects %j naming %s", async (news, property, reason) => {
    expect(await assignment.check({}, news)).toEqual({ failures: [{ property, reason }] });
  });

  it("reports every failure at once", async () => {
    expect(await assignment.check({}, { didSid: "x", phonenumber: "15162065574" })).toEqual({
      failures: [
        { property: "phonenumber", reason: 'DidTrunkGroupAssignment has no property "phonenumber"; it takes didSid, number, trunkGroupSid' },
        { property: "didSid", reason: 'didSid must be a CarrierX DID sid (a UUID), got "x"' },
        { property: "trunkGroupSid", reason: "trunkGroupSid is required: the CarrierX trunk group sid (a UUID)" },
      ],
    });
  });

  it("accepts unknown values during preview", async () => {
    expect(await assignment.check({}, { didSid: UNKNOWN, trunkGroupSid: UNKNOWN })).toEqual({
      inputs: { didSid: UNKNOWN, trunkGroupSid: UNKNOWN },
    });
  });
});

describe("DidTrunkGroupAssignment diff", () => {
  const olds = { didSid: DID, trunkGroupSid: GROUP, phonenumber: "15162065574" };
  it.each([
    ["the same trunk group", { didSid: DID, trunkGroupSid: GROUP }, { changes: false }],
    ["another trunk group", { didSid: DID, trunkGroupSid: GROUP2 }, { changes: true }],
    ["an unknown trunk group", { didSid: DID, trunkGroupSid: UNKNOWN }, { changes: true }],
    ["another DID", { didSid: DID2, trunkGroupSid: GROUP }, { changes: true, replaces: ["didSid"] }],
    ["another DID and trunk group", { didSid: DID2, trunkGroupSid: GROUP2 }, { changes: true, replaces: ["didSid"] }],
    ["an unknown DID", { didSid: UNKNOWN, trunkGroupSid: GROUP }, { changes: true, replaces: ["didSid"] }],
    ["the same DID by its number", { number: "+15162065574", trunkGroupSid: GROUP }, { changes: false }],
    ["the same DID by its number, another group", { number: "+15162065574", trunkGroupSid: GROUP2 }, { changes: true }],
    ["another number", { number: "+15162065575", trunkGroupSid: GROUP }, { changes: true, replaces: ["number"] }],
  ])("%s", async (_name, news, expected) => {
    expect(await assignment.diff(DID, olds, news)).toEqual(expected);
  });

  it("sees drift recorded by refresh: a trunk group cleared or changed by hand", async () => {
    const news = { didSid: DID, trunkGroupSid: GROUP };
    expect(await assignment.diff(DID, { ...olds, trunkGroupSid: null }, news)).toEqual({ changes: true });
    expect(await assignment.diff(DID, { ...olds, trunkGroupSid: GROUP2 }, news)).toEqual({ changes: true });
  });
});

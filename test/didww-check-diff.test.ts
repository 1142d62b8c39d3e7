import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resource } from "../provider";

/** check and diff decide what a preview shows; they must never touch the network (nock refuses it here). */
const DID = "9df99644-f1a5-4a3c-99a4-559d758eb96b";
const TRUNK = "41b94706-325e-4704-a433-d65105758836";
const TRUNK2 = "ca7da6d0-aa0b-447d-8fc0-1bc58b51298c";
const GROUP = "714e8148-0aea-4cb6-8680-bd1d06453418";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const did = resource("didww:DidTrunkAssignment");
const members = resource("didww:TrunkGroupMembership");

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.restore());

describe("DidTrunkAssignment check", () => {
  it("accepts a trunk or a group, lower-cases ids, and passes __provider through untouched", async () => {
    expect(await did.check({}, { didId: DID.toUpperCase(), trunkId: TRUNK, __provider: "p" })).toEqual({
      inputs: { didId: DID, trunkId: TRUNK },
    });
    expect(await did.check({}, { didId: DID, trunkGroupId: GROUP })).toEqual({ inputs: { didId: DID, trunkGroupId: GROUP } });
  });

  it.each([
    [{ didId: "123", trunkId: TRUNK }, "didId", 'didId must be a DIDWW DID id (a UUID), got "123"'],
    [{ didId: "", trunkId: TRUNK }, "didId", "didId is required: the DIDWW DID id (a UUID)"],
    [{ trunkId: TRUNK }, "didId", 'didId is required: the DIDWW DID id (a UUID); or set number instead (E.164, e.g. "+442037691880")'],
    [{ didId: 42, trunkId: TRUNK }, "didId", "didId must be a DIDWW DID id (a UUID), got 42"],
    [{ didId: DID }, "trunkId", "one of trunkId or trunkGroupId is required"],
    [
      { didId: DID, trunkId: TRUNK, trunkGroupId: GROUP },
      "trunkGroupId",
      "set exactly one of trunkId or trunkGroupId: DIDWW routes a DID to a trunk or a trunk group, never both",
    ],
    [{ didId: DID, number: "+16091609123456797", trunkId: TRUNK }, "number", "set didId or number, not both: both name the DID"],
    [
      { number: "16091609123456797", trunkId: TRUNK },
      "number",
      'number must be in E.164 form: "+", the country code and the number, digits only (e.g. "+442037691880"), got "16091609123456797"',
    ],
    [
      { number: 16091609123456797, trunkId: TRUNK },
      "number",
      'number must be in E.164 form: "+", the country code and the number, digits only (e.g. "+442037691880"), got 16091609123456796',
    ],
    [{ didId: DID, trunkId: "" }, "trunkId", "trunkId is required: the DIDWW voice in trunk id (a UUID)"],
    [{ didId: DID, trunkGroupId: ["x"] }, "trunkGroupId", "trunkGroupId must be a DIDWW voice in trunk group id (a UUID), got a list"],
    [
      { didId: DID, trunkId: TRUNK, trunk: TRUNK },
      "trunk",
      'DidTrunkAssignment has no property "trunk"; it takes didId, number, trunkId, trunkGroupId',
    ],
  ])("rejects %j naming %s", async (news, property, reason) => {
    expect(await did.check({}, news)).toEqual({ failures: [{ property, reason }] });
  });

  it("accepts a number in place of the DID id, kept as written", async () => {
    expect(await did.check({}, { number: "+16091609123456797", trunkGroupId: GROUP })).toEqual({
      inputs: { number: "+16091609123456797", trunkGroupId: GROUP },
    });
  });

  it("accepts unknown values during preview, even beside the other target", async () => {
    expect(await did.check({}, { didId: UNKNOWN, trunkId: UNKNOWN })).toEqual({ inputs: { didId: UNKNOWN, trunkId: UNKNOWN } });
    expect((await did.check({}, { didId: DID, trunkId: UNKNOWN, trunkGroupId: GROUP })).failures).toBeUndefined();
  });
});

describe("DidTrunkAssignment diff", () => {
  const olds = { didId: DID, trunkId: TRUNK, trunkGroupId: null, number: "1" };
  it.each([
    ["the same trunk", { didId: DID, trunkId: TRUNK }, { changes: false }],
    ["another trunk", { didId: DID, trunkId: TRUNK2 }, { changes: true }],
    ["a group instead of the trunk", { didId: DID, trunkGroupId: GROUP }, { changes: true }],
    ["an unknown trunk", { didId: DID, trunkId: UNKNOWN }, { changes: true }],
    ["another DID", { didId: "2a0c5e1e-8f5b-4d0e-9d8a-1f6a2b3c4d5e", trunkId: TRUNK }, { changes: true, replaces: ["didId"] }],
    ["the same DID by its number", { number: "+1", trunkId: TRUNK }, { changes: false }],
    ["the same DID by its number, another trunk", { number: "+1", trunkId: TRUNK2 }, { changes: true }],
    ["another number", { number: "+2", trunkId: TRUNK }, { changes: true, replaces: ["number"] }],
    ["an unknown number", { number: UNKNOWN, trunkId: TRUNK }, { changes: true, replaces: ["number"] }],
    ["an unknown DID", { didId: UNKNOWN, trunkId: TRUNK }, { changes: true, replaces: ["didId"] }],
  ])("%s", async (_name, news, expected) => {
    expect(await did.diff(DID, olds, news)).toEqual(expected);
  });

  it("sees drift recorded by refresh (a group set by hand next to the declared trunk)", async () => {
    expect(await did.diff(DID, { ...olds, trunkId: null, trunkGroupId: GROUP }, { didId: DID, trunkId: TRUNK })).toEqual({ changes: true });
  });
});

describe("TrunkGroupMembership check and diff", () => {
  it("accepts an empty list and unknown members", async () => {
    expect(await members.check({}, { trunkGroupId: GROUP, trunkIds: [] })).toEqual({ inputs: { trunkGroupId: GROUP, trunkIds: [] } });
    expect(await members.check({}, { trunkGroupId: GROUP, trunkIds: UNKNOWN })).toEqual({
      inputs: { trunkGroupId: GROUP, trunkIds: [UNKNOWN] },
    });
  });

  it.each([
    [{ trunkGroupId: GROUP }, "trunkIds", "trunkIds is required: the list of voice in trunk ids of the group ([] removes every trunk)"],
    [{ trunkGroupId: GROUP, trunkIds: TRUNK }, "trunkIds", `trunkIds must be a list of voice in trunk ids, got "${TRUNK}"`],
    [{ trunkGroupId: GROUP, trunkIds: [TRUNK, "nope"] }, "trunkIds[1]", 'trunkIds[1] must be a DIDWW voice in trunk id (a UUID), got "nope"'],
    [
      { trunkGroupId: GROUP, trunkIds: [TRUNK, TRUNK2, TRUNK.toUpperCase()] },
      "trunkIds[2]",
      `trunk ${TRUNK} is listed twice (also at trunkIds[0])`,
    ],
    [{ trunkIds: [] }, "trunkGroupId", "trunkGroupId is required: the DIDWW voice in trunk group id (a UUID)"],
  ])("rejects %j naming %s", async (news, property, reason) => {
    expect(await members.check({}, news)).toEqual({ failures: [{ property, reason }] });
  });

  it("compares members as a set", async () => {
    const olds = { trunkGroupId: GROUP, trunkIds: [TRUNK, TRUNK2] };
    expect(await members.diff(GROUP, olds, { trunkGroupId: GROUP, trunkIds: [TRUNK2, TRUNK] })).toEqual({ changes: false });
    expect(await members.diff(GROUP, olds, { trunkGroupId: GROUP, trunkIds: [TRUNK] })).toEqual({ changes: true });
    expect(await members.diff(GROUP, olds, { trunkGroupId: GROUP, trunkIds: [] })).toEqual({ changes: true });
    expect(await members.diff(GROUP, olds, { trunkGroupId: GROUP, trunkIds: [TRUNK, UNKNOWN] })).toEqual({ changes: true });
    expect(await members.diff(GROUP, olds, { trunkGroupId: DID, trunkIds: [TRUNK, TRUNK2] })).toEqual({
      changes: true,
      replaces: ["trunkGroupId"],
    });
  });
});

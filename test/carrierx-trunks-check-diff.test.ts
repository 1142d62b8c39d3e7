import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resource } from "../provider";

/** check and diff of TrunkGroup and Trunk decide what a preview shows; they never touch the network. */
const GROUP = "c7eae0b4-5eda-4964-8998-d514903b4af0";
const GROUP2 = "e74fcf6a-bb8d-4ee0-9980-bdc24a728b9a";
const TRUNK = "fd97153a-e466-4de6-9484-c3d4dde72b85";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const trunkGroup = resource("carrierx:TrunkGroup");
const trunk = resource("carrierx:Trunk");

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.restore());

/** A group as CarrierX holds it after a create that declared only its name: CarrierX's defaults everywhere else. */
const groupState = {
  trunkGroupSid: GROUP,
  partnerSid: "ed437757-002d-4ecc-aa5a-efdf5e50dba0",
  name: "us-east",
  routingType: "failover",
  hardFailureCodes: "408;",
  hardFailureCooldown: 120,
  hardFailureInterval: 60,
  hardFailureLastResort: "first",
  hardFailureThreshold: 3,
  sipOptionsThreshold: 3,
  softFailureCodes: "408;",
};

const trunkState = {
  trunkSid: TRUNK,
  trunkGroupSid: GROUP,
  name: "pbx-a",
  allowForward: "disabled",
  allowTransfer: false,
  asnMode: "disable",
  callType: "regular",
  codec: null,
  endpointSid: null,
  inCapacity: 0,
  inIdentityFormat: "passthrough",
  inIdentityMode: "passthrough",
  inRfc4694Mode: "cut_all",
  locationSid: null,
  outCapacity: 0,
  outIdentityMode: "passthrough",
  outRfc4694Mode: "cut_all",
  priority: 0,
  weight: 0,
};

describe("TrunkGroup check", () => {
  it("keeps exactly the declared fields (and adopt), passing __provider through untouched", async () => {
    expect(await trunkGroup.check({}, { name: "us-east", hardFailureThreshold: 5, adopt: true, __provider: "p" })).toEqual({
      inputs: { name: "us-east", hardFailureThreshold: 5, adopt: true },
    });
  });

  it.each([
    [{ name: null }, "name", "name is required: the trunk group's name; by it create finds an existing one"],
    [{}, "name", "name is required: the trunk group's name; by it create finds an existing one"],
    [{ name: "" }, "name", 'name must be a non-empty string (the trunk group\'s name), got ""'],
    [{ name: "a", hardFailureThreshold: 2.5 }, "hardFailureThreshold", "hardFailureThreshold must be a whole number from 0 to 2147483647 (failures), got 2.5"],
    [{ name: "a", hardFailureCooldown: -1 }, "hardFailureCooldown", "hardFailureCooldown must be a whole number from 0 to 2147483647 (seconds), got -1"],
    [{ name: "a", hardFailureInterval: "60" }, "hardFailureInterval", 'hardFailureInterval must be a whole number from 0 to 2147483647 (seconds), got "60"'],
    [
      { name: "a", hardFailureLastResort: "reject500" },
      "hardFailureLastResort",
      'hardFailureLastResort must be one of first, reject502, reject503 (what happens when every trunk has failed), got "reject500"',
    ],
    [
      { name: "a", hardFailureCodes: "408,503" },
      "hardFailureCodes",
      'hardFailureCodes must be SIP status codes each followed by ";" (e.g. "408;503;") (SIP codes that count as a hard failure), got "408,503"',
    ],
    [
      { name: "a", sipOptionsThreshold: null },
      "sipOptionsThreshold",
      "sipOptionsThreshold must be a whole number from 0 to 2147483647 (failed SIP OPTIONS), got null (leave it out to keep CarrierX's value)",
    ],
    [{ name: "a", adopt: "yes" }, "adopt", 'adopt must be true or false, got "yes"'],
    [
      { name: "a", acls: [] },
      "acls",
      'TrunkGroup has no property "acls"; it takes name, routingType, hardFailureCodes, hardFailureCooldown, hardFailureInterval, ' +
        "hardFailureLastResort, hardFailureThreshold, sipOptionsThreshold, softFailureCodes, adopt",
    ],
  ])("rejects %j naming %s", async (news, property, reason) => {
    expect(await trunkGroup.check({}, news)).toEqual({ failures: [{ property, reason }] });
  });

  it("accepts unknown values during preview", async () => {
    expect(await trunkGroup.check({}, { name: UNKNOWN, hardFailureThreshold: UNKNOWN, adopt: UNKNOWN })).toEqual({
      inputs: { name: UNKNOWN, hardFailureThreshold: UNKNOWN, adopt: UNKNOWN },
    });
  });
});

describe("TrunkGroup diff", () => {
  it.each([
    ["only the name declared: CarrierX's defaults are no change", { name: "us-east" }, false],
    ["a declared field equal to what CarrierX holds", { name: "us-east", hardFailureThreshold: 3 }, false],
    ["the same SIP codes in another order or without the last ';'", { name: "us-east", softFailureCodes: "408" }, false],
    ["a declared field that differs", { name: "us-east", hardFailureThreshold: 5 }, true],
    ["another name (renamed in place, never replaced)", { name: "us-west" }, true],
    ["other SIP codes", { name: "us-east", hardFailureCodes: "408;503;" }, true],
    ["an unknown value", { name: "us-east", routingType: UNKNOWN }, true],
    ["adopt alone", { name: "us-east", adopt: true }, false],
  ])("%s", async (_name, news, changes) => {
    expect(await trunkGroup.diff(GROUP, groupState, news)).toEqual({ changes });
  });

  it("sees a declared field changed by hand (recorded by refresh), and not one the program leaves out", async () => {
    const news = { name: "us-east", hardFailureThreshold: 3 };
    expect(await trunkGroup.diff(GROUP, { ...groupState, hardFailureThreshold: 7 }, news)).toEqual({ changes: true });
    expect(await trunkGroup.diff(GROUP, { ...groupState, hardFailureCooldown: 999 }, news)).toEqual({ changes: false });
    expect(await trunkGroup.diff(GROUP, { ...groupState, hardFailureCodes: "503;408;" }, { name: "us-east", hardFailureCodes: "408;503" })).toEqual({
      changes: false,
    });
  });
});

describe("Trunk check", () => {
  it("lower-cases sids and keeps the declared fields; null clears a field that has a none", async () => {
    const news = { trunkGroupSid: GROUP.toUpperCase(), name: "pbx-a", endpointSid: TRUNK.toUpperCase(), codec: null, locationSid: null };
    expect(await trunk.check({}, news)).toEqual({
      inputs: { trunkGroupSid: GROUP, name: "pbx-a", endpointSid: TRUNK, codec: null, locationSid: null },
    });
  });

  it.each([
    [{ name: "a" }, "trunkGroupSid", "trunkGroupSid is required: the CarrierX trunk group sid (a UUID)"],
    [{ trunkGroupSid: "us-east", name: "a" }, "trunkGroupSid", 'trunkGroupSid must be a CarrierX trunk group sid (a UUID), got "us-east"'],
    [{ trunkGroupSid: GROUP }, "name", "name is required: the trunk's name; by it create finds an existing one"],
    [
      { trunkGroupSid: GROUP, name: "a", allowForward: "always" },
      "allowForward",
      'allowForward must be one of direct, direct_uri, disabled, protected, reroute (call forwarding), got "always"',
    ],
    [{ trunkGroupSid: GROUP, name: "a", allowTransfer: "false" }, "allowTransfer", 'allowTransfer must be true or false (call transfer), got "false"'],
    [
      { trunkGroupSid: GROUP, name: "a", asnMode: "on" },
      "asnMode",
      'asnMode must be one of disable, read, write, read_write (ASN mode), got "on"',
    ],
    [
      { trunkGroupSid: GROUP, name: "a", codec: "pcmu" },
      "codec",
      'codec must be one of alaw, g722, g723, g729, gsm, opus8, opus12, opus16, opus24, opus48, ulaw or null (the legacy codec, null for none), got "pcmu"',
    ],
    [{ trunkGroupSid: GROUP, name: "a", endpointSid: "sip:pbx" }, "endpointSid", 'endpointSid must be a CarrierX endpoint sid (a UUID) or null, got "sip:pbx"'],
    [
      { trunkGroupSid: GROUP, name: "a", inCapacity: -2 },
      "inCapacity",
      "inCapacity must be a whole number from -1 to 2147483647 (inbound calls at once; 0 unlimited, -1 none), got -2",
    ],
    [{ trunkGroupSid: GROUP, name: "a", weight: 2 ** 31 }, "weight", "weight must be a whole number from 0 to 2147483647 (the trunk's weight in its group), got 2147483648"],
    [{ trunkGroupSid: GROUP, name: "a", callType: " " }, "callType", 'callType must be a non-empty string (the call type, e.g. "regular"), got " "'],
  ])("rejects %j naming %s", async (news, property, reason) => {
    expect(await trunk.check({}, news)).toEqual({ failures: [{ property, reason }] });
  });

  it("reports every failure at once", async () => {
    const failures = (await trunk.check({}, { trunkGroupSid: "x", priority: -1, relay_sip_headers: [] })).failures;
    expect(failures?.map((f) => f.property)).toEqual(["relay_sip_headers", "trunkGroupSid", "name", "priority"]);
  });
});

describe("Trunk diff", () => {
  it.each([
    ["CarrierX's defaults are no change", { trunkGroupSid: GROUP, name: "pbx-a" }, { changes: false }],
    ["declared equal, null included", { trunkGroupSid: GROUP, name: "pbx-a", codec: null, inCapacity: 0 }, { changes: false }],
    ["a declared field that differs", { trunkGroupSid: GROUP, name: "pbx-a", inCapacity: 10 }, { changes: true }],
    ["another group replaces: CarrierX cannot move a trunk", { trunkGroupSid: GROUP2, name: "pbx-a" }, { changes: true, replaces: ["trunkGroupSid"] }],
    ["an unknown group replaces", { trunkGroupSid: UNKNOWN, name: "pbx-a" }, { changes: true, replaces: ["trunkGroupSid"] }],
    ["a new name is an update", { trunkGroupSid: GROUP, name: "pbx-b" }, { changes: true }],
  ])("%s", async (_name, news, expected) => {
    expect(await trunk.diff(TRUNK, trunkState, news)).toEqual(expected);
  });

  it("leaves alone a field the program does not declare, changed by hand", async () => {
    const news = { trunkGroupSid: GROUP, name: "pbx-a", weight: 0 };
    expect(await trunk.diff(TRUNK, { ...trunkState, priority: 9 }, news)).toEqual({ changes: false });
    expect(await trunk.diff(TRUNK, { ...trunkState, weight: 9 }, news)).toEqual({ changes: true });
  });
});

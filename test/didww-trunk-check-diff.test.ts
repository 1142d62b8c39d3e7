import nock from "nock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { configure, resource } from "../provider";
import { checkVoiceInTrunk } from "../provider/didww/trunkRules";

/**
What VoiceInTrunk and VoiceInTrunkGroup accept and what they count as a change: check and diff decide what a preview
shows, so they must never touch the network (nock refuses it here).
*/
const T1 = "41b94706-325e-4704-a433-d65105758836";
const T2 = "ca7da6d0-aa0b-447d-8fc0-1bc58b51298c";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const PASSWORD = "never-shown-8c1d";
const trunks = resource("didww:VoiceInTrunk");
const groups = resource("didww:VoiceInTrunkGroup");
const memberships = resource("didww:TrunkGroupMembership");

beforeAll(() => nock.disableNetConnect());
beforeEach(() => configure({ get: () => undefined }));
afterAll(() => nock.restore());

const sip = (settings: Record<string, unknown>) => ({ name: "pbx", sip: { host: "pbx.example.com", ...settings } });

describe("VoiceInTrunk check", () => {
  it("accepts every SIP attribute DIDWW takes on create, unchanged, and a PSTN trunk with dst as DIDWW stores it", async () => {
    const full = {
      name: "pbx-frankfurt",
      description: "Frankfurt PBX",
      externalReferenceId: "crm-7",
      priority: 0,
      weight: 65535,
      capacityLimit: null,
      cliFormat: "e164",
      cliPrefix: "+49",
      ringingTimeout: 32,
      sip: {
        host: "pbx-fra.example.com", port: 5060, username: "fra", transportProtocolId: 3, networkProtocolPriority: "prefer_ipv4",
        resolveRuri: true, useDidInRuri: false, codecIds: [10, 9, 6], rxDtmfFormatId: 3, txDtmfFormatId: null, authEnabled: true,
        authUser: "fra", authPassword: PASSWORD, authFromUser: null, authFromDomain: "example.com", enabledSipRegistration: false,
        sstEnabled: true, sstMinTimer: 600, sstMaxTimer: 900, sstSessionExpires: null, sstRefreshMethodId: 3, sstAccept501: true,
        sipTimerB: 8000, dnsSrvFailoverTimer: 2000, rtpPing: null, rtpTimeout: 30, forceSymmetricRtp: true, symmetricRtpIgnoreRtcp: false,
        allowedRtpIps: ["203.0.113.0/24", "2001:db8::1"], mediaEncryptionMode: "srtp_sdes", stirShakenMode: "pai", diversionRelayPolicy: "sip",
        diversionInjectMode: "did_number", cnamLookup: true, maxTransfers: 2, max30xRedirects: 1, reroutingDisconnectCodeIds: [56, 108, 1505],
      },
      adopt: false,
    };
    expect(Object.keys(full.sip)).toHaveLength(37);
    expect(await trunks.check({}, { ...full, __provider: "p" })).toEqual({ inputs: full });
    expect(await trunks.check({}, { name: "pstn", pstn: { dst: "+4930123456789" } })).toEqual({
      inputs: { name: "pstn", pstn: { dst: "4930123456789" } },
    });
  });

  it.each([
    [{ name: "pbx" }, "sip", "one of sip or pstn is required: the SIP host calls are delivered to ({ host, … }) or the number they are forwarded to ({ dst })"],
    [{ ...sip({}), pstn: { dst: "4930123456789" } }, "pstn", "set exactly one of sip or pstn: a trunk delivers calls to a SIP host or forwards them to a phone number"],
    [{ sip: { host: "h.example.com" } }, "name", "name is required: the voice in trunk's name in DIDWW, unique in the account"],
    [{ ...sip({}), name: " pbx" }, "name", 'name must not start or end with white space, got " pbx"'],
    [{ ...sip({}), priority: 70000 }, "priority", "priority must be an integer from 0 to 65535 (lower wins), got 70000"],
    [{ ...sip({}), weight: -1 }, "weight", "weight must be an integer from 0 to 65535 (shares calls among trunks of equal priority), got -1"],
    [{ ...sip({}), capacityLimit: 0 }, "capacityLimit", "capacityLimit must be an integer from 1 to 32767 (simultaneous calls; null: no limit), got 0"],
    [{ ...sip({}), cliFormat: null }, "cliFormat", 'cliFormat cannot be null: leave it out to keep DIDWW\'s value, or set one (one of "raw", "e164", "local")'],
    [{ ...sip({}), cliFormat: "E164" }, "cliFormat", 'cliFormat must be one of "raw", "e164", "local", got "E164"'],
    [{ ...sip({}), cliPrefix: "+4930123" }, "cliPrefix", 'cliPrefix must be up to 7 digits, letters, "+" and "#", got "+4930123"'],
    [{ ...sip({}), ringingTimeout: 60 }, "ringingTimeout", "ringingTimeout must be an integer from 1 to 32 (seconds; null: DIDWW's default), got 60"],
    [{ ...sip({}), description: "" }, "description", "description must not be empty: set null to clear it, or leave it out"],
    [{ ...sip({}), externalReferenceId: "x".repeat(101) }, "externalReferenceId", `externalReferenceId must be at most 100 characters, got "${"x".repeat(57)}..."`],
    [sip({ port: 0 }), "sip.port", "sip.port must be an integer from 1 to 65535, got 0"],
    [sip({ port: "5060" }), "sip.port", 'sip.port must be an integer from 1 to 65535, got "5060"'],
    [sip({ host: "sip:pbx.example.com" }), "sip.host", 'sip.host must be a hostname or IP address, without "sip:" or a port, got "sip:pbx.example.com"'],
    [sip({ codecIds: [] }), "sip.codecIds", "sip.codecIds must list at least one entry"],
    [sip({ codecIds: [9, 11] }), "sip.codecIds", "sip.codecIds[1] must be 6 telephone-event, 7 G723, 8 G729, 9 PCMU, 10 PCMA, 12 speex, 13 GSM, 14 G726-32, 15 G721, 16 G726-24, 17 G726-40, 18 G726-16, 19 L16, got 11"],
    [sip({ codecIds: [9, 9] }), "sip.codecIds", "sip.codecIds[1] repeats 9 (also at sip.codecIds[0])"],
    [sip({ rxDtmfFormatId: 4 }), "sip.rxDtmfFormatId", 'sip.rxDtmfFormatId must be one of 1 (RFC 2833), 2 (SIP INFO), 3 (RFC 2833 or SIP INFO), got 4'],
    [sip({ transportProtocolId: "udp" }), "sip.transportProtocolId", 'sip.transportProtocolId must be one of 1 (UDP), 2 (TCP), 3 (TLS), got "udp"'],
    [sip({ mediaEncryptionMode: "tls" }), "sip.mediaEncryptionMode", 'sip.mediaEncryptionMode must be one of "disabled", "srtp_sdes", "srtp_dtls", "zrtp", got "tls"'],
    [sip({ reroutingDisconnectCodeIds: [55] }), "sip.reroutingDisconnectCodeIds", "sip.reroutingDisconnectCodeIds[0] must be 56–108 (SIP 400–606) or 1505 (ringing timeout), got 55"],
    [sip({ allowedRtpIps: ["203.0.113.300"] }), "sip.allowedRtpIps", 'sip.allowedRtpIps[0] must be an IPv4 or IPv6 address or subnet (e.g. 203.0.113.0/24), got "203.0.113.300"'],
    [sip({ allowedRtpIps: [] }), "sip.allowedRtpIps", "sip.allowedRtpIps must list at least one entry (null: no restriction)"],
    [sip({ enabledSipRegistration: true }), "sip.host", "sip.host must be left out when sip.enabledSipRegistration is true: the PBX registers with DIDWW instead of receiving calls at a fixed host, and DIDWW refuses both"],
    [{ name: "pbx", sip: { port: 5060 } }, "sip.host", "sip.host is required: the hostname or IP address DIDWW sends calls to (or set sip.enabledSipRegistration: true to have the PBX register with DIDWW instead)"],
    [sip({ useDidInRuri: true }), "sip.useDidInRuri", "sip.useDidInRuri requires sip.enabledSipRegistration: true"],
    [sip({ authEnabled: true, authUser: "u" }), "sip.authPassword", "sip.authPassword is required when sip.authEnabled is true"],
    [sip({ sstMinTimer: 1000, sstMaxTimer: 900 }), "sip.sstMinTimer", "sip.sstMinTimer (1000) must not exceed sip.sstMaxTimer (900)"],
    [sip({ codecId: [9] }), "sip.codecId", 'VoiceInTrunk has no property "sip.codecId" (did you mean "codecIds"?); it takes host, port, username, transportProtocolId, networkProtocolPriority, resolveRuri, useDidInRuri, codecIds, rxDtmfFormatId, txDtmfFormatId, authEnabled, authUser, authPassword, authFromUser, authFromDomain, enabledSipRegistration, sstEnabled, sstMinTimer, sstMaxTimer, sstSessionExpires, sstRefreshMethodId, sstAccept501, sipTimerB, dnsSrvFailoverTimer, rtpPing, rtpTimeout, forceSymmetricRtp, symmetricRtpIgnoreRtcp, allowedRtpIps, mediaEncryptionMode, stirShakenMode, diversionRelayPolicy, diversionInjectMode, cnamLookup, maxTransfers, max30xRedirects, reroutingDisconnectCodeIds'],
    [{ ...sip({}), prority: 1 }, "prority", 'VoiceInTrunk has no property "prority" (did you mean "priority"?); it takes name, description, externalReferenceId, priority, weight, capacityLimit, cliFormat, cliPrefix, ringingTimeout, sip, pstn, adopt'],
    [{ name: "pstn", pstn: { dst: "030 123" } }, "pstn.dst", 'pstn.dst must be E.164 digits, e.g. "4930123456789", got "030 123"'],
    [{ name: "pstn", pstn: {} }, "pstn.dst", 'pstn.dst is required: the number calls are forwarded to, e.g. "4930123456789"'],
    [{ ...sip({}), adopt: "yes" }, "adopt", 'adopt must be true or false, got "yes"'],
  ])("refuses %j at %s", async (news, property, reason) => {
    expect(await trunks.check({}, news)).toEqual({ failures: [{ property, reason }] });
  });

  it("never quotes the SIP password, whatever is wrong with it", async () => {
    const result = await trunks.check({}, sip({ authPassword: ["not", PASSWORD] }));
    expect(result).toEqual({ failures: [{ property: "sip.authPassword", reason: "sip.authPassword must be a string" }] });
  });

  it("accepts values not known yet during a preview, anywhere, and waits for them before combining rules", async () => {
    for (const news of [
      { name: UNKNOWN, priority: UNKNOWN, sip: UNKNOWN },
      { name: "pbx", sip: { host: UNKNOWN, enabledSipRegistration: UNKNOWN, useDidInRuri: true, codecIds: [9, UNKNOWN] } },
      { name: "pbx", pstn: { dst: UNKNOWN } },
    ]) {
      expect(await trunks.check({}, news)).toEqual({ inputs: news });
    }
  });

  it("is one pure function the routing file can run: failures carry paths, never positions or resources", () => {
    expect(checkVoiceInTrunk({ name: "pbx", sip: { host: "h.example.com", codecIds: [9, 99] } })).toEqual({
      failures: [{ property: "sip.codecIds", reason: expect.stringMatching(/^sip\.codecIds\[1\] must be /) }],
    });
  });
});

describe("VoiceInTrunk diff", () => {
  /** What create recorded: the declared attributes with DIDWW's values, and everything DIDWW holds. */
  const recorded = {
    name: "pbx",
    priority: 10,
    sip: { host: "pbx.example.com", codecIds: [10, 9], authPassword: PASSWORD },
    createdAt: "2026-04-30T10:00:00.000Z",
    configuration: {
      type: "sip_configurations",
      attributes: { host: "pbx.example.com", port: null, codecIds: [10, 9], sstMinTimer: 600, allowedRtpIps: ["203.0.113.1", "203.0.113.2"] },
    },
    incomingAuthUsername: null,
    incomingAuthPassword: null,
  };
  const declared = { name: "pbx", priority: 10, sip: { host: "pbx.example.com", codecIds: [10, 9], authPassword: PASSWORD } };

  it("the same declaration is no change, whatever DIDWW's defaults are", async () => {
    expect(await trunks.diff(T1, recorded, declared)).toEqual({ changes: false });
  });

  it("a declared attribute that differs is a change; one the program does not declare never is", async () => {
    expect(await trunks.diff(T1, { ...recorded, priority: 7 }, declared)).toEqual({ changes: true });
    expect(await trunks.diff(T1, { ...recorded, sip: { ...recorded.sip, authPassword: "by-hand" } }, declared)).toEqual({ changes: true });
    const sstChanged = { ...recorded, configuration: { ...recorded.configuration, attributes: { ...recorded.configuration.attributes, sstMinTimer: 90 } } };
    expect(await trunks.diff(T1, sstChanged, declared)).toEqual({ changes: false });
  });

  it("an attribute declared from now on is compared with what DIDWW holds", async () => {
    expect(await trunks.diff(T1, recorded, { ...declared, sip: { ...declared.sip, sstMinTimer: 600 } })).toEqual({ changes: false });
    expect(await trunks.diff(T1, recorded, { ...declared, sip: { ...declared.sip, sstMinTimer: 700 } })).toEqual({ changes: true });
  });

  it("codec order is a preference, so it matters; allowed RTP addresses are a set", async () => {
    expect(await trunks.diff(T1, recorded, { ...declared, sip: { ...declared.sip, codecIds: [9, 10] } })).toEqual({ changes: true });
    const ips = { ...declared, sip: { ...declared.sip, allowedRtpIps: ["203.0.113.2", "203.0.113.1"] } };
    expect(await trunks.diff(T1, recorded, ips)).toEqual({ changes: false });
  });

  it("SIP ↔ PSTN replaces, deleting first (the name is unique); a value not known yet is a change", async () => {
    expect(await trunks.diff(T1, recorded, { name: "pbx", pstn: { dst: "4930123456789" } })).toEqual({
      changes: true,
      replaces: ["pstn"],
      deleteBeforeReplace: true,
    });
    const pstnState = { name: "pbx", pstn: { dst: "4930123456789" }, configuration: { type: "pstn_configurations", attributes: { dst: "4930123456789" } } };
    expect(await trunks.diff(T1, pstnState, declared)).toMatchObject({ replaces: ["sip"] });
    expect(await trunks.diff(T1, recorded, { ...declared, priority: UNKNOWN })).toEqual({ changes: true });
    expect(await trunks.diff(T1, recorded, { ...declared, sip: UNKNOWN })).toEqual({ changes: true });
  });
});

describe("VoiceInTrunkGroup check and diff", () => {
  it("takes a name, capacity, reference and the members; refuses a member listed twice", async () => {
    expect(await groups.check({}, { name: "eu", capacityLimit: 30, trunkIds: [T1.toUpperCase()] })).toEqual({
      inputs: { name: "eu", capacityLimit: 30, trunkIds: [T1] },
    });
    expect(await groups.check({}, { name: "eu", trunkIds: [T1, T1] })).toEqual({
      failures: [{ property: "trunkIds[1]", reason: `trunk ${T1} is listed twice (also at trunkIds[0])` }],
    });
    expect(await groups.check({}, { name: "eu", capacityLimit: 0, trunkIds: [] })).toMatchObject({ failures: [{ property: "capacityLimit" }] });
  });

  it("members are a set; a renamed group or another capacity is a change", async () => {
    const G = "0f1e2d3c-4b5a-4697-8877-665544332211";
    const olds = { name: "eu", capacityLimit: 30, trunkIds: [T1, T2], createdAt: "x" };
    expect(await groups.diff(G, olds, { name: "eu", capacityLimit: 30, trunkIds: [T2, T1] })).toEqual({ changes: false });
    expect(await groups.diff(G, olds, { name: "eu", trunkIds: [T2, T1] })).toEqual({ changes: false });
    expect(await groups.diff(G, olds, { name: "eu-main", trunkIds: [T1, T2] })).toEqual({ changes: true });
    expect(await groups.diff(G, olds, { name: "eu", capacityLimit: null, trunkIds: [T1, T2] })).toEqual({ changes: true });
  });

  it("refuses a group declared both by a VoiceInTrunkGroup and a TrunkGroupMembership, whichever comes second", async () => {
    const owned = "a1b2c3d4-e5f6-4788-99aa-bbccddeeff00";
    await groups.diff(owned, { name: "eu", trunkIds: [] }, { name: "eu", trunkIds: [] });
    expect(await memberships.check({}, { trunkGroupId: owned, trunkIds: [T1] })).toEqual({
      failures: [
        {
          property: "trunkGroupId",
          reason:
            `trunk group ${owned} is a VoiceInTrunkGroup of this program, which owns its trunks: list them in its trunkIds and ` +
            "remove this TrunkGroupMembership (TrunkGroupMembership is for groups made outside the program)",
        },
      ],
    });
    const elsewhere = "00ffeedd-ccbb-4a99-8877-665544332211";
    expect(await memberships.check({}, { trunkGroupId: elsewhere, trunkIds: [] })).toEqual({ inputs: { trunkGroupId: elsewhere, trunkIds: [] } });
    await expect(groups.diff(elsewhere, { name: "x", trunkIds: [] }, { name: "x", trunkIds: [] })).rejects.toThrow(
      `voice in trunk group "x" (${elsewhere}) also has a TrunkGroupMembership in this program. A VoiceInTrunkGroup owns its group's trunks`,
    );
  });
});

import { describe, expect, it } from "vitest";
import { formatProblem, parseRoutingFile } from "../routing/file";

/** The problems a person reads, as `validate` prints them. */
function problems(text: string): string[] {
  return parseRoutingFile(text, "routing.yaml").problems.map((p) => formatProblem("routing.yaml", p));
}

const VALID = `didww:
  dids:
    - number: "+16091609123456797"
      trunk: pbx-frankfurt
    - id: 9DF99644-F1A5-4A3C-99A4-559D758EB96B
      trunkGroup: eu-primary
  trunkGroups:
    - group: eu-primary
      trunks: [pbx-frankfurt, pbx-dublin]
    - group: empty
      trunks: []
carrierx:
  dids:
    - number: "+15162065574"
      trunkGroup: us-east
    - sid: c7eae0b4-5eda-4964-8998-d514903b4af0
      trunkGroup: c7eae0b4-5eda-4964-8998-d514903b4af1
`;

describe("routing file: valid files", () => {
  it("reads every entry with its position; ids are lower-cased, numbers kept as written", () => {
    const { file, problems: found } = parseRoutingFile(VALID, "routing.yaml");
    expect(found).toEqual([]);
    expect(file.didww.dids).toEqual([
      {
        at: { line: 3, col: 7 },
        did: { by: "number", value: "+16091609123456797", at: { line: 3, col: 15 } },
        target: { kind: "trunk", ref: { value: "pbx-frankfurt", at: { line: 4, col: 14 } } },
      },
      {
        at: { line: 5, col: 7 },
        did: { by: "id", value: "9df99644-f1a5-4a3c-99a4-559d758eb96b", at: { line: 5, col: 11 } },
        target: { kind: "trunkGroup", ref: { value: "eu-primary", at: { line: 6, col: 19 } } },
      },
    ]);
    expect(file.didww.trunkGroups.map((g) => [g.group.value, g.trunks.map((t) => t.value)])).toEqual([
      ["eu-primary", ["pbx-frankfurt", "pbx-dublin"]],
      ["empty", []],
    ]);
    expect(file.carrierx.dids.map((d) => [d.did.by, d.did.value, d.trunkGroup.value])).toEqual([
      ["number", "+15162065574", "us-east"],
      ["sid", "c7eae0b4-5eda-4964-8998-d514903b4af0", "c7eae0b4-5eda-4964-8998-d514903b4af1"],
    ]);
  });

  it("an empty file, or empty sections, declare nothing", () => {
    expect(problems("")).toEqual([]);
    expect(problems("# nothing yet\n")).toEqual([]);
    expect(problems("didww:\ncarrierx:\n  dids: []\n")).toEqual([]);
  });
});

describe("routing file: each problem at its line and column", () => {
  it.each([
    [
      "YAML syntax",
      "didww:\n  dids: [\n",
      [/^routing\.yaml:3:1: /],
    ],
    [
      "an unknown top-level key, with the likely meaning",
      "didwww:\n  dids: []\n",
      ['routing.yaml:1:1: unknown key "didwww" in the file (did you mean "didww"?); allowed: didww, carrierx'],
    ],
    [
      "an unknown key in an entry",
      'didww:\n  dids:\n    - number: "+16091609123456797"\n      trunkgroup: eu-primary\n',
      [
        "routing.yaml:3:7: a DID entry needs trunk (a trunk name or id) or trunkGroup (a trunk group name or id)",
        'routing.yaml:4:7: unknown key "trunkgroup" in a didww.dids entry (did you mean "trunkGroup"?); allowed: number, id, trunk, trunkGroup',
      ],
    ],
    [
      "an unquoted number, which YAML reads as an integer",
      "didww:\n  dids:\n    - number: +16091609123456797\n      trunk: pbx-frankfurt\n",
      [
        'routing.yaml:3:15: number must be a string (the number in E.164 form, e.g. "+442037691880"): YAML reads +16091609123456797 unquoted as a number; write "+16091609123456797"',
      ],
    ],
    [
      "a number that is not E.164",
      'carrierx:\n  dids:\n    - number: "516-206-5574"\n      trunkGroup: us-east\n',
      [
        'routing.yaml:3:15: number must be in E.164 form: "+", the country code and the number, digits only (e.g. "+442037691880"); got "516-206-5574"',
      ],
    ],
    [
      "a malformed id",
      "didww:\n  dids:\n    - id: 9df99644-f1a5\n      trunk: pbx-frankfurt\n",
      ['routing.yaml:3:11: id must be the DIDWW DID id (a UUID), got "9df99644-f1a5"'],
    ],
    [
      "number and id together",
      'didww:\n  dids:\n    - number: "+16091609123456797"\n      id: 9df99644-f1a5-4a3c-99a4-559d758eb96b\n      trunk: pbx-frankfurt\n',
      ["routing.yaml:4:7: set number or id, not both"],
    ],
    [
      "neither number nor sid",
      "carrierx:\n  dids:\n    - trunkGroup: us-east\n",
      ['routing.yaml:3:7: a DID entry needs number (e.g. "+442037691880") or sid (the CarrierX DID sid)'],
    ],
    [
      "trunk and trunkGroup on one DID",
      'didww:\n  dids:\n    - number: "+16091609123456797"\n      trunk: pbx-frankfurt\n      trunkGroup: eu-primary\n',
      ["routing.yaml:5:7: set trunk or trunkGroup, not both: DIDWW routes a DID to a trunk or a trunk group, never both"],
    ],
    [
      "an empty value",
      'didww:\n  dids:\n    - number: "+16091609123456797"\n      trunk: ""\n',
      ["routing.yaml:4:14: trunk is empty: give a trunk name or id"],
    ],
    [
      "a list where one value belongs",
      'carrierx:\n  dids:\n    - number: "+15162065574"\n      trunkGroup: [us-east]\n',
      ["routing.yaml:4:19: trunkGroup must be a single value (a trunk group name or sid), not a list"],
    ],
    [
      "a DID listed twice",
      'didww:\n  dids:\n    - number: "+16091609123456797"\n      trunk: a\n    - number: "+16091609123456797"\n      trunk: b\n',
      ["routing.yaml:5:15: DIDWW DID +16091609123456797 is listed twice (first at line 3)"],
    ],
    [
      "a trunk in two groups",
      "didww:\n  trunkGroups:\n    - group: eu\n      trunks: [pbx-a, pbx-b]\n    - group: us\n      trunks: [pbx-b]\n",
      [
        "routing.yaml:6:16: trunk pbx-b is in two trunk groups, eu (line 3) and us: a DIDWW trunk belongs to at most one group",
      ],
    ],
    [
      "a trunk twice in one group, and a group listed twice",
      "didww:\n  trunkGroups:\n    - group: eu\n      trunks: [pbx-a, pbx-a]\n    - group: eu\n      trunks: []\n",
      [
        "routing.yaml:4:23: trunk pbx-a is listed twice in trunk group eu",
        "routing.yaml:5:14: trunk group eu is listed twice (first at line 3)",
      ],
    ],
    [
      "a group without its trunks",
      "didww:\n  trunkGroups:\n    - group: eu\n",
      ["routing.yaml:3:7: a trunkGroups entry needs trunks (a list of trunk names or ids; [] empties the group)"],
    ],
    [
      "a section that is not a list",
      "didww:\n  dids:\n    number: x\n",
      ['routing.yaml:3:5: didww.dids must be a list (entries starting with "- ")'],
    ],
  ])("%s", (_what, text, expected) => {
    const found = problems(text);
    expect(found).toHaveLength(expected.length);
    expected.forEach((line, i) => {
      if (typeof line === "string") expect(found[i]).toBe(line);
      else expect(found[i]).toMatch(line);
    });
  });

  it("reports every problem of the file at once, in file order, and keeps only the valid entries", () => {
    const text = 'didww:\n  dids:\n    - number: "+1"\n      trunk: a\n    - number: "+16091609123456797"\n      trunk: b\n    - id: x\n      trunk: c\n';
    const { file, problems: found } = parseRoutingFile(text, "routing.yaml");
    expect(found.map((p) => `${p.line}:${p.col}`)).toEqual(["3:15", "7:11"]);
    expect(file.didww.dids.map((d) => d.did.value)).toEqual(["+16091609123456797"]);
  });
});

describe("routing file: declared trunks and trunk groups", () => {
  const DECLARED = `didww:
  trunks:
    - name: pbx-frankfurt
      priority: 10
      sip: { host: pbx-fra.example.com, port: 5060, codecIds: [10, 9, 6], authEnabled: true, authUser: fra, authPassword: { config: pbxFraPassword } }
    - name: pstn-fallback
      pstn: { dst: "4930123456789" }
  trunkGroups:
    - name: eu-primary
      capacityLimit: 20
      trunks: [pbx-frankfurt, pbx-dublin]
    - group: legacy-eu
      trunks: [pbx-london]
  dids:
    - number: "+16091609123456797"
      trunk: pbx-frankfurt
carrierx:
  trunkGroups:
    - name: us-east
      hardFailureThreshold: 5
      trunks:
        - name: pbx-east-1
          inCapacity: 10
          endpointSid: C7EAE0B4-5EDA-4964-8998-D514903B4AF0
  dids:
    - number: "+15162065574"
      trunkGroup: us-east
`;

  it("reads each declaration as its resource takes it, a secret as the config key it reads, each at its line", () => {
    const { file, problems: found } = parseRoutingFile(DECLARED, "routing.yaml");
    expect(found).toEqual([]);
    expect(file.didww.trunks).toEqual([
      {
        at: { line: 3, col: 7 },
        name: { value: "pbx-frankfurt", at: { line: 3, col: 13 } },
        inputs: {
          name: "pbx-frankfurt",
          priority: 10,
          sip: {
            host: "pbx-fra.example.com",
            port: 5060,
            codecIds: [10, 9, 6],
            authEnabled: true,
            authUser: "fra",
            authPassword: { config: "pbxFraPassword", at: { line: 5, col: 133 }, what: "sip.authPassword of trunk pbx-frankfurt" },
          },
        },
      },
      {
        at: { line: 6, col: 7 },
        name: { value: "pstn-fallback", at: { line: 6, col: 13 } },
        inputs: { name: "pstn-fallback", pstn: { dst: "4930123456789" } },
      },
    ]);
    expect(file.didww.declaredGroups).toEqual([
      {
        at: { line: 9, col: 7 },
        name: { value: "eu-primary", at: { line: 9, col: 13 } },
        attributes: { capacityLimit: 20 },
        trunks: [
          { value: "pbx-frankfurt", at: { line: 11, col: 16 } },
          { value: "pbx-dublin", at: { line: 11, col: 31 } },
        ],
      },
    ]);
    expect(file.didww.trunkGroups.map((g) => [g.group.value, g.trunks.map((t) => t.value)])).toEqual([["legacy-eu", ["pbx-london"]]]);
    expect(file.carrierx.trunkGroups).toEqual([
      {
        at: { line: 19, col: 7 },
        name: { value: "us-east", at: { line: 19, col: 13 } },
        inputs: { name: "us-east", hardFailureThreshold: 5 },
        trunks: [
          {
            at: { line: 22, col: 11 },
            name: { value: "pbx-east-1", at: { line: 22, col: 17 } },
            inputs: { name: "pbx-east-1", inCapacity: 10, endpointSid: "C7EAE0B4-5EDA-4964-8998-D514903B4AF0" },
          },
        ],
      },
    ]);
  });

  const trunk = (sip: string) => `didww:\n  trunks:\n    - name: pbx-a\n      sip: { ${sip} }\n`;

  it.each([
    [
      "an unknown SIP setting, with the likely meaning",
      trunk("host: a.example.com, codecId: [10]"),
      [
        'routing.yaml:4:35: unknown key "codecId" in sip (did you mean "codecIds"?); allowed: ' +
          "host, port, username, transportProtocolId, networkProtocolPriority, resolveRuri, useDidInRuri, codecIds, " +
          "rxDtmfFormatId, txDtmfFormatId, authEnabled, authUser, authPassword, authFromUser, authFromDomain, " +
          "enabledSipRegistration, sstEnabled, sstMinTimer, sstMaxTimer, sstSessionExpires, sstRefreshMethodId, " +
          "sstAccept501, sipTimerB, dnsSrvFailoverTimer, rtpPing, rtpTimeout, forceSymmetricRtp, symmetricRtpIgnoreRtcp, " +
          "allowedRtpIps, mediaEncryptionMode, stirShakenMode, diversionRelayPolicy, diversionInjectMode, cnamLookup, " +
          "maxTransfers, max30xRedirects, reroutingDisconnectCodeIds",
      ],
    ],
    [
      "an unknown trunk attribute",
      "didww:\n  trunks:\n    - name: pbx-a\n      priorty: 1\n      pstn: { dst: \"4930123456789\" }\n",
      [
        'routing.yaml:4:7: unknown key "priorty" in a didww.trunks entry (did you mean "priority"?); allowed: name, description, ' +
          "externalReferenceId, priority, weight, capacityLimit, cliFormat, cliPrefix, ringingTimeout, sip, pstn, adopt",
      ],
    ],
    [
      "ranges: a port, a priority, a codec id, a DTMF id, an enumeration",
      "didww:\n  trunks:\n    - name: pbx-a\n      priority: 70000\n      sip: { host: a.example.com, port: 0, codecIds: [10, 11], rxDtmfFormatId: 4, mediaEncryptionMode: tls }\n",
      [
        "routing.yaml:4:17: priority must be an integer from 0 to 65535 (lower wins), got 70000",
        "routing.yaml:5:41: sip.port must be an integer from 1 to 65535, got 0",
        "routing.yaml:5:59: sip.codecIds[1] must be 6 telephone-event, 7 G723, 8 G729, 9 PCMU, 10 PCMA, 12 speex, 13 GSM, " +
          "14 G726-32, 15 G721, 16 G726-24, 17 G726-40, 18 G726-16, 19 L16, got 11",
        'routing.yaml:5:80: sip.rxDtmfFormatId must be one of 1 (RFC 2833), 2 (SIP INFO), 3 (RFC 2833 or SIP INFO), got 4',
        'routing.yaml:5:104: sip.mediaEncryptionMode must be one of "disabled", "srtp_sdes", "srtp_dtls", "zrtp", got "tls"',
      ],
    ],
    [
      "SIP registration with a host (DIDWW refuses both)",
      trunk("host: a.example.com, enabledSipRegistration: true"),
      [
        "routing.yaml:4:20: sip.host must be left out when sip.enabledSipRegistration is true: the PBX registers with " +
          "DIDWW instead of receiving calls at a fixed host, and DIDWW refuses both",
      ],
    ],
    [
      "neither sip nor pstn, and both",
      'didww:\n  trunks:\n    - name: pbx-a\n    - name: pbx-b\n      sip: { host: b.example.com }\n      pstn: { dst: "4930123456789" }\n',
      [
        "routing.yaml:3:7: one of sip or pstn is required: the SIP host calls are delivered to ({ host, … }) or the number they are forwarded to ({ dst })",
        "routing.yaml:6:13: set exactly one of sip or pstn: a trunk delivers calls to a SIP host or forwards them to a phone number",
      ],
    ],
    [
      "a PSTN number YAML reads as an integer",
      "didww:\n  trunks:\n    - name: pbx-a\n      pstn: { dst: 4930123456789 }\n",
      ['routing.yaml:4:20: pstn.dst must be a string, got 4930123456789: YAML reads 4930123456789 unquoted as a number; write "4930123456789"'],
    ],
    [
      "a trunk without a name, and one named by a UUID",
      "didww:\n  trunks:\n    - pstn: { dst: \"4930123456789\" }\n    - name: 41b94706-325e-4704-a433-d65105758836\n      pstn: { dst: \"4930123456789\" }\n",
      [
        "routing.yaml:3:7: a didww.trunks entry needs name (the trunk's name in DIDWW, unique in the account)",
        'routing.yaml:4:13: name must not be a UUID: the file reads a UUID as an id, so nothing could refer to "41b94706-325e-4704-a433-d65105758836" by name',
      ],
    ],
    [
      "a secret's key that is not a config key, and config for a value that is no secret",
      trunk('host: a.example.com, authUser: { config: fraUser }, authPassword: { config: "pbx fra" }'),
      [
        "routing.yaml:4:45: sip.authUser cannot come from config: only secrets do (sip.authPassword); write its value here",
        'routing.yaml:4:90: config must be a Pulumi config key (letters, digits, "_", "-", "."; "namespace:" before it optional), got "pbx fra"',
      ],
    ],
    [
      "a name declared twice",
      'didww:\n  trunks:\n    - name: pbx-a\n      pstn: { dst: "4930123456789" }\n    - name: pbx-a\n      pstn: { dst: "4930123456780" }\n',
      ["routing.yaml:5:13: trunk pbx-a is declared twice (first at line 3)"],
    ],
    [
      "a group declared twice, and declared while also named as an existing group",
      "didww:\n  trunkGroups:\n    - name: eu\n      trunks: []\n    - name: eu\n      trunks: []\n    - group: eu\n      trunks: [pbx-a]\n",
      [
        "routing.yaml:5:13: trunk group eu is declared twice (first at line 3)",
        "routing.yaml:7:14: trunk group eu is declared at line 3 (name:), and a declared group owns its trunks: list them there and remove this group: entry",
      ],
    ],
    [
      "a group's own attributes on an existing group's entry, and name with group",
      "didww:\n  trunkGroups:\n    - group: legacy\n      capacityLimit: 5\n      trunks: []\n    - name: a\n      group: b\n      trunks: []\n",
      [
        "routing.yaml:4:7: capacityLimit is set only on a group this file declares (name: …); group: names an existing group, whose trunks alone the file sets",
        "routing.yaml:7:7: set name (a group this file declares and owns) or group (an existing group, whose trunks alone it sets), not both",
      ],
    ],
    [
      "a declared group's capacity out of range, and a trunk in a declared group and an existing one",
      "didww:\n  trunkGroups:\n    - name: eu\n      capacityLimit: 0\n      trunks: [pbx-a]\n    - group: legacy\n      trunks: [pbx-a]\n",
      [
        "routing.yaml:4:22: capacityLimit must be an integer from 1 to 32767 (simultaneous calls across the group; null: no limit), got 0",
        "routing.yaml:7:16: trunk pbx-a is in two trunk groups, eu (line 3) and legacy: a DIDWW trunk belongs to at most one group",
      ],
    ],
    [
      "CarrierX: fields out of their range or list, a trunk declared twice in its group, a group declared twice",
      "carrierx:\n  trunkGroups:\n    - name: us-east\n      hardFailureLastResort: reject404\n      trunks:\n        - name: t1\n          inCapacity: -2\n        - name: t1\n    - name: us-east\n      trunks: []\n",
      [
        'routing.yaml:4:30: hardFailureLastResort must be one of first, reject502, reject503 (what happens when every trunk has failed), got "reject404"',
        "routing.yaml:7:23: inCapacity must be a whole number from -1 to 2147483647 (inbound calls at once; 0 unlimited, -1 none), got -2",
        "routing.yaml:8:17: trunk t1 of trunk group us-east is declared twice (first at line 6)",
        "routing.yaml:9:13: CarrierX trunk group us-east is declared twice (first at line 3)",
      ],
    ],
    [
      "CarrierX: two trunks of two groups that the program's resource names cannot tell apart",
      "carrierx:\n  trunkGroups:\n    - name: us-east\n      trunks:\n        - name: a\n    - name: us\n      trunks:\n        - name: east-a\n",
      [
        "routing.yaml:8:17: trunk east-a of trunk group us and trunk a of trunk group us-east (line 5) would both be the " +
          "program's resource carrierx-trunk-us-east-a: rename one",
      ],
    ],
    [
      "CarrierX: an unknown key with the likely meaning",
      "carrierx:\n  trunkGroups:\n    - name: us-east\n      trunks:\n        - name: t1\n          incapacity: 3\n",
      [
        'routing.yaml:6:11: unknown key "incapacity" in a CarrierX trunk entry (did you mean "inCapacity"?); allowed: name, ' +
          "allowForward, allowTransfer, asnMode, callType, codec, endpointSid, inCapacity, inIdentityFormat, inIdentityMode, " +
          "inRfc4694Mode, locationSid, outCapacity, outIdentityMode, outRfc4694Mode, priority, weight, adopt",
      ],
    ],
  ])("%s", (_what, text, expected) => {
    expect(problems(text)).toEqual(expected);
  });

  it("a secret written in the file is refused without being repeated, and the entry is kept for the checks across it", () => {
    const text = trunk("host: a.example.com, authPassword: hunter2-Secret") + '  dids:\n    - number: "+16091609123456797"\n      trunk: pbx-a\n';
    const found = problems(text);
    expect(found).toEqual([
      'routing.yaml:4:49: sip.authPassword is a secret and is never written in the file: write { config: KEY } and set KEY with "pulumi config set --secret KEY <value>" (didroute plan reads it from DIDROUTE_CONFIG_KEY)',
    ]);
    expect(found.join("\n")).not.toContain("hunter2");
  });
});

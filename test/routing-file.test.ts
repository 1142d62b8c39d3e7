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

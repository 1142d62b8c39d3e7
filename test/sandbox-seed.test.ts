import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { derivedId, exampleSeedPath, loadSeed, parseSeed, SeedError } from "../sandbox/seed";

const EXAMPLE = join(__dirname, "..", "examples", "sandbox.yaml");

describe("sandbox seed: the shipped example (examples/sandbox.yaml)", () => {
  const seed = loadSeed(EXAMPLE);
  const didwwTrunk = (name: string) => derivedId("didww", "trunk", name);
  const didwwGroup = (name: string) => derivedId("didww", "trunkGroup", name);
  const carrierxGroup = (name: string) => derivedId("carrierx", "trunkGroup", name);

  it("is the package's default seed", () => {
    expect(exampleSeedPath()).toBe(EXAMPLE);
  });

  it("has the DIDWW trunks, groups and routed DIDs the demo relies on, numbers stored without +", () => {
    expect(seed.didww.trunks).toEqual(
      ["pbx-frankfurt", "pbx-dublin", "pbx-london", "pbx-newyork", "pbx-lab"].map((name) => ({ name, id: didwwTrunk(name) })),
    );
    expect(seed.didww.trunkGroups).toEqual([
      { name: "eu-primary", id: didwwGroup("eu-primary"), trunkIds: [didwwTrunk("pbx-frankfurt")] },
      { name: "us-backup", id: didwwGroup("us-backup"), trunkIds: [didwwTrunk("pbx-newyork")] },
      { name: "lab", id: didwwGroup("lab"), trunkIds: [didwwTrunk("pbx-lab")] },
    ]);
    const did = (number: string, trunkId: string | null, trunkGroupId: string | null, id?: string) => ({
      id: id ?? derivedId("didww", "did", `+${number}`),
      number,
      trunkId,
      trunkGroupId,
    });
    expect(seed.didww.dids).toEqual([
      did("16091609123456797", null, null),
      did("16091609123456798", didwwTrunk("pbx-dublin"), null),
      did("442037691880", null, didwwGroup("eu-primary"), "9df99644-f1a5-4a3c-99a4-559d758eb96b"),
      did("493012345678", null, null),
      did("16091609123456799", didwwTrunk("pbx-lab"), null),
      did("498912345678", null, null),
    ]);
  });

  it("has the CarrierX trunk groups and DIDs the demo relies on, phonenumbers digits only", () => {
    expect(seed.carrierx.trunkGroups).toEqual(["us-east", "us-west", "lab"].map((name) => ({ name, sid: carrierxGroup(name) })));
    expect(seed.carrierx.dids).toEqual([
      { sid: derivedId("carrierx", "did", "+15162065574"), phonenumber: "15162065574", trunkGroupSid: carrierxGroup("us-west") },
      { sid: derivedId("carrierx", "did", "+15162065575"), phonenumber: "15162065575", trunkGroupSid: null },
      { sid: derivedId("carrierx", "did", "+15162065576"), phonenumber: "15162065576", trunkGroupSid: carrierxGroup("lab") },
    ]);
  });
});

describe("sandbox seed: derived ids", () => {
  it("are fixed version-5-style UUIDs of system, kind and name, so programs and docs can rely on them", () => {
    // Pinned: changing the derivation would silently change every id a user's stack or test has recorded.
    expect(derivedId("didww", "trunk", "pbx-frankfurt")).toBe("ccce8eb5-33e1-53c2-9967-95f537960810");
    expect(derivedId("carrierx", "did", "+15162065574")).toBe("9624d5c5-071d-5e9d-a14e-71ae3fccd70d");
    expect(derivedId("didww", "trunkGroup", "lab")).not.toBe(derivedId("carrierx", "trunkGroup", "lab"));
    expect(derivedId("didww", "trunk", "lab")).not.toBe(derivedId("didww", "trunkGroup", "lab"));
  });

  it("come out the same on every parse, and references accept an id in any case", () => {
    const text = `didww:
  trunks: [{ name: a }, { name: b, id: 41B94706-325E-4704-A433-D65105758836 }]
  trunkGroups: [{ name: g, trunks: [a, 41b94706-325e-4704-a433-d65105758836] }]
  dids: [{ number: "+1555", trunkGroup: ${derivedId("didww", "trunkGroup", "g")} }]
`;
    const first = parseSeed(text, "s.yaml");
    expect(parseSeed(text, "s.yaml")).toEqual(first);
    expect(first.didww.trunks?.[1]?.id).toBe("41b94706-325e-4704-a433-d65105758836");
    expect(first.didww.trunkGroups?.[0]?.trunkIds).toEqual([derivedId("didww", "trunk", "a"), "41b94706-325e-4704-a433-d65105758836"]);
    expect(first.didww.dids?.[0]?.trunkGroupId).toBe(derivedId("didww", "trunkGroup", "g"));
  });

  it("an empty seed, or one system only, leaves the other empty", () => {
    const empty = { didww: { trunks: [], trunkGroups: [], dids: [] }, carrierx: { trunkGroups: [], dids: [] } };
    expect(parseSeed("", "e.yaml")).toEqual(empty);
    expect(parseSeed("# nothing yet\ndidww:\ncarrierx:\n  dids:\n", "e.yaml")).toEqual(empty);
  });
});

describe("sandbox seed: mistakes are reported as file:line:col: message", () => {
  const fails = (text: string, message: string) => {
    let caught: unknown;
    try {
      parseSeed(text, "world.yaml");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SeedError);
    expect((caught as Error).message).toBe(message);
  };

  it("YAML syntax errors", () => {
    fails("didww:\n  trunks: [\n", "world.yaml:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]");
    fails("didww:\n  trunks: []\ndidww:\n", "world.yaml:3:1: Map keys must be unique");
  });

  it("unknown keys, at the key", () => {
    fails("didww:\n  trunk:\n    - name: a\n", 'world.yaml:2:3: unknown key "trunk" in didww (expected trunks, trunkGroups, dids)');
    fails("didwww: {}\n", 'world.yaml:1:1: unknown key "didwww" in the seed (expected didww, carrierx)');
    fails(
      "carrierx:\n  dids:\n    - number: \"+15162065574\"\n      trunk: us-east\n",
      'world.yaml:4:7: unknown key "trunk" in a CarrierX DID (expected number, sid, trunkGroup)',
    );
  });

  it("a missing name or number, at the entry", () => {
    fails("didww:\n  trunks:\n    - id: 41b94706-325e-4704-a433-d65105758836\n", "world.yaml:3:7: a DIDWW trunk has no name");
    fails("carrierx:\n  dids:\n    - trunkGroup: x\n", "world.yaml:3:7: a CarrierX DID has no number");
    fails("didww:\n  trunks:\n    - pbx-a\n", "world.yaml:3:7: a DIDWW trunk must be a mapping with a name");
    fails("didww:\n  trunks:\n    - name:\n", "world.yaml:3:12: name must be a non-empty string");
  });

  it("references to unknown trunks and groups, at the reference", () => {
    const trunks = "didww:\n  trunks: [{ name: pbx-a }]\n";
    fails(`${trunks}  trunkGroups:\n    - name: g\n      trunks: [pbx-a, pbx-b]\n`, 'world.yaml:5:23: unknown trunk "pbx-b"');
    fails(`${trunks}  dids:\n    - number: "+1555"\n      trunk: pbx-c\n`, 'world.yaml:5:14: unknown trunk "pbx-c"');
    fails(`${trunks}  dids:\n    - number: "+1555"\n      trunkGroup: pbx-a\n`, 'world.yaml:5:19: unknown trunk group "pbx-a"');
    fails("carrierx:\n  dids:\n    - number: \"+1555\"\n      trunkGroup: us-east\n", 'world.yaml:4:19: unknown trunk group "us-east"');
  });

  it("a DID routed to a trunk and a trunk group", () => {
    const text = `didww:
  trunks: [{ name: pbx-a }]
  trunkGroups: [{ name: g }]
  dids:
    - number: "+1555"
      trunk: pbx-a
      trunkGroup: g
`;
    fails(text, "world.yaml:7:19: DID +1555 has both trunk and trunkGroup (route it to one)");
  });

  it("duplicate names, numbers and ids, at the second one", () => {
    fails("didww:\n  trunks:\n    - name: a\n    - name: a\n", 'world.yaml:4:13: duplicate trunk name "a"');
    fails(
      'carrierx:\n  dids:\n    - number: "+1555"\n    - number: "+1555"\n',
      'world.yaml:4:15: duplicate DID number "+1555"',
    );
    const id = "41b94706-325e-4704-a433-d65105758836";
    fails(`carrierx:\n  trunkGroups:\n    - { name: a, sid: ${id} }\n    - { name: b, sid: ${id} }\n`, `world.yaml:4:23: duplicate trunk group id ${id}`);
    // An explicit id that another entry's derived id already took.
    const taken = derivedId("didww", "trunk", "a");
    fails(`didww:\n  trunks:\n    - { name: b, id: ${taken} }\n    - name: a\n`,
      `world.yaml:4:13: duplicate trunk id ${taken} (derived from name "a")`);
    fails(
      "didww:\n  trunks: [{ name: a }, { name: b }]\n  trunkGroups:\n    - { name: g, trunks: [a] }\n    - { name: h, trunks: [b, a] }\n",
      'world.yaml:5:30: trunk "a" is already in trunk group "g" (a trunk is in at most one)',
    );
  });

  it("malformed ids and numbers", () => {
    fails("didww:\n  trunks:\n    - { name: a, id: 1234 }\n", "world.yaml:3:22: id must be a non-empty string");
    fails("didww:\n  trunks:\n    - { name: a, id: not-a-uuid }\n", 'world.yaml:3:22: id "not-a-uuid" is not a UUID');
    fails('carrierx:\n  dids:\n    - number: "15162065574"\n', 'world.yaml:3:15: number "15162065574" must be "+" followed by digits (E.164)');
    fails('carrierx:\n  dids:\n    - number: "+1 516 206"\n', 'world.yaml:3:15: number "+1 516 206" must be "+" followed by digits (E.164)');
    // Unquoted, YAML reads +15162065574 as an integer.
    fails("carrierx:\n  dids:\n    - number: +15162065574\n", 'world.yaml:3:15: number must be a quoted string such as "+15162065574"');
  });

  it("a section of the wrong kind", () => {
    fails("didww:\n  trunks: pbx-a\n", "world.yaml:2:11: didww.trunks must be a list");
    fails("- didww\n", "world.yaml:1:1: the seed must be a mapping");
  });
});

describe("sandbox seed: loadSeed", () => {
  const dir = mkdtempSync(join(tmpdir(), "didroute-seed-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("names the file in both read and parse errors", () => {
    const missing = join(dir, "missing.yaml");
    expect(() => loadSeed(missing)).toThrow(`${missing}: cannot read the seed: no such file`);
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "didww:\n  dids:\n    - number: 15\n");
    expect(() => loadSeed(bad)).toThrow(`${bad}:3:15: number must be a quoted string such as "+15162065574"`);
  });
});

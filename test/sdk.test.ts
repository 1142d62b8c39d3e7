import { createRequire } from "node:module";
import * as path from "node:path";
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scratchDir } from "./scratch";

/**
The SDK as a program uses it: the built package loaded through Node's require (by its own name, as a project
resolves it), registered under Pulumi's mocks, which receive what the engine would.
*/
const root = path.resolve(__dirname, "..");
const projectRequire = createRequire(path.join(root, "/"));
const pulumi = projectRequire("@pulumi/pulumi");
const KEY = "mock-secret-key-91b2";
const DID = "9df99644-f1a5-4a3c-99a4-559d758eb96b";
const TRUNK = "41b94706-325e-4704-a433-d65105758836";
const GROUP = "714e8148-0aea-4cb6-8680-bd1d06453418";
const CX_DID = "e8df62d5-07a3-4189-a67e-87585067c5fe";
const CX_GROUP = "c7eae0b4-5eda-4964-8998-d514903b4af0";
/** How a secret value reaches the engine (and the mocks): wrapped with Pulumi's secret signature. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
}
const registered: Registered[] = [];
/** Tests waiting for a resource of this name to reach the mocks. */
const awaited = new Map<string, (registration: Registered) => void>();
let didroute: any;

beforeAll(() => {
  pulumi.runtime.setConfig("didww:apiKey", KEY);
  pulumi.runtime.setConfig("carrierx:token", KEY);
  pulumi.runtime.setMocks(
    {
      newResource(args: Registered) {
        registered.push(args);
        awaited.get(args.name)?.(args);
        // What each API reports beside the inputs: DIDWW's `number`, CarrierX's `phonenumber`.
        const reported = args.type.endsWith("/carrierx:TrunkGroup")
          ? { trunkGroupSid: CX_GROUP }
          : args.type.includes("/carrierx:")
            ? { phonenumber: "15162065574" }
            : { number: "16091609123456797" };
        const outputs = args.type === "test:index:Trunk" ? { id: TRUNK } : { ...args.inputs, ...reported };
        return { id: `${args.name}-id`, state: outputs };
      },
      call: () => ({}),
    },
    "sdk-test",
    "dev",
    false,
  );
  didroute = projectRequire("pulumi-didroute");
});

function resolved<T>(output: any): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/**
The registration of `name` as the mocks received it. It arrives once the resource's provider is serialized, which can
take a while on a busy machine; a resource that never arrives fails the test on its timeout.
*/
function registration(name: string): Promise<Registered> {
  const found = registered.find((r) => r.name === name);
  if (found) return Promise.resolve(found);
  return new Promise((resolve) => awaited.set(name, resolve));
}

describe("pulumi-didroute SDK", () => {
  it("exposes the didww namespace with its resources under their type tokens", async () => {
    const assignment = new didroute.didww.DidTrunkAssignment("route", { didId: DID, trunkId: TRUNK });
    const membership = new didroute.didww.TrunkGroupMembership("members", { trunkGroupId: GROUP, trunkIds: [TRUNK] });
    expect((await registration("route")).type).toBe("pulumi-nodejs:dynamic/didww:DidTrunkAssignment");
    expect((await registration("members")).type).toBe("pulumi-nodejs:dynamic/didww:TrunkGroupMembership");
    expect(await resolved(assignment.number)).toBe("16091609123456797");
    expect(await resolved(membership.trunkIds)).toEqual([TRUNK]);
  });

  it("takes Outputs of other resources as inputs", async () => {
    const trunk = new pulumi.CustomResource("test:index:Trunk", "trunk", {});
    new didroute.didww.DidTrunkAssignment("from-output", { didId: DID, trunkId: trunk.id.apply(() => TRUNK) });
    expect((await registration("from-output")).inputs).toMatchObject({ didId: DID, trunkId: TRUNK });
  });

  it("leaves the caller's args object untouched, so it can be reused", async () => {
    const args = { didId: DID, trunkGroupId: GROUP };
    new didroute.didww.DidTrunkAssignment("reuse-1", args);
    new didroute.didww.DidTrunkAssignment("reuse-2", args);
    await registration("reuse-2");
    expect(args).toEqual({ didId: DID, trunkGroupId: GROUP });
  });

  it("exposes the carrierx namespace with DidTrunkGroupAssignment under its type token", async () => {
    const args = { didSid: CX_DID, trunkGroupSid: CX_GROUP };
    const assignment = new didroute.carrierx.DidTrunkGroupAssignment("cx-route", args);
    new didroute.carrierx.DidTrunkGroupAssignment("cx-route-2", args);
    const registeredAs = await registration("cx-route");
    expect(registeredAs.type).toBe("pulumi-nodejs:dynamic/carrierx:DidTrunkGroupAssignment");
    expect(registeredAs.inputs).toMatchObject({ didSid: CX_DID, trunkGroupSid: CX_GROUP });
    expect(await resolved(assignment.phonenumber)).toBe("15162065574");
    expect(await resolved(assignment.trunkGroupSid)).toBe(CX_GROUP);
    await registration("cx-route-2");
    expect(args).toEqual({ didSid: CX_DID, trunkGroupSid: CX_GROUP });
  });

  it("exposes carrierx TrunkGroup and Trunk; a trunk and a DID take the group's sid from its output", async () => {
    const groupArgs = { name: "us-east", hardFailureThreshold: 5 };
    const group = new didroute.carrierx.TrunkGroup("cx-group", groupArgs);
    new didroute.carrierx.TrunkGroup("cx-group-2", groupArgs);
    new didroute.carrierx.Trunk("cx-trunk", { trunkGroupSid: group.trunkGroupSid, name: "pbx-a", codec: null });
    new didroute.carrierx.DidTrunkGroupAssignment("cx-on-group", { didSid: CX_DID, trunkGroupSid: group.trunkGroupSid });
    const registeredGroup = await registration("cx-group");
    expect(registeredGroup.type).toBe("pulumi-nodejs:dynamic/carrierx:TrunkGroup");
    // The output placeholders are undefined, so only what the program declares reaches check.
    expect(registeredGroup.inputs).toEqual({ ...groupArgs, __provider: expect.any(String) });
    const registeredTrunk = await registration("cx-trunk");
    expect(registeredTrunk.type).toBe("pulumi-nodejs:dynamic/carrierx:Trunk");
    expect(registeredTrunk.inputs).toEqual({ trunkGroupSid: CX_GROUP, name: "pbx-a", codec: null, __provider: expect.any(String) });
    expect((await registration("cx-on-group")).inputs).toMatchObject({ didSid: CX_DID, trunkGroupSid: CX_GROUP });
    expect(await resolved(group.trunkGroupSid)).toBe(CX_GROUP);
    expect(await resolved(group.hardFailureThreshold)).toBe(5);
    await registration("cx-group-2");
    expect(groupArgs).toEqual({ name: "us-east", hardFailureThreshold: 5 });
  });

  it("exposes didww VoiceInTrunk and VoiceInTrunkGroup: the SIP password is a secret, the generated credentials secret outputs", async () => {
    let options: any;
    const capture = (args: any) => {
      options = args.opts;
      return undefined;
    };
    const args = { name: "pbx-frankfurt", priority: 10, sip: { host: "pbx-fra.example.com", authPassword: "plain-in-program" } };
    const trunk = new didroute.didww.VoiceInTrunk("vi-trunk", args, { transformations: [capture] });
    new didroute.didww.VoiceInTrunkGroup("vi-group", { name: "eu-primary", trunkIds: [trunk.id] });
    const registeredTrunk = await registration("vi-trunk");
    expect(registeredTrunk.type).toBe("pulumi-nodejs:dynamic/didww:VoiceInTrunk");
    // Only what the program declares reaches check; the password arrives as a secret whatever the program passed.
    // (The mocks see the secret on `sip`: deserializing an object lifts a secret inside it to the object.)
    expect(registeredTrunk.inputs).toEqual({
      name: "pbx-frankfurt",
      priority: 10,
      sip: { [SECRET_SIG]: SECRET_VALUE, value: { host: "pbx-fra.example.com", authPassword: "plain-in-program" } },
      __provider: expect.any(String),
    });
    expect(options.additionalSecretOutputs).toEqual(["incomingAuthUsername", "incomingAuthPassword"]);
    expect(args.sip.authPassword).toBe("plain-in-program");
    const registeredGroup = await registration("vi-group");
    expect(registeredGroup.type).toBe("pulumi-nodejs:dynamic/didww:VoiceInTrunkGroup");
    expect(registeredGroup.inputs).toEqual({ name: "eu-primary", trunkIds: ["vi-trunk-id"], __provider: expect.any(String) });

    // SIP settings known only later (an Output) that carry a password are made secret too; without one they are not.
    new didroute.didww.VoiceInTrunk("vi-later", { name: "pbx-later", sip: pulumi.output({ host: "h.example.com", authPassword: "later" }) });
    new didroute.didww.VoiceInTrunk("vi-open", { name: "pbx-open", sip: pulumi.output({ host: "h.example.com" }) });
    expect((await registration("vi-later")).inputs.sip).toEqual({ [SECRET_SIG]: SECRET_VALUE, value: { host: "h.example.com", authPassword: "later" } });
    expect((await registration("vi-open")).inputs.sip).toEqual({ host: "h.example.com" });
  });

  it("serializes one small provider text per kind, free of the configured key", async () => {
    await registration("cx-route-2");
    await registration("cx-group-2");
    for (const kind of ["didww:DidTrunkAssignment", "carrierx:DidTrunkGroupAssignment", "carrierx:TrunkGroup"]) {
      const texts = registered.filter((r) => r.type.endsWith(`/${kind}`)).map((r) => r.inputs["__provider"]);
      expect(texts.length).toBeGreaterThan(1);
      expect(new Set(texts).size).toBe(1);
      expect(texts[0]).toContain(`"${kind}"`);
      expect(texts[0]).not.toContain(KEY);
      expect(texts[0].length).toBeLessThan(4096);
    }
  });
});

describe("routing.fromFile", () => {
  const scratch = scratchDir("didroute-fromfile-");
  const write = (name: string, text: string) => {
    const file = path.join(scratch, name);
    writeFileSync(file, text);
    return file;
  };
  let sandbox: any;
  beforeAll(async () => {
    const { createSandbox, exampleSeedPath, loadSeed } = projectRequire("pulumi-didroute/sandbox");
    sandbox = createSandbox({ seed: loadSeed(exampleSeedPath()) });
    const urls = await sandbox.listen(0);
    pulumi.runtime.setConfig("didww:endpoint", urls.didww);
    pulumi.runtime.setConfig("carrierx:endpoint", urls.carrierx);
  });
  afterAll(() => sandbox?.close());

  it("declares nothing, and names every problem's line, when the file is invalid", async () => {
    const before = registered.length;
    const file = write("bad.yaml", 'didww:\n  dids:\n    - number: "+16091609123456797"\n      trunk: pbx-frankfurt\n      trunkGroup: eu-primary\n    - number: 4930\n      trunk: x\n');
    await expect(didroute.routing.fromFile(file)).rejects.toThrow(
      `${file} has 2 problems; nothing was declared:\n` +
        `${file}:5:7: set trunk or trunkGroup, not both: DIDWW routes a DID to a trunk or a trunk group, never both\n` +
        `${file}:6:15: number must be a string (the number in E.164 form, e.g. "+442037691880"): YAML reads 4930 unquoted as a number; write "4930"`,
    );
    expect(sandbox.didww.requests).toHaveLength(0); // offline problems stop it before any lookup
    expect(registered.length).toBe(before);
  });

  it("declares nothing when the account lacks a name, and says which line names it", async () => {
    const before = registered.length;
    const file = write("typo.yaml", 'didww:\n  dids:\n    - number: "+16091609123456797"\n      trunk: pbx-frankfrut\n');
    await expect(didroute.routing.fromFile(file)).rejects.toThrow(
      `${file}:4:14: no DIDWW trunk is named "pbx-frankfrut" in this account`,
    );
    expect(registered.length).toBe(before);
  });

  it("names resources after what the file names, so reordering the file renames nothing", async () => {
    const entries = [
      '    - number: "+16091609123456797"\n      trunk: pbx-frankfurt\n',
      "    - id: 9df99644-f1a5-4a3c-99a4-559d758eb96b\n      trunkGroup: eu-primary\n",
    ];
    const groups = "  trunkGroups:\n    - group: eu-primary\n      trunks: [pbx-frankfurt]\n";
    const cx = 'carrierx:\n  dids:\n    - number: "+15162065574"\n      trunkGroup: us-east\n';
    const first = await didroute.routing.fromFile(write("a.yaml", `didww:\n  dids:\n${entries.join("")}${groups}${cx}`), {
      namePrefix: "a-",
    });
    const second = await didroute.routing.fromFile(write("b.yaml", `${cx}didww:\n${groups}  dids:\n${[...entries].reverse().join("")}`), {
      namePrefix: "b-",
    });
    const names = async (routing: any, prefix: string) => {
      const all = [...routing.didww.dids, ...routing.didww.trunkGroups, ...routing.carrierx.dids];
      const urns: string[] = await Promise.all(all.map((r: any) => resolved<string>(r.urn)));
      return urns.map((urn) => urn.split("::").pop()!.slice(prefix.length)).sort();
    };
    expect(await names(first, "a-")).toEqual([
      "carrierx-did-15162065574",
      "didww-did-16091609123456797",
      "didww-did-9df99644-f1a5-4a3c-99a4-559d758eb96b",
      "didww-group-eu-primary",
    ]);
    expect(await names(second, "b-")).toEqual(await names(first, "a-"));
    const frankfurt = sandbox.didww.trunks().find((t: any) => t.name === "pbx-frankfurt").id;
    expect((await registration("a-didww-did-16091609123456797")).inputs).toMatchObject({ trunkId: frankfurt });
  });
  it("declares the file's trunks and groups, gives what names them their ids (Outputs), and reads secrets from the stack's config", async () => {
    pulumi.runtime.setConfig("sdk-test:pbxMucPassword", "muc-secret-5e1a");
    const before = sandbox.didww.requests.length;
    const file = write(
      "declared.yaml",
      `didww:
  trunks:
    - name: pbx-munich
      priority: 5
      sip: { host: pbx-muc.example.com, authEnabled: true, authUser: muc, authPassword: { config: pbxMucPassword } }
    - name: pstn-munich
      pstn: { dst: "498912345670" }
  trunkGroups:
    - name: de-primary
      capacityLimit: 10
      trunks: [pstn-munich, pbx-lab]
    - group: eu-primary
      trunks: [pbx-frankfurt, pbx-munich]
  dids:
    - number: "+498912345678"
      trunk: pbx-munich
    - number: "+16091609123456797"
      trunkGroup: de-primary
carrierx:
  trunkGroups:
    - name: us-central
      hardFailureThreshold: 5
      trunks: [{ name: pbx-chicago, inCapacity: 10 }]
  dids:
    - number: "+15162065575"
      trunkGroup: us-central
`,
    );
    const routing = await didroute.routing.fromFile(file, { namePrefix: "d-" });
    expect([routing.didww.trunks, routing.didww.declaredGroups, routing.didww.trunkGroups, routing.didww.dids].map((l: unknown[]) => l.length)).toEqual([2, 1, 1, 2]);
    expect([routing.carrierx.trunkGroups, routing.carrierx.trunks, routing.carrierx.dids].map((l: unknown[]) => l.length)).toEqual([1, 1, 1]);
    const seeded = (kind: "trunks" | "trunkGroups" | "dids", name: string) =>
      sandbox.didww[kind]().find((item: any) => (item.name ?? item.number) === name).id;
    const as = async (name: string) => {
      const { type, inputs } = await registration(`d-${name}`);
      const { __provider: _provider, ...declared } = inputs;
      return [type.replace("pulumi-nodejs:dynamic/", ""), declared];
    };
    // The password is the stack's secret config, registered as a secret.
    expect(await as("didww-trunk-pbx-munich")).toEqual([
      "didww:VoiceInTrunk",
      {
        name: "pbx-munich",
        priority: 5,
        sip: { [SECRET_SIG]: SECRET_VALUE, value: { host: "pbx-muc.example.com", authEnabled: true, authUser: "muc", authPassword: "muc-secret-5e1a" } },
      },
    ]);
    // What names a declared object takes its resource's id: under mocks "<name>-id", an Output of that resource.
    expect(await as("didww-group-de-primary")).toEqual([
      "didww:VoiceInTrunkGroup",
      { name: "de-primary", capacityLimit: 10, trunkIds: ["d-didww-trunk-pstn-munich-id", seeded("trunks", "pbx-lab")] },
    ]);
    expect(await as("didww-group-eu-primary")).toEqual([
      "didww:TrunkGroupMembership",
      { trunkGroupId: seeded("trunkGroups", "eu-primary"), trunkIds: [seeded("trunks", "pbx-frankfurt"), "d-didww-trunk-pbx-munich-id"] },
    ]);
    expect(await as("didww-did-498912345678")).toEqual([
      "didww:DidTrunkAssignment",
      { didId: seeded("dids", "498912345678"), trunkId: "d-didww-trunk-pbx-munich-id" },
    ]);
    expect(await as("didww-did-16091609123456797")).toEqual([
      "didww:DidTrunkAssignment",
      { didId: seeded("dids", "16091609123456797"), trunkGroupId: "d-didww-group-de-primary-id" },
    ]);
    expect(await as("carrierx-group-us-central")).toEqual(["carrierx:TrunkGroup", { name: "us-central", hardFailureThreshold: 5 }]);
    expect(await as("carrierx-trunk-us-central-pbx-chicago")).toEqual([
      "carrierx:Trunk",
      { name: "pbx-chicago", inCapacity: 10, trunkGroupSid: "d-carrierx-group-us-central-id" },
    ]);
    expect((await as("carrierx-did-15162065575"))[1]).toMatchObject({ trunkGroupSid: "d-carrierx-group-us-central-id" });
    // Declared names are never looked up: they need not exist yet.
    const names = sandbox.didww.requests.slice(before).map((r: any) => r.query["filter[name]"] ?? "");
    expect(names.join(",")).not.toMatch(/munich|de-primary/);
  });

  it("declares nothing when the file reads config the stack does not have, and says how to set it", async () => {
    const before = { registered: registered.length, requests: sandbox.didww.requests.length };
    const file = write("missing.yaml", "didww:\n  trunks:\n    - name: pbx-x\n      sip: { host: x.example.com, authPassword: { config: pbxXPassword } }\n");
    await expect(didroute.routing.fromFile(file)).rejects.toThrow(
      `${file} has a problem; nothing was declared:\n${file}:4:59: sip.authPassword of trunk pbx-x reads the stack config ` +
        'pbxXPassword, which this stack does not have: set it with "pulumi config set --secret pbxXPassword <value>"',
    );
    expect(registered.length).toBe(before.registered);
    expect(sandbox.didww.requests.length).toBe(before.requests);
  });
});

describe("upgrades", () => {
  it("provider text written into state by version 0.1.0 still loads and runs this version's code", async () => {
    // The fixture is the exact text 0.1.0 serialized. If this fails, existing stacks could not refresh or destroy.
    const text = readFileSync(path.join(__dirname, "fixtures/provider-0.1.0-DidTrunkAssignment.js"), "utf8");
    const requireFromString = createRequire(projectRequire.resolve("@pulumi/pulumi"))("require-from-string");
    const provider = requireFromString(text).handler();
    await provider.configure({ config: { get: () => undefined } });
    expect(await provider.check({}, { didId: DID.toUpperCase(), trunkId: TRUNK })).toEqual({ inputs: { didId: DID, trunkId: TRUNK } });
    expect(await provider.diff(DID, { didId: DID, trunkId: TRUNK, trunkGroupId: null, number: "1" }, { didId: DID, trunkId: TRUNK })).toEqual({
      changes: false,
    });
    const membership = requireFromString(
      readFileSync(path.join(__dirname, "fixtures/provider-0.1.0-TrunkGroupMembership.js"), "utf8"),
    ).handler();
    expect(await membership.check({}, { trunkGroupId: GROUP, trunkIds: [] })).toEqual({ inputs: { trunkGroupId: GROUP, trunkIds: [] } });
    const carrierx = requireFromString(
      readFileSync(path.join(__dirname, "fixtures/provider-0.1.0-DidTrunkGroupAssignment.js"), "utf8"),
    ).handler();
    await carrierx.configure({ config: { get: () => undefined } });
    expect(await carrierx.check({}, { didSid: CX_DID.toUpperCase(), trunkGroupSid: CX_GROUP })).toEqual({
      inputs: { didSid: CX_DID, trunkGroupSid: CX_GROUP },
    });
    const olds = { didSid: CX_DID, trunkGroupSid: CX_GROUP, phonenumber: "15162065574" };
    expect(await carrierx.diff(CX_DID, olds, { didSid: CX_DID, trunkGroupSid: CX_GROUP })).toEqual({ changes: false });
  });
});

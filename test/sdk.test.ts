import { createRequire } from "node:module";
import * as path from "node:path";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";

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

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
}
const registered: Registered[] = [];
let didroute: any;

beforeAll(() => {
  pulumi.runtime.setConfig("didww:apiKey", KEY);
  pulumi.runtime.setConfig("carrierx:token", KEY);
  pulumi.runtime.setMocks(
    {
      newResource(args: Registered) {
        registered.push(args);
        // What each API reports beside the inputs: DIDWW's `number`, CarrierX's `phonenumber`.
        const reported = args.type.includes("/carrierx:") ? { phonenumber: "15162065574" } : { number: "16091609123456797" };
        const outputs = args.type.endsWith("Trunk") ? { id: TRUNK } : { ...args.inputs, ...reported };
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

async function registration(name: string): Promise<Registered> {
  for (let i = 0; i < 200; i++) {
    const found = registered.find((r) => r.name === name);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${name} was never registered`);
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

  it("serializes one small provider text per kind, free of the configured key", async () => {
    await registration("cx-route-2");
    for (const kind of ["didww:DidTrunkAssignment", "carrierx:DidTrunkGroupAssignment"]) {
      const texts = registered.filter((r) => r.type.endsWith(`/${kind}`)).map((r) => r.inputs["__provider"]);
      expect(texts.length).toBeGreaterThan(1);
      expect(new Set(texts).size).toBe(1);
      expect(texts[0]).toContain(`"${kind}"`);
      expect(texts[0]).not.toContain(KEY);
      expect(texts[0].length).toBeLessThan(4096);
    }
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

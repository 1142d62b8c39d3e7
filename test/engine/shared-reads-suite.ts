import { describe, expect, it } from "vitest";
import { createSandbox, derivedId, type RecordedRequest, type Sandbox } from "../../sandbox";
import { type Declared } from "./engine";
import { useEngineFixture } from "./fixture";
import { secret } from "./host";
import { MODE_LABELS, type Mode } from "../setup/projects";

/**
Reads shared by concurrent operations (provider/batch.ts), through @pulumi/pulumi's real dynamic-provider host with
the engine's `--parallel`: a refresh of many resources costs one request per API and kind, a create that finds its
object already as declared sends no PATCH, an object missing from a shared answer is gone for it alone, and a failed
shared request is retried for (or fails) every operation that waited for it.

Operations are served together when they wait for the same slot of the rate limiter. So that the count of requests
does not depend on how fast the host took the engine's RPCs, each scenario runs at 1 request per second and starts
with a lone operation (whose one request it also asserts): the operations of every later phase then queue behind a
slot taken a moment before, and each kind is served by exactly one request. A phase that needs a new process (a
delete after creates) cannot start behind a taken slot: there the first operation may find the slot free and go
alone, and the assertions allow for that one.
*/
const API_KEY = "didww-shared-reads-key-4e8a1c";
const TOKEN = "carrierx-shared-reads-token-b73f02";
const DID = "didww:DidTrunkAssignment";
const MEMBERS = "didww:TrunkGroupMembership";
const CX = "carrierx:DidTrunkGroupAssignment";

const trunks = ["pbx-a", "pbx-b", "pbx-c", "pbx-d"].map((name) => ({ id: derivedId("didww", "trunk", name), name }));
const groups = [
  { id: derivedId("didww", "trunkGroup", "g-1"), name: "g-1", trunkIds: [trunks[0]!.id] },
  { id: derivedId("didww", "trunkGroup", "g-2"), name: "g-2", trunkIds: [trunks[1]!.id] },
  { id: derivedId("didww", "trunkGroup", "g-3"), name: "g-3", trunkIds: [] as string[] },
];
/** Twelve DIDs: every third on a group, the rest on a trunk. */
const dids = Array.from({ length: 12 }, (_, i) => {
  const number = String(4_930_400_000_000 + i);
  const routing = i % 3 === 2 ? { trunkId: null, trunkGroupId: groups[i % 2]!.id } : { trunkId: trunks[i % 4]!.id, trunkGroupId: null };
  return { id: derivedId("didww", "did", number), number, ...routing };
});
const cxGroups = ["us-east", "us-west"].map((name) => ({ sid: derivedId("carrierx", "trunkGroup", name), name }));
const cxDids = Array.from({ length: 5 }, (_, i) => {
  const phonenumber = String(15_162_070_000 + i);
  return { sid: derivedId("carrierx", "did", phonenumber), phonenumber, trunkGroupSid: cxGroups[i % 2]!.sid };
});

function seed() {
  return {
    didww: { trunks, trunkGroups: groups, dids },
    carrierx: { trunkGroups: cxGroups, dids: cxDids },
  };
}

/** DIDWW DID i as its routing is now: the declaration a routed account exports. */
const asRouted = (i: number): Declared => {
  const did = dids[i]!;
  const target = did.trunkId !== null ? { trunkId: did.trunkId } : { trunkGroupId: did.trunkGroupId };
  return { name: `did-${i}`, kind: DID, inputs: { didId: did.id, ...target } };
};
const groupAsRouted = (g: number): Declared => ({
  name: `group-${g}`,
  kind: MEMBERS,
  inputs: { trunkGroupId: groups[g]!.id, trunkIds: groups[g]!.trunkIds },
});
const cxAsRouted = (i: number): Declared => ({
  name: `cx-${i}`,
  kind: CX,
  inputs: { didSid: cxDids[i]!.sid, trunkGroupSid: cxDids[i]!.trunkGroupSid },
});

/** One request as a line: method, path, and the ids a shared read asked for (sorted). */
function line(request: RecordedRequest): string {
  const ids = request.query["filter[id]"];
  return `${request.method} ${request.path}${ids === undefined ? "" : ` [${ids.split(",").sort().join(",")}]`}`;
}
const sharedRead = (path: string, ids: string[]) => `GET ${path} [${[...ids].sort().join(",")}]`;

export function defineSharedReadsEngineSuite(mode: Mode): void {
  describe(`reads shared by concurrent operations, through the dynamic-provider host (${MODE_LABELS[mode]})`, () => {
    const f = useEngineFixture({
      mode,
      sandbox: () => createSandbox({ seed: seed(), apiKey: API_KEY, token: TOKEN }) as Sandbox,
      basePath: "",
      config: (origin) => ({
        "didww:apiKey": secret(API_KEY),
        "didww:endpoint": `${origin}/v3`,
        "carrierx:token": secret(TOKEN),
        "carrierx:endpoint": `${origin}/core/v2`,
        // One slot per second: every operation of a phase has arrived before the next slot (see above).
        "didww:maxRequestsPerSecond": "1",
        "carrierx:maxRequestsPerSecond": "1",
        // Short enough for a request that keeps failing to fail within the test, long enough for one retry.
        "didww:operationTimeoutSeconds": "2",
        "carrierx:operationTimeoutSeconds": "2",
      }),
    });
    // Retries wait a quarter of what the policy asks (provider/http.ts), as in the fault matrix.
    const stack = () => f.engine({ env: { HOME: process.env["HOME"], PULUMI_DIDROUTE_TEST_WAIT_SCALE: "0.25" } });
    /** The requests DIDWW (or CarrierX) received from the `from`-th on, as lines. */
    const didww = (from = 0) => f.sandbox.didww.requests.slice(from).map(line);
    const carrierx = (from = 0) => f.sandbox.carrierx.requests.slice(from).map(line);
    const adopted = (log: string) =>
      log
        .split("\n")
        .filter((l) => l.startsWith("pulumi-didroute: already as declared, adopted without a PATCH"))
        .flatMap((l) => l.replace(/^[^:]*:[^:]*: /, "").split(", "));

    it("DIDWW: creates adopt what is already as declared without a PATCH; refreshes read many resources in one request", async () => {
      const s = f.sandbox;
      const up = stack();
      // did-0 is routed elsewhere first: a lone create sends its PATCH at once, no read (and takes the slot).
      s.didww.setDidRouting(dids[0]!.id, { trunkId: trunks[3]!.id, trunkGroupId: null });
      const first = await up.up([asRouted(0)]);
      expect(first.failures).toEqual([]);
      expect(didww()).toEqual([`PATCH /v3/dids/${dids[0]!.id}`]);

      // The exported file's first up: everything but did-1 and group-2 is already as declared.
      s.didww.setDidRouting(dids[1]!.id, { trunkId: null, trunkGroupId: null });
      s.didww.setTrunkGroupMembers(groups[2]!.id, [trunks[3]!.id]);
      const program = [...dids.map((_, i) => asRouted(i)), ...groups.map((_, g) => groupAsRouted(g))];
      const adopt = await up.up(program, { parallel: 20 });
      expect(adopt.failures).toEqual([]);
      expect(adopt.steps.filter((step) => step.op === "create")).toHaveLength(11 + 3);
      expect(didww(1).sort()).toEqual(
        [
          sharedRead("/v3/dids", dids.slice(1).map((d) => d.id)),
          sharedRead("/v3/voice_in_trunk_groups", groups.map((g) => g.id)),
          `PATCH /v3/dids/${dids[1]!.id}`,
          `PATCH /v3/voice_in_trunk_groups/${groups[2]!.id}`,
        ].sort(),
      );
      expect(adopted(adopt.log).sort()).toEqual(
        [...dids.slice(2).map((d) => `DIDWW DID +${d.number}`), ...groups.slice(0, 2).map((g) => `DIDWW trunk group ${g.id}`)].sort(),
      );
      // Outputs as a PATCH would have left them, adopted or not.
      dids.forEach((did, i) => {
        expect(up.output(`did-${i}`, DID)).toMatchObject({ didId: did.id, trunkId: did.trunkId, trunkGroupId: did.trunkGroupId, number: did.number });
        expect(s.didww.did(did.id)).toMatchObject({ trunkId: did.trunkId, trunkGroupId: did.trunkGroupId });
      });
      expect(up.output("group-2", MEMBERS)).toMatchObject({ trunkGroupId: groups[2]!.id, trunkIds: [] });
      expect(s.didww.trunkGroupMembers(groups[2]!.id)).toEqual([]);

      // up --refresh with nothing changed: 15 reads, one request per kind.
      let from = s.didww.requests.length;
      const refresh = await up.refresh({ parallel: 20 });
      expect(refresh.failures).toEqual([]);
      expect(refresh.steps.filter((step) => step.op === "refresh")).toHaveLength(15);
      expect(didww(from).sort()).toEqual(
        [sharedRead("/v3/dids", dids.map((d) => d.id)), sharedRead("/v3/voice_in_trunk_groups", groups.map((g) => g.id))].sort(),
      );
      expect(s.didww.requests.slice(from).every((r) => r.query["include"] !== undefined)).toBe(true);

      // Two DIDs left the account and one was re-routed by hand: the shared answer lacks the two, for them alone.
      s.didww.removeDid(dids[4]!.id);
      s.didww.removeDid(dids[5]!.id);
      s.didww.setDidRouting(dids[6]!.id, { trunkId: trunks[1]!.id, trunkGroupId: null });
      from = s.didww.requests.length;
      const drifted = await up.refresh({ parallel: 20 });
      expect(drifted.failures).toEqual([]);
      expect(drifted.steps.filter((step) => step.op === "gone").map((step) => step.name).sort()).toEqual(["did-4", "did-5"]);
      expect(didww(from)).toHaveLength(2);
      expect(up.output("did-4", DID)).toBeUndefined();
      expect(up.output("did-6", DID)).toMatchObject({ trunkId: trunks[1]!.id, trunkGroupId: null });
      expect(up.output("did-7", DID)).toMatchObject({ trunkId: dids[7]!.trunkId });

      // A shared read answered 503 is retried once for all that waited; one that keeps failing fails each, naming its
      // DID, after the attempts the sandbox saw. The DIDs alone, so that the first request of the phase is theirs.
      const didsOnly = f.engine({ env: { HOME: process.env["HOME"], PULUMI_DIDROUTE_TEST_WAIT_SCALE: "0.25" } });
      for (const [urn, entry] of up.state) if (entry.kind === DID) didsOnly.state.set(urn, entry);
      const remaining = dids.filter((_, i) => i !== 4 && i !== 5).map((d) => d.id);
      from = s.didww.requests.length;
      s.faults.next([{ status: 503 }]);
      const retried = await didsOnly.refresh({ parallel: 20 });
      expect(retried.failures).toEqual([]);
      expect(didww(from)).toEqual([sharedRead("/v3/dids", remaining), sharedRead("/v3/dids", remaining)]);
      expect(s.faults.stats().byStatus["503"]).toBe(1);

      from = s.didww.requests.length;
      s.faults.next(Array.from({ length: 8 }, () => ({ status: 503 as const })));
      const failed = await didsOnly.refresh({ parallel: 20 });
      s.faults.reset(); // the scripted faults the retries did not use
      const attempts = didww(from);
      expect(attempts.length).toBeGreaterThanOrEqual(1);
      expect(new Set(attempts)).toEqual(new Set([sharedRead("/v3/dids", remaining)]));
      const spent =
        attempts.length === 1
          ? ""
          : ` \\(after ${attempts.length} attempts over \\d+\\.\\d s; the didww:operationTimeoutSeconds budget of 2 s was spent\\)`;
      expect(failed.failures.map((failure) => failure.name).sort()).toEqual(
        dids.map((_, i) => `did-${i}`).filter((name) => name !== "did-4" && name !== "did-5").sort(),
      );
      for (const failure of failed.failures) {
        const id = didsOnly.state.get([...didsOnly.state.keys()].find((urn) => urn.endsWith(`::${failure.name}`))!)!.id;
        expect(failure.message).toMatch(new RegExp(`^DIDWW answered 503 to GET /v3/dids for DID ${id}: Service Unavailable${spent}$`));
      }
      // Nothing was dropped from state: a failed read is not a gone DID.
      expect(didsOnly.state.size).toBe(10);
    });

    it("CarrierX: creates started together share the partner's list; refresh reads them with one request", async () => {
      const s = f.sandbox;
      const up = stack();
      const first = await up.up([cxAsRouted(0)]);
      expect(first.failures).toEqual([]);
      expect(carrierx()).toEqual([`PATCH /core/v2/phonenumber/dids/${cxDids[0]!.sid}`]);

      s.carrierx.setDidTrunkGroup(cxDids[1]!.sid, null);
      const adopt = await up.up(cxDids.map((_, i) => cxAsRouted(i)), { parallel: 10 });
      expect(adopt.failures).toEqual([]);
      expect(carrierx(1).sort()).toEqual(["GET /core/v2/phonenumber/dids", `PATCH /core/v2/phonenumber/dids/${cxDids[1]!.sid}`].sort());
      expect(adopted(adopt.log).sort()).toEqual(cxDids.slice(2).map((d) => `CarrierX DID +${d.phonenumber}`).sort());
      cxDids.forEach((did, i) => {
        expect(up.output(`cx-${i}`, CX)).toMatchObject({ didSid: did.sid, trunkGroupSid: did.trunkGroupSid, phonenumber: did.phonenumber });
      });

      s.carrierx.removeDid(cxDids[3]!.sid);
      const from = s.carrierx.requests.length;
      const refresh = await up.refresh({ parallel: 10 });
      expect(refresh.failures).toEqual([]);
      expect(carrierx(from)).toEqual(["GET /core/v2/phonenumber/dids"]);
      expect(refresh.steps.filter((step) => step.op === "gone")).toEqual([{ op: "gone", name: "cx-3" }]);
    });

    it("a rename in one deployment keeps every routing, also where the new resource's create sent no PATCH; destroy reads first", async () => {
      const s = f.sandbox;
      const up = stack();
      const program = [...dids.slice(0, 4).map((_, i) => asRouted(i)), groupAsRouted(0), groupAsRouted(1)];
      expect((await up.up(program, { parallel: 10 })).failures).toEqual([]);
      const from = s.didww.requests.length;
      // The rename deletes, so it runs in a new process (hosts.ts): the first create of each kind may find the slot
      // free and send its PATCH alone; every other create adopts without one.
      const renamed = await up.up(program.map((r) => ({ ...r, name: `${r.name}-renamed` })), { parallel: 10 });
      expect(renamed.failures).toEqual([]);
      const patches = didww(from).filter((l) => l.startsWith("PATCH"));
      expect(patches.filter((l) => l.startsWith("PATCH /v3/dids/")).length).toBeLessThanOrEqual(1);
      expect(patches.filter((l) => l.startsWith("PATCH /v3/voice_in_trunk_groups/")).length).toBeLessThanOrEqual(1);
      expect(adopted(renamed.log)).toHaveLength(program.length - patches.length);
      for (const resource of program) expect(renamed.steps).toContainEqual({ op: "delete", name: resource.name });
      for (const did of dids.slice(0, 4)) {
        expect(renamed.log).toContain(`DID ${did.id} was routed by another resource in this deployment`);
        expect(s.didww.did(did.id)).toMatchObject({ trunkId: did.trunkId, trunkGroupId: did.trunkGroupId });
      }
      for (const group of groups.slice(0, 2)) expect(s.didww.trunkGroupMembers(group.id)).toEqual(group.trunkIds);

      // destroy: one DID already gone, one unrouted by hand; only the routed ones are cleared.
      s.didww.removeDid(dids[0]!.id);
      s.didww.setDidRouting(dids[1]!.id, { trunkId: null, trunkGroupId: null });
      const before = s.didww.requests.length;
      const destroy = await up.destroy({ parallel: 10 });
      expect(destroy.failures).toEqual([]);
      expect(up.state.size).toBe(0);
      for (const did of dids.slice(1, 4)) expect(s.didww.did(did.id)).toMatchObject({ trunkId: null, trunkGroupId: null });
      for (const group of groups.slice(0, 2)) expect(s.didww.trunkGroupMembers(group.id)).toEqual([]);
      const sent = didww(before);
      // The 2 routed DIDs and the 2 groups are cleared; the DID gone and the DID unrouted cost no PATCH (unless one of
      // them was the lone first delete); the rest read in at most one request per kind.
      const cleared = sent.filter((l) => l.startsWith("PATCH"));
      expect(cleared.length).toBeGreaterThanOrEqual(4);
      expect(cleared.length).toBeLessThanOrEqual(5);
      expect(sent.filter((l) => l.startsWith("GET")).length).toBeLessThanOrEqual(2);
    });
  });
}

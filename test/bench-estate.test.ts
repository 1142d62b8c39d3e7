import { describe, expect, it } from "vitest";
import { runEstate, type PhaseFigures } from "../bench/estate.mts";
import { providersOf } from "./setup/projects";

/**
The large-estate part of `npm run bench` (bench/estate.mts) at a small scale: 40 DIDs in 4 groups at the bench's
10 requests per second, 8 operations in flight. The bench counts requests with its own server in front of the
sandbox; here those counts must equal the sandbox's own log, kind by kind, and meet the bench's goals at this scale.
Counts only: how long anything took is not asserted.
*/
describe("npm run bench: the large estate, at a small scale", () => {
  it("reports the requests the sandbox logged, and meets its goals: shared reads, no PATCH, a short export", async () => {
    const result = await runEstate(
      providersOf("repository"),
      { dids: 40, groups: 4, trunks: 12, rate: 10, inFlight: [8], runs: 1 },
      { keepLog: true },
    );
    const [run] = result.runs;
    const { up, refresh } = run!.byInFlight[0]!;
    const exported = run!.export;
    const logged = (phase: Pick<PhaseFigures, "logged">, method?: string) =>
      phase.logged!.filter((request) => method === undefined || request.method === method).length;
    for (const phase of [up, refresh, exported]) {
      expect(phase.requests).toBe(logged(phase));
      expect(phase.gets).toBe(logged(phase, "GET"));
      expect(phase.throttled).toBe(0);
    }
    expect(up.patches).toBe(logged(up, "PATCH"));
    expect([up.problems, refresh.problems, exported.problems]).toEqual([[], [], []]);

    // 44 resources, 8 at a time, every one already as declared: the creates and reads share list requests. (Each
    // phase starts in a new host, where the first operation of a kind may find the slot free and go alone: a lone
    // create sends its PATCH, a lone read its GET of the one object. The engine suite asserts the exact requests.)
    expect(up.patches).toBeLessThanOrEqual(2);
    for (const phase of [up, refresh]) {
      expect(phase.requests).toBeLessThanOrEqual(Math.ceil(44 / 8) + 5);
      const shared = phase.logged!.filter((request) => request.query["filter[id]"] !== undefined);
      expect(shared.length).toBeGreaterThanOrEqual(phase.requests - 2 * 2);
    }
    // The export: one page of DIDs, one of trunks, one of groups.
    expect(exported.available).toBe(true);
    expect(exported.logged!.map((r) => r.path)).toEqual(["/v3/dids", "/v3/voice_in_trunks", "/v3/voice_in_trunk_groups"]);
    expect(result.summary.byInFlight[0]).toMatchObject({ inFlight: 8, up: { requests: up.requests, patches: up.patches }, refresh: { requests: refresh.requests } });
    expect(result.summary.export).toMatchObject({ available: true, requests: 3 });
  });
});

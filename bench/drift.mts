/**
The drift part of `npm run bench` (called from bench/run.mts after the create runs): how a drift check of 1,000 DIDWW
DIDs costs with `didroute plan` against one Read per resource through the dynamic-provider host (what
`pulumi refresh --parallel` does), against the sandbox limited to 20 requests per second with 20 ms latency.

- A fresh sandbox with 1,000 DIDs, every one routed (most to one of four trunks, every fifth to a trunk group); then
  10 of them re-routed by hand in the sandbox, each to a trunk other DIDs ring too: the drift to find.
- `plan`: the built CLI (`node dist/cli/index.js plan FILE --format json --detailed-exitcode`) as a child process, for
  two routing files declaring all 1,000 DIDs by number with their original routing: trunks and the group by name (the
  realistic file) and by id. Wall time is spawn to exit (Node start included); requests as the sandbox counts them.
- Reads: one host, configured as the engine does, sent 1,000 Read RPCs at once with the state each resource held
  before the drift. Wall time is first Read sent to last answer (host start and Configure excluded).

Goals: plan requests <= 10 for each file. Each measurement also checks that it found exactly the 10 drifted DIDs.
(Before shared reads, each Read was a GET of its own, and a goal was plan >= 50x faster than the reads. The reads now
share requests (provider/batch.ts): how many depends on how fast the host takes 1,000 RPCs at once, so their
requests and the speed-up are shown, and the large estate (estate.mts) holds the goals for shared reads.)
*/
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { derivedId, type Sandbox } from "../dist/sandbox/index.js";
import type { Host } from "../test/engine/host.ts";
import { endHosts, median, root, round, runProcess, sendAll, startConfiguredHost, type Goal } from "./harness.mts";
import { API_KEY, LATENCY_MS, routingOf, serveWorld, trunkGroup, trunks, type Routing } from "./world.mts";

export const DRIFT = {
  dids: 1000,
  drifted: 10,
  rate: 20,
  /** How many times each plan runs; its wall time is the median (a Node start varies more than the requests). */
  planRuns: 3,
  goals: { maxPlanRequests: 10 },
} as const;

// --- The world -----------------------------------------------------------------------------------------------------

const dids = Array.from({ length: DRIFT.dids }, (_, i) => {
  const number = String(4_930_200_000_000 + i);
  return { index: i, id: derivedId("didww", "did", number), number, ...routingOf(i) };
});

/**
The hand drift, spread over the file: five DIDs moved from their trunk to the next one, five moved from the group to
a trunk. Every target trunk is one that other DIDs ring as well.
*/
const drift = new Map<string, Routing>(
  Array.from({ length: DRIFT.drifted }, (_, k) => {
    const did = dids[100 * k + (k % 2 === 0 ? 3 : 4)]!;
    const trunk = did.trunkId !== null ? trunks[(did.index + 1) % trunks.length]! : trunks[did.index % trunks.length]!;
    return [did.id, { trunkId: trunk.id, trunkGroupId: null }] as const;
  }),
);

/** The line of DID i's entry in the files written by `routingFile`. */
const lineOf = (index: number) => 3 + 2 * index;

function routingFile(by: "name" | "id"): string {
  const lines = ["didww:", "  dids:"];
  for (const did of dids) {
    lines.push(`    - number: "+${did.number}"`);
    if (did.trunkId !== null) {
      lines.push(`      trunk: ${by === "id" ? did.trunkId : trunks.find((t) => t.id === did.trunkId)!.name}`);
    } else {
      lines.push(`      trunkGroup: ${by === "id" ? trunkGroup.id : trunkGroup.name}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

// --- Sandbox counters ----------------------------------------------------------------------------------------------

interface Counted {
  requests: number;
  gets: number;
  throttled: number;
  byStatus: Record<string, number>;
  /** GETs by path with their filter or include (first few), to show what was asked. */
  sample: string[];
}

/** Starts a measurement: zeroes the fault counters and rate-limit windows, and marks the request log. */
function mark(sandbox: Sandbox): () => Counted {
  sandbox.faults.reset();
  const from = sandbox.didww.requests.length;
  return () => {
    const stats = sandbox.faults.stats();
    const logged = sandbox.didww.requests.slice(from);
    const gets = logged.filter((r) => r.method === "GET");
    return {
      requests: stats.requests,
      gets: gets.length,
      throttled: stats.throttled,
      byStatus: stats.byStatus,
      sample: gets.slice(0, 12).map((r) => {
        const filter = Object.entries(r.query).find(([key]) => key.startsWith("filter["));
        const shown = filter ? `${filter[0]}=<${filter[1].split(",").length} values>` : "";
        return `${r.method} ${r.path}${shown ? `?${shown}` : ""}`;
      }),
    };
  };
}

// --- plan ----------------------------------------------------------------------------------------------------------

interface PlanRun {
  wallMs: number;
  /** When requests reached the API (after the sandbox's latency), ms since spawn. */
  requestsAtMs: number[];
  exitCode: number | null;
  counted: Counted;
  changes: number | null;
  /** Why the plan's answer is not exactly the drift (empty: it is). */
  wrong: string[];
  stderr: string;
}

export interface PlanFigures {
  file: "by name" | "by id";
  /** Median over the runs. */
  wallSeconds: number;
  wallSecondsEach: number[];
  exitCode: number | null;
  requests: number;
  gets: number;
  throttled: number;
  changes: number | null;
  unchanged: number | null;
  correct: boolean;
  problems: string[];
  requestsAsked: string[];
  /** Of the median run: when the first and last request reached the API, ms since spawn, and the median gap. */
  timing: { firstRequestMs: number; lastRequestMs: number; medianGapMs: number };
}

/** The built CLI, as `npx didroute` runs it. */
const cli = path.join(root, "dist", "cli", "index.js");

/**
Records when each DIDWW request reaches the API (the fault layer calls the API's handle() at the time of the call,
after the latency it adds), for the plan's timing: diagnostics only.
*/
function recordArrivals(sandbox: Sandbox): number[] {
  const arrivals: number[] = [];
  const api = sandbox.didww as unknown as { handle: (...args: unknown[]) => Promise<void> };
  const handle = api.handle.bind(api);
  api.handle = (...args) => {
    arrivals.push(performance.now());
    return handle(...args);
  };
  return arrivals;
}

async function runPlan(sandbox: Sandbox, file: string, arrivals: number[]): Promise<PlanRun & { unchanged: number | null }> {
  const env = {
    DIDWW_ENDPOINT: sandbox.urls.didww,
    DIDWW_API_KEY: API_KEY,
    DIDWW_MAX_REQUESTS_PER_SECOND: String(DRIFT.rate),
    HOME: process.env["HOME"],
    PATH: process.env["PATH"],
  };
  const counted = mark(sandbox);
  const from = arrivals.length;
  const spawnedAt = performance.now();
  const run = await runProcess([cli, "plan", file, "--format", "json", "--detailed-exitcode"], env);
  const wrong: string[] = [];
  let changes: number | null = null;
  let unchanged: number | null = null;
  if (run.exitCode !== 2) wrong.push(`exit code ${run.exitCode}, not 2`);
  try {
    const plan = JSON.parse(run.stdout) as { inSync: boolean; unchanged: number; changes: any[] };
    changes = plan.changes.length;
    unchanged = plan.unchanged;
    wrong.push(...checkPlan(plan));
  } catch (error) {
    wrong.push(`no JSON plan on stdout (${(error as Error).message})`);
  }
  const requestsAtMs = arrivals.slice(from).map((t) => t - spawnedAt);
  return { wallMs: run.wallMs, requestsAtMs, exitCode: run.exitCode, counted: counted(), changes, unchanged, wrong, stderr: run.stderr.slice(0, 2000) };
}

/** The plan must list exactly the drifted DIDs, each from its drifted routing to its original one, at its line. */
function checkPlan(plan: { inSync: boolean; unchanged: number; changes: any[] }): string[] {
  const wrong: string[] = [];
  if (plan.inSync) wrong.push("inSync is true");
  if (plan.unchanged !== DRIFT.dids - DRIFT.drifted) wrong.push(`unchanged ${plan.unchanged}, not ${DRIFT.dids - DRIFT.drifted}`);
  if (plan.changes.length !== DRIFT.drifted) wrong.push(`${plan.changes.length} changes, not ${DRIFT.drifted}`);
  const routeId = (route: any): string | null => route?.trunk?.id ?? route?.trunkGroup?.id ?? null;
  const seen = new Set<string>();
  for (const change of plan.changes) {
    const did = dids.find((d) => d.id === change?.target?.id);
    const drifted = did && drift.get(did.id);
    if (did === undefined || drifted === undefined) {
      wrong.push(`change for a DID that did not drift: ${JSON.stringify(change?.target)}`);
      continue;
    }
    seen.add(did.id);
    const problems = [
      String(change.target.number).replace(/^\+/, "") !== did.number && `number ${change.target.number}`,
      routeId(change.from) !== (drifted.trunkId ?? drifted.trunkGroupId) && `from ${JSON.stringify(change.from)}`,
      routeId(change.to) !== (did.trunkId ?? did.trunkGroupId) && `to ${JSON.stringify(change.to)}`,
      change.request?.method !== "PATCH" && `request ${change.request?.method}`,
      change.line !== lineOf(did.index) && `line ${change.line}, not ${lineOf(did.index)}`,
    ].filter(Boolean);
    if (problems.length > 0) wrong.push(`+${did.number}: ${problems.join("; ")}`);
  }
  for (const id of drift.keys()) if (!seen.has(id)) wrong.push(`drifted DID ${id} not in the plan`);
  return wrong;
}

// --- Reads through the host ----------------------------------------------------------------------------------------

export interface ReadFigures {
  wallSeconds: number;
  reads: number;
  requests: number;
  gets: number;
  throttled: number;
  failures: number;
  failureSamples: string[];
  /** Reads whose routing differs from the state they were given. */
  drifted: number;
  correct: boolean;
  problems: string[];
  readLatencySeconds: { p50: number; max: number };
}

async function runReads(sandbox: Sandbox, providerText: string): Promise<ReadFigures> {
  let host: Host | undefined;
  try {
    const started = await startConfiguredHost(sandbox, String(DRIFT.rate));
    host = started.host;
    const { provider, Struct } = host.proto;
    const requests = dids.map((did) => {
      const read = new provider.ReadRequest();
      read.setId(did.id);
      read.setUrn(`urn:pulumi:bench::didroute::pulumi-nodejs:dynamic/didww:DidTrunkAssignment::did-${did.index}`);
      // What state holds after the create, before the drift: outputs, and inputs as check stored them.
      const target = did.trunkId !== null ? { trunkId: did.trunkId } : { trunkGroupId: did.trunkGroupId };
      read.setProperties(
        Struct.fromJavaScript({
          didId: did.id,
          trunkId: did.trunkId,
          trunkGroupId: did.trunkGroupId,
          number: did.number,
          __provider: providerText,
        }),
      );
      read.setInputs(Struct.fromJavaScript({ didId: did.id, ...target, __provider: providerText }));
      return { did, read };
    });

    const counted = mark(sandbox);
    const problems: string[] = [];
    const differing = new Set<string>();
    const reads = await sendAll(
      requests,
      ({ did }) => `+${did.number}`,
      async ({ did, read }) => {
        const response = await started.host.rpc("read", read);
        const props = response.getProperties()?.toJavaScript() ?? {};
        if (response.getId() !== did.id) throw { details: `read answered id ${JSON.stringify(response.getId())}` };
        if (props.trunkId !== did.trunkId || props.trunkGroupId !== did.trunkGroupId) {
          differing.add(did.id);
          const drifted = drift.get(did.id);
          if (drifted === undefined || props.trunkId !== drifted.trunkId || props.trunkGroupId !== drifted.trunkGroupId) {
            problems.push(`+${did.number}: read ${JSON.stringify({ trunkId: props.trunkId, trunkGroupId: props.trunkGroupId })}`);
          }
        }
      },
    );
    const figures = counted();
    for (const id of drift.keys()) if (!differing.has(id)) problems.push(`drifted DID ${id} read as in state`);
    if (reads.failures > 0) problems.push(`${reads.failures} reads failed`);
    const sorted = reads.latencies.sort((a, b) => a - b);
    return {
      wallSeconds: round(reads.wallMs / 1000, 3),
      reads: dids.length,
      requests: figures.requests,
      gets: figures.gets,
      throttled: figures.throttled,
      failures: reads.failures,
      failureSamples: reads.failureSamples,
      drifted: differing.size,
      correct: problems.length === 0 && differing.size === DRIFT.drifted,
      problems: problems.slice(0, 10),
      readLatencySeconds: { p50: round(sorted[Math.floor(sorted.length / 2)]! / 1000, 3), max: round(sorted.at(-1)! / 1000, 3) },
    };
  } finally {
    await endHosts(host);
  }
}

// --- The whole drift part ------------------------------------------------------------------------------------------

export interface DriftGoal extends Goal {
  file: string;
}

export interface DriftResult {
  parameters: {
    dids: number;
    drifted: number;
    sandboxRatePerSecond: number;
    sandboxLatencyMs: number;
    trunks: number;
    trunkGroups: number;
    planRuns: number;
  };
  /** Node start and CLI load alone: `plan --help`, median wall of the runs (no request). */
  cliStartSeconds: number;
  plan: { byName: PlanFigures; byId: PlanFigures };
  reads: ReadFigures;
  speedup: { byName: number; byId: number };
  goals: { allPassed: boolean; checks: DriftGoal[] };
}

/** `providerText`: the captured `__provider` of didww:DidTrunkAssignment (state holds it in properties and inputs). */
export async function runDrift(providerText: string): Promise<DriftResult> {
  const sandbox = await serveWorld(
    dids.map(({ id, number, trunkId, trunkGroupId }) => ({ id, number, trunkId, trunkGroupId })),
    DRIFT.rate,
  );
  const dir = mkdtempSync(path.join(os.tmpdir(), "didroute-bench-drift-"));
  try {
    for (const [id, routing] of drift) sandbox.didww.setDidRouting(id, routing);
    for (const [id, routing] of drift) {
      const live = sandbox.didww.did(id);
      if (live?.trunkId !== routing.trunkId || live?.trunkGroupId !== routing.trunkGroupId) {
        throw new Error(`the hand drift of DID ${id} did not take: ${JSON.stringify(live)}`);
      }
    }
    const files = { byName: path.join(dir, "routing-by-name.yaml"), byId: path.join(dir, "routing-by-id.yaml") };
    writeFileSync(files.byName, routingFile("name"));
    writeFileSync(files.byId, routingFile("id"));

    const arrivals = recordArrivals(sandbox);
    const startWalls: number[] = [];
    for (let i = 0; i < DRIFT.planRuns; i++) {
      const help = await runProcess([cli, "plan", "--help"], { PATH: process.env["PATH"] });
      startWalls.push(help.wallMs);
    }

    const plan = async (name: PlanFigures["file"], file: string): Promise<PlanFigures> => {
      const runs: (PlanRun & { unchanged: number | null })[] = [];
      for (let i = 0; i < DRIFT.planRuns; i++) runs.push(await runPlan(sandbox, file, arrivals));
      // Requests and answers must be the same on every run; the figures shown are the worst run's.
      const worst = runs.reduce((a, b) => (b.counted.requests > a.counted.requests ? b : a));
      const problems = [...new Set(runs.flatMap((r) => r.wrong))];
      if (new Set(runs.map((r) => r.counted.requests)).size > 1) {
        problems.push(`requests differ between runs: ${runs.map((r) => r.counted.requests).join(", ")}`);
      }
      const stderr = runs.find((r) => r.stderr.trim() !== "")?.stderr.trim();
      if (stderr) problems.push(`stderr: ${stderr}`);
      const medianRun = [...runs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(runs.length / 2)]!;
      const at = medianRun.requestsAtMs;
      return {
        file: name,
        wallSeconds: round(median(runs.map((r) => r.wallMs)) / 1000, 3),
        wallSecondsEach: runs.map((r) => round(r.wallMs / 1000, 3)),
        exitCode: worst.exitCode,
        requests: worst.counted.requests,
        gets: worst.counted.gets,
        throttled: Math.max(...runs.map((r) => r.counted.throttled)),
        changes: worst.changes,
        unchanged: worst.unchanged,
        correct: problems.length === 0,
        problems,
        requestsAsked: worst.counted.sample,
        timing: {
          firstRequestMs: round(at[0] ?? NaN),
          lastRequestMs: round(at.at(-1) ?? NaN),
          medianGapMs: round(at.length > 1 ? median(at.slice(1).map((t, i) => t - at[i]!)) : NaN),
        },
      };
    };
    const byName = await plan("by name", files.byName);
    const byId = await plan("by id", files.byId);
    const reads = await runReads(sandbox, providerText);

    const speedup = {
      byName: round(reads.wallSeconds / byName.wallSeconds, 1),
      byId: round(reads.wallSeconds / byId.wallSeconds, 1),
    };
    const checks: DriftGoal[] = [];
    for (const figures of [byName, byId]) {
      checks.push(
        {
          file: figures.file,
          goal: `plan requests <= ${DRIFT.goals.maxPlanRequests}`,
          actual: figures.requests,
          pass: figures.requests <= DRIFT.goals.maxPlanRequests,
        },
        {
          file: figures.file,
          goal: `plan exits 2 and lists exactly the ${DRIFT.drifted} drifted DIDs`,
          actual: figures.correct ? `${figures.changes} changes, exit ${figures.exitCode}` : figures.problems.slice(0, 3).join("; "),
          pass: figures.correct,
        },
      );
    }
    checks.push({
      file: "reads",
      goal: `no failure, exactly the ${DRIFT.drifted} drifted DIDs read as changed`,
      actual: reads.correct ? `${reads.drifted} changed, ${reads.failures} failures` : reads.problems.slice(0, 3).join("; "),
      pass: reads.correct,
    });

    return {
      parameters: {
        dids: DRIFT.dids,
        drifted: DRIFT.drifted,
        sandboxRatePerSecond: DRIFT.rate,
        sandboxLatencyMs: LATENCY_MS,
        trunks: trunks.length,
        trunkGroups: 1,
        planRuns: DRIFT.planRuns,
      },
      cliStartSeconds: round(median(startWalls) / 1000, 3),
      plan: { byName, byId },
      reads,
      speedup,
      goals: { allPassed: checks.every((c) => c.pass), checks },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await sandbox.close();
  }
}

// --- Report --------------------------------------------------------------------------------------------------------

export const DRIFT_TITLE = `drift check of 1,000 DIDs (sandbox ${DRIFT.rate} req/s, ${LATENCY_MS} ms)`;

/** The table rows (header first) for run.mts's table(). */
export function driftRows(result: DriftResult): string[][] {
  const { byName, byId } = result.plan;
  const { reads } = result;
  const plans = (f: (p: PlanFigures) => unknown) => [String(f(byName)), String(f(byId))];
  return [
    ["", "plan, file by name", "plan, file by id", "1,000 reads (host)"],
    ["wall time (s)", ...plans((p) => `${p.wallSeconds}`), String(reads.wallSeconds)],
    [`wall time of each plan run (s)`, ...plans((p) => p.wallSecondsEach.join(" / ")), "-"],
    ["plan: first / last request reached API (ms after spawn)", ...plans((p) => `${p.timing.firstRequestMs} / ${p.timing.lastRequestMs}`), "-"],
    ["plan: median gap between requests (ms)", ...plans((p) => p.timing.medianGapMs), "-"],
    ["requests at sandbox (attempts)", ...plans((p) => p.requests), String(reads.requests)],
    ["GETs logged", ...plans((p) => p.gets), String(reads.gets)],
    ["429 answers", ...plans((p) => p.throttled), String(reads.throttled)],
    ["drifted DIDs found (of 10)", ...plans((p) => p.changes ?? "n/a"), String(reads.drifted)],
    ["exit code / failures", ...plans((p) => `exit ${p.exitCode}`), `${reads.failures} failures`],
    ["speedup (reads wall / plan wall)", `${result.speedup.byName}x`, `${result.speedup.byId}x`, "1x"],
  ];
}

export function driftNotes(result: DriftResult): string[] {
  const notes = [
    `plan wall time is spawn to exit, median of ${result.parameters.planRuns} runs; of it, Node start and CLI load ` +
      `(plan --help) take ${result.cliStartSeconds} s. Reads wall time is first Read to last answer (host start excluded).`,
    `requests asked by plan (file by name): ${result.plan.byName.requestsAsked.join(", ")}`,
    `requests asked by plan (file by id):   ${result.plan.byId.requestsAsked.join(", ")}`,
  ];
  for (const p of [result.plan.byName, result.plan.byId]) {
    if (p.problems.length > 0) notes.push(`plan, file ${p.file}: ${p.problems.slice(0, 5).join("; ")}`);
  }
  if (result.reads.failureSamples.length > 0) notes.push(`read failures (first ${result.reads.failureSamples.length}): ${result.reads.failureSamples.join("; ")}`);
  return notes;
}

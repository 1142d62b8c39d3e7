/**
`npm run bench` (builds first): 500 DidTrunkAssignment creates at once through @pulumi/pulumi's real dynamic-provider
host, against the sandbox limited to 50 requests per second per key with 20 ms latency: once with the provider's
limiter at 50/s, checked against the goals (wall time <= 1.10 x the 10 s floor, no failure, <= 1% of requests answered
429), once with it off (baseline), each with a fresh sandbox and host. Then the drift check (bench/drift.mts): 1,000
DIDs, 10 of them re-routed by hand, against a sandbox limited to 20 requests per second with 20 ms latency, found with
`didroute plan` (the built CLI, a routing file by name and one by id) and with one Read per resource through the host
(as `pulumi refresh --parallel`), checked against its goal (plan <= 10 requests); the reads share requests now, and
their requests and the speed-up are shown.
Prints the tables, writes bench/results.json (the drift figures under `drift`).

`--probe` also loads bench/host-probe.cjs into the host, observation only, to record when the limiter grants each slot,
when each request starts and the host's event-loop delay; it writes bench/results.probe.json, not results.json.

Then the large estate (bench/estate.mts): 1,000 DIDWW DIDs in 8 groups at 10 requests per second with 20 ms latency,
the first `up` of the exported file and an `up --refresh` with 16 and with 64 operations in flight, and
`didroute export`, each `--runs N` times (default 3; figures are medians), next to the figures recorded on the code
before shared reads (bench/estate-baseline.json). `--estate` measures only this part and replaces only its figures in
results.json.

Exit status: 0 whenever it measured, goals met or not (MISS is printed and recorded); 1 when it could not measure; 2 on
an unknown option; 128 + n on signal n. No host process outlives it. Linux only (/proc); Node 24 runs it as is.
*/
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { derivedId } from "../dist/sandbox/index.js";
import type { Host } from "../test/engine/host.ts";
import { DRIFT_TITLE, driftNotes, driftRows, runDrift } from "./drift.mts";
import { ESTATE, ESTATE_TITLE, estateRows, runEstate, summarize, type EstateResult } from "./estate.mts";
import {
  endHosts,
  goalLine,
  leftBehind,
  peakMemoryMiB,
  providerTexts,
  quantile,
  root,
  round,
  sendAll,
  sleep,
  startConfiguredHost,
  table,
  type Goal,
} from "./harness.mts";
import { LATENCY_MS, routingOf, serveWorld, trunks } from "./world.mts";

const probeScript = path.join(root, "bench", "host-probe.cjs");

const DIDS = 500;
const RATE = 50;
const KIND = "didww:DidTrunkAssignment";
const GOALS = { maxRatio: 1.1, maxFailures: 0, maxThrottledShare: 0.01 };
const args = process.argv.slice(2);
const probe = args.includes("--probe");
const estateOnly = args.includes("--estate");
const runsAt = args.indexOf("--runs");
const estateRuns = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
const unknownOption = args.find((arg, i) => !["--probe", "--estate", "--runs"].includes(arg) && !(i === runsAt + 1 && runsAt >= 0));
const resultsPath = path.join(root, "bench", probe ? "results.probe.json" : "results.json");
const baselinePath = path.join(root, "bench", "estate-baseline.json");

// --- The world -----------------------------------------------------------------------------------------------------

const dids = Array.from({ length: DIDS }, (_, i) => {
  const number = `4930${String(1_000_000 + i)}`;
  return { id: derivedId("didww", "did", number), number, trunkId: null };
});

interface Declared {
  name: string;
  didId: string;
  trunkId?: string;
  trunkGroupId?: string;
}

const declared: Declared[] = dids.map((did, i) => {
  const { trunkId, trunkGroupId } = routingOf(i);
  return trunkId !== null ? { name: `did-${i}`, didId: did.id, trunkId } : { name: `did-${i}`, didId: did.id, trunkGroupId: trunkGroupId! };
});

// --- Statistics ----------------------------------------------------------------------------------------------------

/** Most timestamps (ms, sorted) that fall in any window [t - windowMs, t] ending at one of them. */
function maxInWindow(sorted: number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

function spacing(sorted: number[]) {
  const gaps = sorted.slice(1).map((t, i) => t - sorted[i]!);
  const gapsSorted = [...gaps].sort((a, b) => a - b);
  return {
    minMs: round(gapsSorted[0] ?? NaN, 2),
    p5Ms: round(quantile(gapsSorted, 0.05), 2),
    medianMs: round(quantile(gapsSorted, 0.5), 2),
    p95Ms: round(quantile(gapsSorted, 0.95), 2),
    maxMs: round(gapsSorted.at(-1) ?? NaN, 2),
  };
}

// --- One run -------------------------------------------------------------------------------------------------------

interface Arrival {
  /** ms since the first Create was sent (bench clock; the sandbox runs in this process). */
  at: number;
  outcome: string;
}

interface RunResult {
  name: string;
  maxRequestsPerSecond: string;
  wallSeconds: number;
  floorSeconds: number;
  ratio: number;
  creates: number;
  rejected: number;
  mismatched: number;
  failures: number;
  failureSamples: string[];
  requests: number;
  patches: number;
  throttled: number;
  throttledShare: number;
  byStatus: Record<string, number>;
  createLatencySeconds: { p50: number; p95: number; max: number };
  checkSeconds: number;
  providerPeakMemoryMiB: number | null;
  arrivals: Record<string, unknown> | null;
  benchEventLoopDelayMs: { p99: number; max: number };
  host: Record<string, unknown> | null;
  loadAverage: { before: number[]; after: number[] };
}

async function run(name: string, providerText: string, maxRequestsPerSecond: string): Promise<RunResult> {
  const sandbox = await serveWorld(dids, RATE);
  const loadBefore = os.loadavg().map((l) => round(l, 2));

  // Arrival times at the sandbox's rate limiter: its decision is taken synchronously when a request arrives. This
  // wraps a private method of the fault layer; only diagnostics are lost if it is ever renamed.
  const arrived: Arrival[] = []; // `at` as performance.now(), made relative to the first Create once they are sent
  const faults = sandbox.faults as unknown as { decide?: (credential: string | undefined) => any };
  const decide = faults.decide;
  if (typeof decide === "function") {
    faults.decide = (credential) => {
      const decision = decide.call(faults, credential);
      const fate = decision?.fate;
      arrived.push({ at: performance.now(), outcome: fate?.kind === "answer" ? String(fate.status) : String(fate?.kind) });
      return decision;
    };
  }

  const probeFile = path.join(os.tmpdir(), `didroute-bench-probe-${process.pid}-${name}.json`);
  const env: Record<string, string | undefined> = { HOME: process.env["HOME"] };
  if (probe) {
    env["NODE_OPTIONS"] = `--require ${probeScript}`;
    env["DIDROUTE_BENCH_PROBE"] = probeFile;
  }
  let host: Host | undefined;
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  try {
    const started = await startConfiguredHost(sandbox, maxRequestsPerSecond, env);
    host = started.host;
    const { provider, Struct } = host.proto;

    const urn = (resource: string) => `urn:pulumi:bench::didroute::pulumi-nodejs:dynamic/didww:DidTrunkAssignment::${resource}`;
    const checkStarted = performance.now();
    const checked = await Promise.all(
      declared.map(async (resource) => {
        const { name: resourceName, ...inputs } = resource;
        const check = new provider.CheckRequest();
        check.setUrn(urn(resourceName));
        check.setOlds(Struct.fromJavaScript({}));
        check.setNews(Struct.fromJavaScript({ ...inputs, __provider: providerText }));
        const response = await started.host.rpc("check", check);
        const failures = response.getFailuresList().map((f: any) => `${f.getProperty()}: ${f.getReason()}`);
        if (failures.length > 0) throw new Error(`check of ${resourceName} failed: ${failures.join("; ")}`);
        return { resource, inputs: response.getInputs() };
      }),
    );
    const checkSeconds = (performance.now() - checkStarted) / 1000;

    const requests = checked.map(({ resource, inputs }) => {
      const create = new provider.CreateRequest();
      create.setUrn(urn(resource.name));
      create.setProperties(inputs);
      return { resource, create };
    });
    loopDelay.enable();
    const creates = await sendAll(
      requests,
      ({ resource }) => resource.name,
      async ({ resource, create }) => {
        const response = await started.host.rpc("create", create);
        if (response.getId() !== resource.didId) throw { details: `created id ${response.getId()}, not ${resource.didId}` };
      },
    );
    loopDelay.disable();
    // ms since the first Create was sent.
    const arrivals = arrived.map(({ at, outcome }) => ({ at: at - creates.t0, outcome }));

    const providerPeakMemoryMiB = peakMemoryMiB(started.node);
    let hostFigures: Record<string, unknown> | null = null;
    if (probe) hostFigures = await readProbe(probeFile, creates.t0, arrivals, maxRequestsPerSecond !== "0");

    // Routed as declared?
    const failureSamples = [...creates.failureSamples];
    let mismatched = 0;
    for (const resource of declared) {
      const did = sandbox.didww.did(resource.didId);
      const ok = did !== undefined && did.trunkId === (resource.trunkId ?? null) && did.trunkGroupId === (resource.trunkGroupId ?? null);
      if (!ok) {
        mismatched += 1;
        if (failureSamples.length < 5) failureSamples.push(`${resource.name}: routed ${JSON.stringify(did)}`);
      }
    }

    const stats = sandbox.faults.stats();
    const floorMs = (DIDS / RATE) * 1000;
    const sortedLatencies = [...creates.latencies].sort((a, b) => a - b);
    return {
      name,
      maxRequestsPerSecond,
      wallSeconds: round(creates.wallMs / 1000, 3),
      floorSeconds: floorMs / 1000,
      ratio: round(creates.wallMs / floorMs, 3),
      creates: DIDS,
      rejected: creates.failures,
      mismatched,
      failures: creates.failures + mismatched,
      failureSamples,
      requests: stats.requests,
      patches: sandbox.didww.requests.filter((r) => r.method === "PATCH").length,
      throttled: stats.throttled,
      throttledShare: stats.requests === 0 ? 0 : round(stats.throttled / stats.requests, 4),
      byStatus: stats.byStatus,
      createLatencySeconds: {
        p50: round(quantile(sortedLatencies, 0.5) / 1000, 3),
        p95: round(quantile(sortedLatencies, 0.95) / 1000, 3),
        max: round((sortedLatencies.at(-1) ?? NaN) / 1000, 3),
      },
      checkSeconds: round(checkSeconds, 3),
      providerPeakMemoryMiB,
      arrivals: arrivalFigures(arrivals),
      benchEventLoopDelayMs: { p99: round(loopDelay.percentile(99) / 1e6, 1), max: round(loopDelay.max / 1e6, 1) },
      host: hostFigures,
      loadAverage: { before: loadBefore, after: os.loadavg().map((l) => round(l, 2)) },
    };
  } finally {
    loopDelay.disable();
    await endHosts(host);
    await sandbox.close();
    rmSync(probeFile, { force: true });
    rmSync(`${probeFile}.tmp`, { force: true });
  }
}

function arrivalFigures(arrivals: Arrival[]): Record<string, unknown> | null {
  if (arrivals.length === 0) return null;
  const all = arrivals.map((a) => a.at).sort((a, b) => a - b);
  const accepted = arrivals.filter((a) => a.outcome === "pass").map((a) => a.at).sort((a, b) => a - b);
  const throttledAt = arrivals.filter((a) => a.outcome === "429").map((a) => round(a.at, 1));
  // Arrivals per second of the run (bucketed from the first Create).
  const perSecond: number[] = [];
  for (const at of all) {
    const bucket = Math.max(0, Math.floor(at / 1000));
    perSecond[bucket] = (perSecond[bucket] ?? 0) + 1;
  }
  // Of the first second's burst: how long its arrivals were spread over.
  const burst = all.slice(0, Math.min(RATE, all.length));
  return {
    count: all.length,
    firstMs: round(all[0]!, 1),
    lastMs: round(all.at(-1)!, 1),
    firstBurstSpreadMs: round(burst.at(-1)! - burst[0]!, 1),
    spacing: spacing(all),
    steadySpacing: spacing(all.slice(RATE)),
    maxArrivalsInAny1000ms: maxInWindow(all, 1000),
    maxAcceptedInAny1000ms: maxInWindow(accepted, 1000),
    perSecond: Array.from(perSecond, (n) => n ?? 0),
    throttledAtMs: throttledAt.slice(0, 40),
  };
}

/**
What bench/host-probe.cjs recorded in the host: when the limiter granted slots and requests started, and its
event-loop delay; lined up with the arrivals at the sandbox (n-th grant, n-th start and n-th arrival are paired: close
to the truth, as requests are served first come, first served).
*/
async function readProbe(
  file: string,
  t0: number,
  arrivals: Arrival[],
  withTimeline: boolean,
): Promise<Record<string, unknown> | null> {
  // The probe writes every 200 ms; give it one more turn after the last answer.
  await sleep(400);
  if (!existsSync(file)) return null;
  const data = JSON.parse(readFileSync(file, "utf8")) as {
    granted: number[];
    sentAt: number[];
    loopDelay: { p50: number; p99: number; max: number };
  };
  // Both processes' absolute clocks (performance.timeOrigin + now) on one machine.
  const origin = performance.timeOrigin + t0;
  const relative = (times: number[]) => times.map((t) => t - origin).sort((a, b) => a - b);
  const granted = relative(data.granted);
  const sent = relative(data.sentAt);
  const arrived = arrivals.map((a) => a.at).sort((a, b) => a - b);
  const burst = (times: number[]) => {
    const first = times.slice(0, Math.min(RATE, times.length));
    return first.length ? round(first.at(-1)! - first[0]!, 1) : null;
  };
  const delays = (from: number[], to: number[], count = Math.min(from.length, to.length)) => {
    const d = Array.from({ length: count }, (_, i) => to[i]! - from[i]!).sort((a, b) => a - b);
    return { p50Ms: round(quantile(d, 0.5), 1), p95Ms: round(quantile(d, 0.95), 1), maxMs: round(d.at(-1) ?? NaN, 1) };
  };
  const firstBurst = Math.min(RATE, granted.length, sent.length, arrived.length);
  const ms = (times: number[]) => times.map((t) => round(t, 1));
  return {
    grants: granted.length,
    firstGrantMs: round(granted[0] ?? NaN, 1),
    grantFirstBurstSpreadMs: burst(granted),
    grantSpacing: spacing(granted),
    maxGrantedInAny1000ms: maxInWindow(granted, 1000),
    requestsStarted: sent.length,
    startFirstBurstSpreadMs: burst(sent),
    maxStartedInAny1000ms: maxInWindow(sent, 1000),
    grantToStart: delays(granted, sent),
    grantToStartFirstBurst: delays(granted, sent, firstBurst),
    startToArrival: delays(sent, arrived),
    startToArrivalFirstBurst: delays(sent, arrived, firstBurst),
    grantToArrivalFirstBurst: delays(granted, arrived, firstBurst),
    grantToArrivalAfterBurst: delays(granted.slice(firstBurst), arrived.slice(firstBurst)),
    eventLoopDelayMs: data.loopDelay,
    /** Each of them, ms since the first Create was sent (limited run only). */
    ...(withTimeline ? { timeline: { granted: ms(granted), started: ms(sent), arrived: ms(arrived) } } : {}),
  };
}

// --- Report --------------------------------------------------------------------------------------------------------

function probeRows(runs: RunResult[]): string[][] {
  const get = (r: RunResult, key: string): any => r.host?.[key];
  const col = (f: (r: RunResult) => string) => runs.map((r) => (r.host && get(r, "grants") > 0 ? f(r) : "n/a"));
  return [
    ["host: max limiter grants in any 1 s", ...col((r) => String(get(r, "maxGrantedInAny1000ms")))],
    ["host: first 50 grants / starts spread (ms)", ...col((r) => `${get(r, "grantFirstBurstSpreadMs")} / ${get(r, "startFirstBurstSpreadMs")}`)],
    ["first 50: grant->arrival p50 / max (ms)", ...col((r) => `${get(r, "grantToArrivalFirstBurst").p50Ms} / ${get(r, "grantToArrivalFirstBurst").maxMs}`)],
    ["later: grant->arrival p50 / max (ms)", ...col((r) => `${get(r, "grantToArrivalAfterBurst").p50Ms} / ${get(r, "grantToArrivalAfterBurst").maxMs}`)],
    ["host event-loop delay p99 / max (ms)", ...col((r) => `${get(r, "eventLoopDelayMs").p99} / ${get(r, "eventLoopDelayMs").max}`)],
  ];
}

/**
The estate figures recorded on the code before shared reads, with where they were measured, if recorded; summarized
as the bench summarizes now.
*/
function estateBaseline(): { measuredOn: Record<string, unknown>; result: EstateResult } | undefined {
  if (!existsSync(baselinePath)) return undefined;
  const baseline = JSON.parse(readFileSync(baselinePath, "utf8")) as { measuredOn: Record<string, unknown>; result: EstateResult };
  baseline.result.summary = summarize(baseline.result.runs, baseline.result.parameters.inFlight);
  return baseline;
}

async function measureEstate(providers: Record<string, string>): Promise<Record<string, unknown>> {
  const result = await runEstate(providers, { ...ESTATE, runs: estateRuns }, { progress: (line) => console.log(`  ${line}`) });
  const before = estateBaseline();
  console.log(`\n${ESTATE_TITLE}, ${result.parameters.resources} resources; medians of ${result.parameters.runs} runs:`);
  console.log(table(estateRows(result, before?.result)));
  if (before !== undefined) console.log(`  before: ${JSON.stringify(before.measuredOn)}`);
  console.log("\ngoals (large estate):");
  for (const g of result.goals.checks) console.log(goalLine(g, g.measure));
  return {
    generatedAt: new Date().toISOString(),
    before: before === undefined ? null : { measuredOn: before.measuredOn, summary: before.result.summary },
    ...result,
  };
}

async function main(): Promise<number> {
  if (unknownOption !== undefined || !(estateRuns >= 1)) {
    console.error(`bench: unknown option ${unknownOption ?? "--runs"} (options: --probe, --estate, --runs N)`);
    return 2;
  }
  if (!existsSync(path.join(root, "dist", "provider", "index.js"))) {
    console.error("bench: dist/ is missing; run `npm run build` first (npm run bench does)");
    return 1;
  }
  const providers = await providerTexts();
  if (estateOnly) {
    console.log(`bench: the large estate only, ${estateRuns} runs`);
    const estate = await measureEstate(providers);
    const previous = existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, "utf8")) : {};
    writeFileSync(resultsPath, `${JSON.stringify({ ...previous, estate }, null, 2)}\n`);
    if (leftBehind.length > 0) console.log(`\nWARNING: host processes outlived close and were killed: ${leftBehind.join(", ")}`);
    console.log(`\nwrote the estate figures into ${path.relative(process.cwd(), resultsPath)}`);
    return 0;
  }
  const providerText = providers[KIND];
  if (providerText === undefined) throw new Error(`no captured provider for ${KIND}`);
  const providerSizes = Object.fromEntries(Object.entries(providers).map(([kind, text]) => [kind, Buffer.byteLength(text)]));

  const mode = probe ? "host probe on (observation only)" : "unmodified host";
  console.log(`bench: ${DIDS} ${KIND} creates at once, sandbox ${RATE} req/s per key, ${LATENCY_MS} ms latency; ${mode}`);
  const limited = await run("limited", providerText, String(RATE));
  console.log(`  limited run done: ${limited.wallSeconds} s`);
  const baseline = await run("baseline", providerText, "0");
  console.log(`  baseline run done: ${baseline.wallSeconds} s`);
  const drift = await runDrift(providerText);
  console.log(`  drift check done: plan ${drift.plan.byName.wallSeconds} s / ${drift.plan.byId.wallSeconds} s, reads ${drift.reads.wallSeconds} s\n`);

  const goals: Goal[] = [
    { goal: `wall time / floor <= ${GOALS.maxRatio}`, actual: limited.ratio, pass: limited.ratio <= GOALS.maxRatio },
    { goal: "zero failures", actual: limited.failures, pass: limited.failures <= GOALS.maxFailures },
    {
      goal: `429s <= ${GOALS.maxThrottledShare * 100}% of requests`,
      actual: `${limited.throttled}/${limited.requests} (${round(limited.throttledShare * 100, 2)}%)`,
      pass: limited.throttledShare <= GOALS.maxThrottledShare,
    },
  ];

  const runs = [limited, baseline];
  const col = (f: (r: RunResult) => unknown) => runs.map((r) => String(f(r)));
  console.log(
    table([
      ["", "limited (50/s)", "baseline (limiter off)"],
      ["wall time (s)", ...col((r) => r.wallSeconds)],
      ["floor 500/50 (s)", ...col((r) => r.floorSeconds)],
      ["ratio", ...col((r) => r.ratio)],
      ["failures (rejected + misrouted)", ...col((r) => `${r.failures} (${r.rejected} + ${r.mismatched})`)],
      ["429 answers", ...col((r) => r.throttled)],
      ["requests at sandbox (attempts)", ...col((r) => r.requests)],
      ["429 share", ...col((r) => `${round(r.throttledShare * 100, 2)}%`)],
      ["create latency p50 / p95 / max (s)", ...col((r) => `${r.createLatencySeconds.p50} / ${r.createLatencySeconds.p95} / ${r.createLatencySeconds.max}`)],
      ["provider peak memory VmHWM (MiB)", ...col((r) => r.providerPeakMemoryMiB ?? "n/a")],
      ["max arrivals at sandbox in any 1 s (429s incl.)", ...col((r) => (r.arrivals?.["maxArrivalsInAny1000ms"] as number | undefined) ?? "n/a")],
      ["bench event-loop delay p99 / max (ms)", ...col((r) => `${r.benchEventLoopDelayMs.p99} / ${r.benchEventLoopDelayMs.max}`)],
      ["machine load average 1 min (before / after)", ...col((r) => `${r.loadAverage.before[0]} / ${r.loadAverage.after[0]}`)],
      ...(probe ? probeRows(runs) : []),
    ]),
  );
  console.log("\nserialized provider size (bytes of __provider):");
  for (const [kind, bytes] of Object.entries(providerSizes)) console.log(`  ${kind.padEnd(34)} ${bytes}`);
  console.log("\ngoals (limited run):");
  for (const g of goals) console.log(goalLine(g));
  for (const r of runs) {
    if (r.failureSamples.length > 0) console.log(`\n${r.name} failures (first ${r.failureSamples.length}):\n  ${r.failureSamples.join("\n  ")}`);
  }
  console.log(`\n${DRIFT_TITLE}:`);
  console.log(table(driftRows(drift)));
  for (const note of driftNotes(drift)) console.log(`  ${note}`);
  console.log("\ngoals (drift check):");
  for (const g of drift.goals.checks) console.log(goalLine(g, g.file));
  const estate = await measureEstate(providers);
  if (leftBehind.length > 0) console.log(`\nWARNING: host processes outlived close and were killed: ${leftBehind.join(", ")}`);

  const results = {
    generatedAt: new Date().toISOString(),
    environment: {
      node: process.version,
      platform: `${process.platform} ${os.release()}`,
      arch: process.arch,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? null,
      totalMemoryMiB: Math.round(os.totalmem() / 2 ** 20),
      pulumi: JSON.parse(readFileSync(path.join(root, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")).version,
      mode,
    },
    parameters: { creates: DIDS, sandboxRatePerSecond: RATE, sandboxLatencyMs: LATENCY_MS, trunks: trunks.length, trunkGroups: 1 },
    providerSizeBytes: providerSizes,
    goals: { allPassed: goals.every((g) => g.pass), checks: goals },
    runs: { limited, baseline },
    drift,
    estate,
    hostProcessesLeftBehind: leftBehind,
  };
  writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), resultsPath)}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench: could not measure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);

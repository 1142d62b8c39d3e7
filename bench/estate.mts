/**
The large-estate part of `npm run bench`: a DIDWW account of 1,000 DIDs in 8 trunk groups, every DID routed, at
DIDWW's 10 requests per second with 20 ms latency, brought under code and kept there. Each run, for 16 and for 64
operations in flight (Pulumi's default `--parallel` on a 4-core runner is 16):

- first `up` of the exported routing file, everything already routed as declared: one Create per resource of the
  file (8 TrunkGroupMembership, 1,000 DidTrunkAssignment, declared as `routing.fromFile` declares them, DIDs routed
  to a group after that group) through @pulumi/pulumi's real dynamic-provider host, at most N at a time;
- `up --refresh` with nothing changed: one Read per resource, at most N at a time, in a new host (a new command's
  own process) with the state the creates left;
- and once per run, `didroute export` of the account (the built CLI, spawn to exit).

Every measurement gets a fresh sandbox. Requests are counted by the bench's own HTTP server in front of the sandbox
(every arrival, 429 answers included); test/bench-estate.test.ts checks those counts against the sandbox's own log
at a small scale. Wall time: first RPC sent to last answer (host start excluded); for export, spawn to exit.

Goals (per in-flight N, over the resources R of the file): up <= ceil(R / N) + 5 requests and 0 PATCHes; refresh
<= ceil(R / N) + 5 requests; export <= 15 requests. Every measurement also checks its result: no failure, outputs
and reads as routed, the sandbox's routing unchanged, and the exported file naming every DID and group as routed
(then `didroute validate` passes on it and `didroute plan` finds it in sync).
*/
import { createServer, type Server } from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { createSandbox, derivedId, type DidwwSeed, type Sandbox } from "../dist/sandbox/index.js";
import type { Host } from "../test/engine/host.ts";
import { endHosts, median, root, round, runProcess, startConfiguredHost, type Goal } from "./harness.mts";
import { API_KEY, LATENCY_MS } from "./world.mts";

export const ESTATE = {
  dids: 1000,
  groups: 8,
  /** Two per group, and as many again in no group. */
  trunks: 32,
  rate: 10,
  inFlight: [16, 64],
  goals: { slack: 5, maxPatches: 0, maxExportRequests: 15 },
} as const;

export interface EstateScale {
  dids: number;
  groups: number;
  trunks: number;
  /** Requests per second, of the sandbox and of the provider's limiter alike. */
  rate: number;
  inFlight: readonly number[];
  /** How many times each measurement runs; figures are medians (requests: the most of any run). */
  runs: number;
}

const DID_KIND = "didww:DidTrunkAssignment";
const GROUP_KIND = "didww:TrunkGroupMembership";

// --- The world -----------------------------------------------------------------------------------------------------

interface World {
  seed: DidwwSeed;
  trunks: { id: string; name: string }[];
  groups: { id: string; name: string; trunkIds: string[] }[];
  dids: { id: string; number: string; trunkId: string | null; trunkGroupId: string | null }[];
}

/**
Trunks `pbx-01`…, groups `group-1`… with two trunks each (the others in no group), and DIDs of which two in five ring
a group and the rest a trunk, spread evenly: names are unique, so an export names everything by name.
*/
export function estateWorld(scale: Pick<EstateScale, "dids" | "groups" | "trunks">): World {
  const trunks = Array.from({ length: scale.trunks }, (_, i) => {
    const name = `pbx-${String(i + 1).padStart(2, "0")}`;
    return { id: derivedId("didww", "trunk", name), name };
  });
  const groups = Array.from({ length: scale.groups }, (_, g) => {
    const name = `group-${g + 1}`;
    return { id: derivedId("didww", "trunkGroup", name), name, trunkIds: [trunks[2 * g]!.id, trunks[2 * g + 1]!.id] };
  });
  const dids = Array.from({ length: scale.dids }, (_, i) => {
    const number = String(4_940_300_000_000 + i);
    const id = derivedId("didww", "did", number);
    return i % 5 >= 3
      ? { id, number, trunkId: null, trunkGroupId: groups[i % groups.length]!.id }
      : { id, number, trunkId: trunks[i % trunks.length]!.id, trunkGroupId: null };
  });
  return { seed: { trunks, trunkGroups: groups, dids }, trunks, groups, dids };
}

/** One resource of the exported file, as `routing.fromFile` declares it, and what its create must answer. */
interface Declared {
  name: string;
  kind: typeof DID_KIND | typeof GROUP_KIND;
  id: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  /** A DID routed to a group of the file is created once that group's membership is. */
  after?: string;
}

function declared(world: World): Declared[] {
  const groups: Declared[] = world.groups.map((group) => ({
    name: `didww-group-${group.name}`,
    kind: GROUP_KIND,
    id: group.id,
    inputs: { trunkGroupId: group.id, trunkIds: group.trunkIds },
    outputs: { trunkGroupId: group.id, trunkIds: group.trunkIds },
  }));
  const dids: Declared[] = world.dids.map((did) => {
    const target = did.trunkId !== null ? { trunkId: did.trunkId } : { trunkGroupId: did.trunkGroupId! };
    const group = world.groups.find((g) => g.id === did.trunkGroupId);
    return {
      name: `didww-did-${did.number}`,
      kind: DID_KIND,
      id: did.id,
      inputs: { didId: did.id, ...target },
      outputs: { didId: did.id, trunkId: did.trunkId, trunkGroupId: did.trunkGroupId, number: did.number },
      ...(group ? { after: `didww-group-${group.name}` } : {}),
    };
  });
  return [...groups, ...dids];
}

// --- The sandbox, and the bench's own count of what reaches it -----------------------------------------------------

interface Served {
  sandbox: Sandbox;
  /** The DIDWW base URL of the bench's server, which hands every request to the sandbox. */
  endpoint: string;
  /** Requests that arrived since the last `mark`, by method (the bench's count, not the sandbox's). */
  counted(): { requests: number; gets: number; patches: number; throttled: number };
  /** Starts a measurement: zeroes the bench's counters and the sandbox's fault counters; returns the log position. */
  mark(): number;
  close(): Promise<void>;
}

async function serve(world: World, rate: number): Promise<Served> {
  const sandbox = createSandbox({ seed: { didww: world.seed }, apiKey: API_KEY, faults: { rate, latencyMs: LATENCY_MS } });
  const counts = { requests: 0, gets: 0, patches: 0, throttled: 0 };
  let origin = "";
  const server: Server = createServer((request, response) => {
    counts.requests += 1;
    if (request.method === "GET") counts.gets += 1;
    if (request.method === "PATCH") counts.patches += 1;
    response.on("finish", () => {
      if (response.statusCode === 429) counts.throttled += 1;
    });
    sandbox.handle(request, response, origin).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    sandbox,
    endpoint: `${origin}/v3`,
    counted: () => ({ ...counts }),
    mark: () => {
      Object.assign(counts, { requests: 0, gets: 0, patches: 0, throttled: 0 });
      sandbox.faults.reset();
      return sandbox.didww.requests.length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// --- Operations N at a time ----------------------------------------------------------------------------------------

/** Runs `run` for every item, at most `limit` at once, in order: a new one starts as soon as one ends. */
async function inFlight<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

export interface PhaseFigures {
  requests: number;
  gets: number;
  patches: number;
  throttled: number;
  wallSeconds: number;
  failures: number;
  /** Why the result is not what it must be (empty: it is); the first few. */
  problems: string[];
  /** The requests the sandbox logged in this phase, for the test that checks the counts (not in results.json). */
  logged?: { method: string; path: string; query: Record<string, string> }[];
}

interface Measured {
  started: number;
  ended: number;
  problems: string[];
  failures: number;
}

/** Sends one RPC per resource, `limit` at a time; `rpc` answers the problems of its result (empty: as it must be). */
async function measure(
  resources: readonly Declared[],
  limit: number,
  rpc: (resource: Declared) => Promise<string[]>,
  /** Creates wait for what they depend on, as the engine orders them; a refresh reads everything at once. */
  { ordered }: { ordered: boolean },
): Promise<Measured> {
  const problems: string[] = [];
  let failures = 0;
  const done = new Map<string, Promise<void>>();
  const settled = new Map<string, () => void>();
  for (const resource of resources) done.set(resource.name, new Promise((resolve) => settled.set(resource.name, resolve)));
  const started = performance.now();
  let ended = started;
  await inFlight(resources, limit, async (resource) => {
    try {
      if (ordered && resource.after !== undefined) await done.get(resource.after);
      const wrong = await rpc(resource);
      problems.push(...wrong.map((problem) => `${resource.name}: ${problem}`));
    } catch (error) {
      failures += 1;
      problems.push(`${resource.name}: ${(error as { details?: string }).details ?? String(error)}`);
    } finally {
      ended = Math.max(ended, performance.now());
      settled.get(resource.name)!();
    }
  });
  return { started, ended, problems, failures };
}

function figures(served: Served, from: number, measured: Measured, keepLog: boolean): PhaseFigures {
  const logged = served.sandbox.didww.requests.slice(from).map(({ method, path, query }) => ({ method, path, query }));
  return {
    ...served.counted(),
    wallSeconds: round((measured.ended - measured.started) / 1000, 3),
    failures: measured.failures,
    problems: measured.problems.slice(0, 5),
    ...(keepLog ? { logged } : {}),
  };
}

/** What differs between an RPC's answer and what it must be. */
function differences(what: string, got: Record<string, unknown>, want: Record<string, unknown>): string[] {
  return Object.entries(want)
    .filter(([key, value]) => JSON.stringify(got[key]) !== JSON.stringify(value))
    .map(([key, value]) => `${what} ${key} ${JSON.stringify(got[key])}, not ${JSON.stringify(value)}`);
}

/** The routing the sandbox holds, as the world seeded it; empty when it is. */
function routingChanged(served: Served, world: World): string[] {
  const changed: string[] = [];
  for (const did of world.dids) {
    const live = served.sandbox.didww.did(did.id);
    if (live?.trunkId !== did.trunkId || live?.trunkGroupId !== did.trunkGroupId) changed.push(`DID ${did.number} now ${JSON.stringify(live)}`);
  }
  for (const group of world.groups) {
    const members = served.sandbox.didww.trunkGroupMembers(group.id) ?? [];
    if (JSON.stringify([...members].sort()) !== JSON.stringify([...group.trunkIds].sort())) changed.push(`group ${group.name} now ${members}`);
  }
  return changed.slice(0, 5);
}

// --- First up and up --refresh -------------------------------------------------------------------------------------

export interface InFlightFigures {
  inFlight: number;
  up: PhaseFigures;
  refresh: PhaseFigures;
}

/** The creates of a first `up`, then the reads of an `up --refresh` in a new host, `limit` at a time. */
async function upAndRefresh(
  world: World,
  scale: EstateScale,
  providers: Record<string, string>,
  limit: number,
  keepLog: boolean,
): Promise<InFlightFigures> {
  const served = await serve(world, scale.rate);
  const resources = declared(world);
  const urn = (resource: Declared) => `urn:pulumi:bench::didroute::pulumi-nodejs:dynamic/${resource.kind}::${resource.name}`;
  let host: Host | undefined;
  try {
    // up: Check (no request), then the creates.
    host = (await startConfiguredHost(served, String(scale.rate))).host;
    const { provider, Struct } = host.proto;
    const checked = new Map<string, unknown>();
    await Promise.all(
      resources.map(async (resource) => {
        const check = new provider.CheckRequest();
        check.setUrn(urn(resource));
        check.setOlds(Struct.fromJavaScript({}));
        check.setNews(Struct.fromJavaScript({ ...resource.inputs, __provider: providers[resource.kind] }));
        const response = await host!.rpc("check", check);
        if (response.getFailuresList().length > 0) throw new Error(`check of ${resource.name} failed`);
        checked.set(resource.name, response.getInputs());
      }),
    );
    const state = new Map<string, Record<string, unknown>>();
    let from = served.mark();
    const creates = await measure(resources, limit, async (resource) => {
      const create = new provider.CreateRequest();
      create.setUrn(urn(resource));
      create.setProperties(checked.get(resource.name));
      const response = await host!.rpc("create", create);
      const outputs = response.getProperties().toJavaScript();
      state.set(resource.name, outputs);
      return [...(response.getId() === resource.id ? [] : [`id ${response.getId()}`]), ...differences("output", outputs, resource.outputs)];
    }, { ordered: true });
    creates.problems.push(...routingChanged(served, world));
    const up = figures(served, from, creates, keepLog);
    await endHosts(host);

    // up --refresh: a new process reads every resource with the state the creates left.
    host = (await startConfiguredHost(served, String(scale.rate))).host;
    from = served.mark();
    const reads = await measure(resources, limit, async (resource) => {
      const read = new provider.ReadRequest();
      read.setUrn(urn(resource));
      read.setId(resource.id);
      read.setProperties(Struct.fromJavaScript({ ...state.get(resource.name), __provider: providers[resource.kind] }));
      read.setInputs(Struct.fromJavaScript({ ...resource.inputs, __provider: providers[resource.kind] }));
      const response = await host!.rpc("read", read);
      const props = response.getProperties()?.toJavaScript() ?? {};
      return [...(response.getId() === resource.id ? [] : [`read id ${JSON.stringify(response.getId())}`]), ...differences("read", props, resource.outputs)];
    }, { ordered: false });
    const refresh = figures(served, from, reads, keepLog);
    return { inFlight: limit, up, refresh };
  } finally {
    await endHosts(host);
    await served.close();
  }
}

// --- didroute export -----------------------------------------------------------------------------------------------

export interface ExportFigures {
  /** False when the built CLI has no export command (the code before it). */
  available: boolean;
  requests: number;
  gets: number;
  throttled: number;
  wallSeconds: number;
  exitCode: number | null;
  problems: string[];
  logged?: { method: string; path: string; query: Record<string, string> }[];
}

const cli = path.join(root, "dist", "cli", "index.js");

async function exportAccount(world: World, scale: EstateScale, keepLog: boolean): Promise<ExportFigures> {
  const served = await serve(world, scale.rate);
  const dir = mkdtempSync(path.join(os.tmpdir(), "didroute-bench-export-"));
  const env = {
    DIDWW_ENDPOINT: served.endpoint,
    DIDWW_API_KEY: API_KEY,
    DIDWW_MAX_REQUESTS_PER_SECOND: String(scale.rate),
    HOME: process.env["HOME"],
    PATH: process.env["PATH"],
  };
  try {
    const file = path.join(dir, "routing.yaml");
    const from = served.mark();
    const run = await runProcess([cli, "export", "--didww", "--output", file], env);
    const counted = served.counted();
    const logged = served.sandbox.didww.requests.slice(from).map(({ method, path, query }) => ({ method, path, query }));
    const base = { ...counted, wallSeconds: round(run.wallMs / 1000, 3), exitCode: run.exitCode, ...(keepLog ? { logged } : {}) };
    if (run.exitCode !== 0 && /unknown command "export"/.test(run.stderr)) return { available: false, ...base, problems: [] };
    const problems: string[] = [];
    if (run.exitCode !== 0) problems.push(`exit ${run.exitCode}: ${run.stderr.trim().slice(0, 300)}`);
    else {
      problems.push(...(await checkExport(file, world)));
      const validate = await runProcess([cli, "validate", file], env);
      if (validate.exitCode !== 0) problems.push(`validate exit ${validate.exitCode}: ${validate.stdout.slice(0, 300)}`);
      const plan = await runProcess([cli, "plan", file, "--format", "json", "--detailed-exitcode"], env);
      if (plan.exitCode !== 0) problems.push(`plan exit ${plan.exitCode}: ${(plan.stdout + plan.stderr).slice(0, 300)}`);
    }
    return { available: true, ...base, problems: problems.slice(0, 5) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await served.close();
  }
}

/** The exported file, read as `routing.fromFile` reads it, must name every DID and group of the world as routed. */
async function checkExport(file: string, world: World): Promise<string[]> {
  const { readRoutingFile } = await import("../dist/routing/file.js");
  const { file: parsed, problems } = readRoutingFile(file);
  const wrong = problems.map((p: { line: number; message: string }) => `line ${p.line}: ${p.message}`);
  const trunkName = new Map(world.trunks.map((t) => [t.id, t.name]));
  const groupName = new Map(world.groups.map((g) => [g.id, g.name]));
  const dids = new Map<string, string>(parsed.didww.dids.map((e: any) => [e.did.value, `${e.target.kind} ${e.target.ref.value}`]));
  for (const did of world.dids) {
    const want = did.trunkId !== null ? `trunk ${trunkName.get(did.trunkId)}` : `trunkGroup ${groupName.get(did.trunkGroupId!)}`;
    if (dids.get(`+${did.number}`) !== want) wrong.push(`+${did.number}: ${dids.get(`+${did.number}`)}, not ${want}`);
  }
  if (dids.size !== world.dids.length) wrong.push(`${dids.size} DIDs, not ${world.dids.length}`);
  const groups = new Map<string, string>(
    parsed.didww.trunkGroups.map((e: any) => [e.group.value, e.trunks.map((t: any) => t.value).sort().join(",")]),
  );
  for (const group of world.groups) {
    const want = group.trunkIds.map((id) => trunkName.get(id)).sort().join(",");
    if (groups.get(group.name) !== want) wrong.push(`group ${group.name}: ${groups.get(group.name)}, not ${want}`);
  }
  if (readFileSync(file, "utf8").includes(API_KEY)) wrong.push("the file holds the API key");
  return wrong;
}

// --- The whole part ------------------------------------------------------------------------------------------------

export interface EstateRun {
  byInFlight: InFlightFigures[];
  export: ExportFigures;
}

export interface EstateResult {
  parameters: {
    dids: number;
    groups: number;
    trunks: number;
    resources: number;
    sandboxRatePerSecond: number;
    providerMaxRequestsPerSecond: number;
    sandboxLatencyMs: number;
    inFlight: number[];
    runs: number;
  };
  /** Medians over the runs, and each run's figure. */
  summary: EstateSummary;
  goals: { allPassed: boolean; checks: (Goal & { measure: string })[] };
  runs: EstateRun[];
}

type Median = { requests: number; requestsEach: number[]; wallSeconds: number; wallSecondsEach: number[] };

export interface EstateSummary {
  byInFlight: { inFlight: number; up: Median & { patches: number; patchesEach: number[] }; refresh: Median }[];
  export: Median & { available: boolean };
}

/** The medians of the runs' figures (and each run's), by measure. */
export function summarize(runs: readonly EstateRun[], inFlight: readonly number[]): EstateSummary {
  const of = (values: number[], digits = 3) => round(median(values), digits);
  const figures = (phases: { requests: number; wallSeconds: number }[]): Median => ({
    requests: of(phases.map((p) => p.requests), 1),
    requestsEach: phases.map((p) => p.requests),
    wallSeconds: of(phases.map((p) => p.wallSeconds)),
    wallSecondsEach: phases.map((p) => p.wallSeconds),
  });
  return {
    byInFlight: inFlight.map((limit, i) => {
      const ups = runs.map((r) => r.byInFlight[i]!.up);
      return {
        inFlight: limit,
        up: { ...figures(ups), patches: of(ups.map((u) => u.patches), 1), patchesEach: ups.map((u) => u.patches) },
        refresh: figures(runs.map((r) => r.byInFlight[i]!.refresh)),
      };
    }),
    export: { ...figures(runs.map((r) => r.export)), available: runs.every((r) => r.export.available) },
  };
}

/** The captured `__provider` texts (harness.ts providerTexts), for both DIDWW kinds. */
export async function runEstate(
  providers: Record<string, string>,
  scale: EstateScale = { ...ESTATE, runs: 3 },
  { keepLog = false, progress = (_: string) => {} } = {},
): Promise<EstateResult> {
  const world = estateWorld(scale);
  const resources = world.dids.length + world.groups.length;
  const runs: EstateRun[] = [];
  for (let run = 1; run <= scale.runs; run++) {
    const byInFlight: InFlightFigures[] = [];
    for (const limit of scale.inFlight) {
      byInFlight.push(await upAndRefresh(world, scale, providers, limit, keepLog));
      progress(`estate run ${run}/${scale.runs}, ${limit} in flight: up ${byInFlight.at(-1)!.up.wallSeconds} s, refresh ${byInFlight.at(-1)!.refresh.wallSeconds} s`);
    }
    const exported = await exportAccount(world, scale, keepLog);
    progress(`estate run ${run}/${scale.runs}: export ${exported.available ? `${exported.wallSeconds} s` : "not available"}`);
    runs.push({ byInFlight, export: exported });
  }

  const summary = summarize(runs, scale.inFlight);

  const checks: (Goal & { measure: string })[] = [];
  scale.inFlight.forEach((limit, i) => {
    const ceiling = Math.ceil(resources / limit) + ESTATE.goals.slack;
    const s = summary.byInFlight[i]!;
    const problems = runs.flatMap((r) => [...r.byInFlight[i]!.up.problems, ...r.byInFlight[i]!.refresh.problems]);
    checks.push(
      { measure: `first up, ${limit} in flight`, goal: `requests <= ceil(${resources}/${limit}) + ${ESTATE.goals.slack} = ${ceiling}`, actual: s.up.requests, pass: s.up.requests <= ceiling },
      { measure: `first up, ${limit} in flight`, goal: `PATCHes <= ${ESTATE.goals.maxPatches}`, actual: s.up.patches, pass: s.up.patches <= ESTATE.goals.maxPatches },
      { measure: `up --refresh, ${limit} in flight`, goal: `requests <= ${ceiling}`, actual: s.refresh.requests, pass: s.refresh.requests <= ceiling },
      {
        measure: `up and refresh, ${limit} in flight`,
        goal: "no failure; outputs, reads and the sandbox's routing as routed",
        actual: problems.length === 0 ? "as routed" : problems.slice(0, 3).join("; "),
        pass: problems.length === 0,
      },
    );
  });
  const exportProblems = runs.flatMap((r) => r.export.problems);
  checks.push(
    {
      measure: "didroute export",
      goal: `requests <= ${ESTATE.goals.maxExportRequests}`,
      actual: summary.export.available ? summary.export.requests : "no export command",
      pass: summary.export.available && summary.export.requests <= ESTATE.goals.maxExportRequests,
    },
    {
      measure: "didroute export",
      goal: "names every DID and group as routed; validate passes; plan in sync",
      actual: !summary.export.available ? "no export command" : exportProblems.length === 0 ? "as routed" : exportProblems.slice(0, 3).join("; "),
      pass: summary.export.available && exportProblems.length === 0,
    },
  );

  return {
    parameters: {
      dids: world.dids.length,
      groups: world.groups.length,
      trunks: world.trunks.length,
      resources,
      sandboxRatePerSecond: scale.rate,
      providerMaxRequestsPerSecond: scale.rate,
      sandboxLatencyMs: LATENCY_MS,
      inFlight: [...scale.inFlight],
      runs: scale.runs,
    },
    summary,
    goals: { allPassed: checks.every((c) => c.pass), checks },
    runs,
  };
}

// --- Report --------------------------------------------------------------------------------------------------------

export const ESTATE_TITLE = `large estate: ${ESTATE.dids.toLocaleString("en")} DIDWW DIDs in ${ESTATE.groups} groups (sandbox ${ESTATE.rate} req/s, ${LATENCY_MS} ms)`;

/**
The measures (rows) before and now: `before` is a result recorded on the code before shared reads (bench/estate-baseline.json), or
undefined.
*/
export function estateRows(now: EstateResult, before: EstateResult | undefined): string[][] {
  const upCell = (s: EstateResult["summary"]["byInFlight"][number] | undefined) =>
    s === undefined ? "-" : `${s.up.requests} / ${s.up.patches} / ${s.up.wallSeconds}`;
  const refreshCell = (s: EstateResult["summary"]["byInFlight"][number] | undefined) =>
    s === undefined ? "-" : `${s.refresh.requests} / ${s.refresh.wallSeconds}`;
  const exportCell = (r: EstateResult | undefined) =>
    r === undefined || !r.summary.export.available ? "-" : `${r.summary.export.requests} / ${r.summary.export.wallSeconds}`;
  const rows = [["measure", "in flight", "before", "now"]];
  now.summary.byInFlight.forEach((s) => {
    const b = before?.summary.byInFlight.find((x) => x.inFlight === s.inFlight);
    rows.push(["first up, all in sync: requests / PATCHes / wall (s)", String(s.inFlight), upCell(b), upCell(s)]);
  });
  now.summary.byInFlight.forEach((s) => {
    const b = before?.summary.byInFlight.find((x) => x.inFlight === s.inFlight);
    rows.push(["up --refresh, nothing changed: requests / wall (s)", String(s.inFlight), refreshCell(b), refreshCell(s)]);
  });
  rows.push(["didroute export: requests / wall (s)", "-", exportCell(before), exportCell(now)]);
  return rows;
}

import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import {
  createSandbox,
  type CarrierxSandbox,
  type DidwwSandbox,
  type RecordedRequest,
  type Sandbox,
  type ScriptedFault,
} from "../../sandbox";
import { type Declared } from "./engine";
import { useEngineFixture, type StandIn } from "./fixture";
import { secret } from "./host";
import { didwwSeed, ids } from "./didww-suite";
import { carrierxSeed, sids } from "./carrierx-suite";

/**
The retry policy of provider/http.ts, end to end: the built package inside @pulumi/pulumi's real dynamic-provider
host (shared by phases where that cannot matter, see hosts.ts), against the combined sandbox with scripted faults. Each test asserts that the
operation completes (or fails as the policy says), what the sandbox holds afterwards, and how many attempts the
sandbox saw for each resource's request.

Faults are scripted in arrival order. The stand-in engine sends one resource's RPC at a time and each operation here
makes exactly one request, so a script such as [F, F, PASS, F] means: the first resource's request fails twice and
succeeds on its third attempt, the next one fails once and succeeds on its second.
*/

const API_KEY = "didww-faults-key-3b9e71c04d";
const TOKEN = "carrierx-faults-token-a61f0e2d97";
/** Ids no account holds. */
const UNKNOWN = {
  did: "0b8f2f8e-5d0a-4f51-9a43-6c1de2b7a001",
  trunk: "00000000-0000-4000-8000-000000000000",
};

const DID = "didww:DidTrunkAssignment";
const MEMBERS = "didww:TrunkGroupMembership";
const CX = "carrierx:DidTrunkGroupAssignment";

const DIDWW_DID = (id: string) => `/v3/dids/${id}`;
const DIDWW_GROUP = (id: string) => `/v3/voice_in_trunk_groups/${id}`;
const CX_DID = (sid: string) => `/core/v2/phonenumber/dids/${sid}`;

/** The worlds of the DIDWW and CarrierX engine suites, on one sandbox. */
function seed() {
  return { didww: didwwSeed(), carrierx: carrierxSeed() };
}

/**
The combined sandbox as the engine fixture's StandIn (served at the origin; it dispatches by path). Every request
either API logs is stamped with the time it was logged (test process clock), so waits between attempts can be
measured: an attempt is logged before it is answered, so the gap between two logged attempts is at least the client's
wait in between.
*/
class FaultSandbox implements StandIn {
  readonly api: Sandbox = createSandbox({ seed: seed(), apiKey: API_KEY, token: TOKEN });
  private readonly stamps = new WeakMap<RecordedRequest, number>();

  constructor() {
    for (const log of [this.api.didww.requests, this.api.carrierx.requests]) {
      const push = log.push.bind(log);
      Object.defineProperty(log, "push", {
        enumerable: false,
        value: (...items: RecordedRequest[]) => {
          for (const item of items) this.stamps.set(item, performance.now());
          return push(...items);
        },
      });
    }
  }

  handle(request: IncomingMessage, response: ServerResponse, origin: string): Promise<void> {
    return this.api.handle(request, response, origin);
  }

  /** The logged attempts of one request (method and path, any query), with the time each was logged. */
  attempts(method: string, requestPath: string): { request: RecordedRequest; at: number }[] {
    const log = requestPath.startsWith("/v3/") ? this.api.didww.requests : this.api.carrierx.requests;
    return log
      .filter((r) => r.method === method && r.path === requestPath)
      .map((request) => ({ request, at: this.stamps.get(request)! }));
  }

  count(method: string, requestPath: string): number {
    return this.attempts(method, requestPath).length;
  }

  /**
  Answers the next request for `requestPath` with `status` and the API's error shape, once, in place of the API (the
  sandbox's fault layer injects only 429 and 5xx). The request still passes the fault layer and is logged.
  */
  answerOnce(requestPath: string, status: number, document: object): void {
    const api = (requestPath.startsWith("/v3/") ? this.api.didww : this.api.carrierx) as unknown as DidwwSandbox | CarrierxSandbox;
    const original = api.handle;
    api.handle = async (request: IncomingMessage, response: ServerResponse, baseUrl: string) => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      if (url.pathname !== requestPath) return original.call(api, request, response, baseUrl);
      api.handle = original;
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString("utf8");
      api.requests.push({
        method: request.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: {},
        body: text === "" ? undefined : JSON.parse(text),
      });
      const body = JSON.stringify(document);
      const contentType = requestPath.startsWith("/v3/") ? "application/vnd.api+json" : "application/json";
      response.writeHead(status, { "content-type": contentType, "content-length": String(Buffer.byteLength(body)) });
      response.end(body);
    };
  }
}

/**
The provider waits this share of what the retry policy asks for (PULUMI_DIDROUTE_TEST_WAIT_SCALE, read by
provider/http.ts): the same attempts in the same order, at a quarter of the time. Budgets are scaled alike, so each
runs out after the same attempts as at full scale.
*/
const SCALE = 0.25;
/** What the retry policy says to wait, in milliseconds, as this file's provider waits it. */
const scaled = (ms: number) => ms * SCALE;

/** Lets the request through untouched: a scripted "no fault", to place faults on later requests. */
const PASS: ScriptedFault = { latencyMs: 0 };

/** `counts[i]` faults for the i-th request of the phase, each followed (but the last) by PASS. */
function script(fault: ScriptedFault, ...counts: number[]): ScriptedFault[] {
  return counts.flatMap((count, i) => [...Array.from({ length: count }, () => fault), ...(i < counts.length - 1 ? [PASS] : [])]);
}

/** The policy's shortest wait before retry n without Retry-After: 0.5 s × 2^(n−1), before jitter (which only adds). */
const backoffFloor = (retry: number) => scaled(500 * 2 ** (retry - 1));
/** Timers may fire a millisecond early by another process's clock; an allowance far below what is discriminated. */
const CLOCK_SLACK_MS = 5;

interface FaultKind {
  name: string;
  fault: ScriptedFault;
  /** The least the client must wait before retry n. */
  minWait: (retry: number) => number;
  /** Extra stack config for this kind. */
  config?: Record<string, string>;
  /**
  A slow answer: the client gives up on the attempt (ETIMEDOUT) and the sandbox never logs it (the connection is gone
  by the time the API would read the request), so attempts are counted by arrival (`faults.stats().requests`).
  */
  slow?: boolean;
}

const SLOW_CONFIG = { "didww:requestTimeoutSeconds": "0.4", "carrierx:requestTimeoutSeconds": "0.4" };

type LaterPhase = "refresh" | "update" | "destroy";

/**
Every kind is met by the three creates; some also by the operations of later phases (each costs its waits, and a
destroy a host start): a 5xx and a dropped connection through every operation, a timeout and Retry-After on reads, a
429 without Retry-After on deletes.
*/
const KINDS: (FaultKind & { later: LaterPhase[] })[] = [
  { name: "429 with Retry-After: 1", fault: { status: 429, retryAfter: 1 }, minWait: () => scaled(1000), later: ["refresh"] },
  { name: "429 without Retry-After", fault: { status: 429 }, minWait: backoffFloor, later: ["destroy"] },
  { name: "500", fault: { status: 500 }, minWait: backoffFloor, later: [] },
  { name: "502", fault: { status: 502 }, minWait: backoffFloor, later: [] },
  { name: "503", fault: { status: 503 }, minWait: backoffFloor, later: ["refresh", "update", "destroy"] },
  { name: "504", fault: { status: 504 }, minWait: backoffFloor, later: [] },
  { name: "a dropped connection", fault: { drop: true }, minWait: backoffFloor, later: ["refresh", "update", "destroy"] },
  {
    name: "a slow answer (1.5 s, over requestTimeoutSeconds 0.4)",
    fault: { latencyMs: 1500 },
    minWait: backoffFloor,
    config: SLOW_CONFIG,
    slow: true,
    later: ["refresh"],
  },
];

describe("retries through the dynamic-provider host, against the sandbox's faults", () => {
  const urls = (origin: string) => ({ didww: `${origin}/v3`, carrierx: `${origin}/core/v2` });
  const f = useEngineFixture({
    mode: "repository",
    sandbox: () => new FaultSandbox(),
    basePath: "",
    config: (origin) => ({
      "didww:apiKey": secret(API_KEY),
      "didww:endpoint": urls(origin).didww,
      "carrierx:token": secret(TOKEN),
      "carrierx:endpoint": urls(origin).carrierx,
    }),
  });
  const sandbox = () => f.sandbox;
  const env = { HOME: process.env["HOME"], PULUMI_DIDROUTE_TEST_WAIT_SCALE: String(SCALE) };
  /** A stack with both APIs' credentials and endpoints, and `config` (limits, timeouts) on top. */
  const engine = (config: Record<string, string> = {}, credentials = { apiKey: API_KEY, token: TOKEN }) =>
    f.engine({
      config: {
        "didww:apiKey": secret(credentials.apiKey),
        "didww:endpoint": urls(f.url).didww,
        "carrierx:token": secret(credentials.token),
        "carrierx:endpoint": urls(f.url).carrierx,
        ...config,
      },
      env,
    });
  const arrivals = () => sandbox().api.faults.stats().requests;

  /**
  Asserts the attempts of one request since `from` (its count before the phase): how many the sandbox logged, and the
  least wait before each retry.
  */
  function expectAttempts(kind: FaultKind, method: string, requestPath: string, attempts: number, from = 0): void {
    const logged = sandbox().attempts(method, requestPath).slice(from);
    if (kind.slow) {
      // Only the attempt that was answered in time is logged; `arrivals` counts the others.
      expect(logged, `${method} ${requestPath}`).toHaveLength(1);
      return;
    }
    expect(logged, `${method} ${requestPath}`).toHaveLength(attempts);
    for (let retry = 1; retry < logged.length; retry++) {
      const gap = logged[retry]!.at - logged[retry - 1]!.at;
      expect(gap, `wait before retry ${retry} of ${method} ${requestPath}`).toBeGreaterThanOrEqual(kind.minWait(retry) - CLOCK_SLACK_MS);
    }
  }

  const program = (): Declared[] => [
    { name: "a", kind: DID, inputs: { didId: ids.didA, trunkId: ids.trunk1 } },
    { name: "g", kind: MEMBERS, inputs: { trunkGroupId: ids.group, trunkIds: [ids.trunk2, ids.trunk1] } },
    { name: "c", kind: CX, inputs: { didSid: sids.didA, trunkGroupSid: sids.group } },
  ];
  const changed = (): Declared[] => [
    { name: "a", kind: DID, inputs: { didId: ids.didA, trunkGroupId: ids.group2 } },
    { name: "g", kind: MEMBERS, inputs: { trunkGroupId: ids.group, trunkIds: [ids.trunk3] } },
    { name: "c", kind: CX, inputs: { didSid: sids.didA, trunkGroupSid: sids.group2 } },
  ];

  for (const kind of KINDS) {
    const phases = ["create", ...kind.later].join(", ");
    it(`${kind.name}: ${phases} complete, with the attempts the policy makes`, async () => {
      const s = sandbox();
      // A budget far above the waits expected (at most 2 s per request), so that a regression fails an assertion
      // instead of running into the test's timeout, which would leave the phase's host process behind.
      const stack = engine({ "didww:operationTimeoutSeconds": "10", "carrierx:operationTimeoutSeconds": "10", ...kind.config });

      // Create: the DID's PATCH fails twice, the membership's and the CarrierX PATCH once each.
      let before = arrivals();
      s.api.faults.next(script(kind.fault, 2, 1, 1));
      const up = await stack.up(program());
      expect(up.failures).toEqual([]);
      expect(up.steps.map((step) => step.op)).toEqual(["create", "create", "create"]);
      expectAttempts(kind, "PATCH", DIDWW_DID(ids.didA), 3);
      expectAttempts(kind, "PATCH", DIDWW_GROUP(ids.group), 2);
      expectAttempts(kind, "PATCH", CX_DID(sids.didA), 2);
      expect(arrivals() - before).toBe(3 + 2 + 2);
      expect(s.api.didww.did(ids.didA)).toMatchObject({ trunkId: ids.trunk1, trunkGroupId: null });
      expect(new Set(s.api.didww.trunkGroupMembers(ids.group))).toEqual(new Set([ids.trunk1, ids.trunk2]));
      expect(s.api.carrierx.did(sids.didA)).toMatchObject({ trunk_group_sid: sids.group });
      expect(stack.output("a", DID)).toMatchObject({ didId: ids.didA, trunkId: ids.trunk1, trunkGroupId: null, number: "16091609123456797" });
      expect(stack.output("g", MEMBERS)).toMatchObject({ trunkGroupId: ids.group, trunkIds: [ids.trunk2, ids.trunk1] });
      expect(stack.output("c", CX)).toMatchObject({ didSid: sids.didA, trunkGroupSid: sids.group, phonenumber: "15162065574" });

      const patches = () => ({
        a: s.count("PATCH", DIDWW_DID(ids.didA)),
        g: s.count("PATCH", DIDWW_GROUP(ids.group)),
        c: s.count("PATCH", CX_DID(sids.didA)),
      });

      if (kind.later.includes("refresh")) {
        // Each GET fails once. Routing changed by hand in the meantime shows up in state.
        s.api.didww.setDidRouting(ids.didA, { trunkId: ids.trunk3, trunkGroupId: null });
        s.api.didww.setTrunkGroupMembers(ids.group, [ids.trunk1]);
        s.api.carrierx.setDidTrunkGroup(sids.didA, sids.group3);
        before = arrivals();
        s.api.faults.next(script(kind.fault, 1, 1, 1));
        const refresh = await stack.refresh();
        expect(refresh.failures).toEqual([]);
        expect(refresh.steps.map((step) => step.op)).toEqual(["refresh", "refresh", "refresh"]);
        expectAttempts(kind, "GET", DIDWW_DID(ids.didA), 2);
        expectAttempts(kind, "GET", DIDWW_GROUP(ids.group), 2);
        expectAttempts(kind, "GET", CX_DID(sids.didA), 2);
        expect(arrivals() - before).toBe(2 + 2 + 2);
        expect(stack.output("a", DID)).toMatchObject({ trunkId: ids.trunk3, trunkGroupId: null });
        expect(stack.output("g", MEMBERS)).toMatchObject({ trunkIds: [ids.trunk1] });
        expect(stack.output("c", CX)).toMatchObject({ trunkGroupSid: sids.group3 });
      }

      if (kind.later.includes("update")) {
        // Each PATCH fails once.
        const from = patches();
        before = arrivals();
        s.api.faults.next(script(kind.fault, 1, 1, 1));
        const update = await stack.up(changed());
        expect(update.failures).toEqual([]);
        expect(update.steps.map((step) => step.op)).toEqual(["update", "update", "update"]);
        expectAttempts(kind, "PATCH", DIDWW_DID(ids.didA), 2, from.a);
        expectAttempts(kind, "PATCH", DIDWW_GROUP(ids.group), 2, from.g);
        expectAttempts(kind, "PATCH", CX_DID(sids.didA), 2, from.c);
        expect(arrivals() - before).toBe(2 + 2 + 2);
        expect(s.api.didww.did(ids.didA)).toMatchObject({ trunkId: null, trunkGroupId: ids.group2 });
        expect(s.api.didww.trunkGroupMembers(ids.group)).toEqual([ids.trunk3]);
        expect(s.api.carrierx.did(sids.didA)).toMatchObject({ trunk_group_sid: sids.group2 });
        expect(stack.output("a", DID)).toMatchObject({ trunkId: null, trunkGroupId: ids.group2 });
        expect(stack.output("g", MEMBERS)).toMatchObject({ trunkIds: [ids.trunk3] });
        expect(stack.output("c", CX)).toMatchObject({ trunkGroupSid: sids.group2 });
      }

      if (kind.later.includes("destroy")) {
        // In reverse (c, g, a): each PATCH fails once.
        const from = patches();
        before = arrivals();
        s.api.faults.next(script(kind.fault, 1, 1, 1));
        const destroy = await stack.destroy();
        expect(destroy.failures).toEqual([]);
        expect(destroy.steps.map((step) => `${step.op} ${step.name}`)).toEqual(["delete c", "delete g", "delete a"]);
        expectAttempts(kind, "PATCH", CX_DID(sids.didA), 2, from.c);
        expectAttempts(kind, "PATCH", DIDWW_GROUP(ids.group), 2, from.g);
        expectAttempts(kind, "PATCH", DIDWW_DID(ids.didA), 2, from.a);
        expect(arrivals() - before).toBe(2 + 2 + 2);
        expect(stack.state.size).toBe(0);
        expect(s.api.didww.did(ids.didA)).toMatchObject({ trunkId: null, trunkGroupId: null });
        expect(s.api.didww.trunkGroupMembers(ids.group)).toEqual([]);
        expect(s.api.carrierx.did(sids.didA)).toMatchObject({ trunk_group_sid: null });
      }
    });
  }

  /**
  3 s at full scale: room for two retries (0.5 s and 1 s, jitter included) but not a third (2 s more). The rate limiter
  is off under a budget: its slots (0.1 s apart at the default 10 per second, shared by the operations of a test) are
  not scaled, and would take from the budget what the retries' waits need, more so on a busy machine.
  */
  const BUDGET_SECONDS = String(scaled(3));
  const BUDGET = {
    "didww:operationTimeoutSeconds": BUDGET_SECONDS,
    "carrierx:operationTimeoutSeconds": BUDGET_SECONDS,
    "didww:maxRequestsPerSecond": "0",
    "carrierx:maxRequestsPerSecond": "0",
  };
  /** ` (after N attempts over X.Y s; the <key> budget of … s was spent)` as a pattern; X.Y is captured. */
  const spent = (attempts: number, system: "didww" | "carrierx") =>
    ` \\(after ${attempts} attempts over (\\d+\\.\\d) s; the ${system}:operationTimeoutSeconds budget of ${BUDGET_SECONDS} s was spent\\)`;
  const STATUS_TEXT: Record<string, string> = { "500": "Internal Server Error", "502": "Bad Gateway", "503": "Service Unavailable" };

  /** Three attempts, 0.5 s then 1 s apart at least, as the policy makes them within a 3 s budget. */
  function expectThreeAttemptsWithBackoff(method: string, requestPath: string, from = 0): void {
    expectAttempts(KINDS.find((k) => k.name === "503")!, method, requestPath, 3, from);
  }

  it("a spent budget ends a create: the message names the request, the attempts and the budget; state holds nothing", async () => {
    const s = sandbox();
    const stack = engine(BUDGET);
    // Scripted faults come first (a: three 503s; b: a 503, then dropped connections), random 5xx for the rest (c).
    s.api.faults.set({ errorRate: 1, randomSeed: 20261123 });
    s.api.faults.next([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, { drop: true }, { drop: true }]);
    const up = await stack.up([
      { name: "a", kind: DID, inputs: { didId: ids.didA, trunkId: ids.trunk1 } },
      { name: "b", kind: DID, inputs: { didId: ids.didB, trunkId: ids.trunk2 } },
      { name: "c", kind: CX, inputs: { didSid: sids.didA, trunkGroupSid: sids.group } },
    ]);
    expect(up.failures.map((failure) => `${failure.rpc} ${failure.name}`)).toEqual(["create a", "create b", "create c"]);
    const [a, b, c] = up.failures.map((failure) => failure.message);

    const aMatch = new RegExp(
      `^DIDWW answered 503 to PATCH /v3/dids/${ids.didA} for DID ${ids.didA}: Service Unavailable${spent(3, "didww")}$`,
    ).exec(a!);
    expect(aMatch, a).not.toBeNull();
    const origin = escape(urls(f.url).didww);
    const bMatch = new RegExp(
      `^DIDWW PATCH /v3/dids/${ids.didB} failed before an answer arrived: ECONNRESET \\(${origin}\\)` +
        `${spent(3, "didww")}; the last answer was 503$`,
    ).exec(b!);
    expect(bMatch, b).not.toBeNull();
    const cMatch = new RegExp(
      `^CarrierX answered (50[023]) to PATCH /core/v2/phonenumber/dids/${sids.didA} for DID ${sids.didA}: ([A-Za-z ]+)` +
        `${spent(3, "carrierx")}$`,
    ).exec(c!);
    expect(cMatch, c).not.toBeNull();
    expect(cMatch![2]).toBe(STATUS_TEXT[cMatch![1]!]);
    // The waits before the two retries alone take 1.5 s at full scale (0.375 s here, shown as 0.4 at least).
    const waited = Number(scaled(1.5).toFixed(1));
    for (const match of [aMatch, bMatch]) expect(Number(match![1])).toBeGreaterThanOrEqual(waited);
    expect(Number(cMatch![3])).toBeGreaterThanOrEqual(waited);

    expectThreeAttemptsWithBackoff("PATCH", DIDWW_DID(ids.didA));
    expectThreeAttemptsWithBackoff("PATCH", DIDWW_DID(ids.didB));
    expectThreeAttemptsWithBackoff("PATCH", CX_DID(sids.didA));
    expect(stack.state.size).toBe(0);
    expect(s.api.didww.did(ids.didA)).toMatchObject({ trunkId: null, trunkGroupId: ids.group });
    expect(s.api.didww.did(ids.didB)).toMatchObject({ trunkId: null, trunkGroupId: null });
    expect(s.api.carrierx.did(sids.didA)).toMatchObject({ trunk_group_sid: sids.group3 });
  });

  it("a spent budget ends an update: state keeps the old outputs, the APIs the old routing", async () => {
    const s = sandbox();
    const stack = engine(BUDGET);
    const up = await stack.up([
      { name: "a", kind: DID, inputs: { didId: ids.didA, trunkId: ids.trunk1 } },
      { name: "c", kind: CX, inputs: { didSid: sids.didA, trunkGroupSid: sids.group } },
    ]);
    expect(up.failures).toEqual([]);
    const old = { a: structuredClone(stack.output("a", DID)), c: structuredClone(stack.output("c", CX)) };
    expect(old.a).toMatchObject({ trunkId: ids.trunk1, trunkGroupId: null });
    expect(old.c).toMatchObject({ trunkGroupSid: sids.group });

    const from = { a: s.count("PATCH", DIDWW_DID(ids.didA)), c: s.count("PATCH", CX_DID(sids.didA)) };
    s.api.faults.next(Array.from({ length: 6 }, () => ({ status: 503 as const })));
    const update = await stack.up([
      { name: "a", kind: DID, inputs: { didId: ids.didA, trunkGroupId: ids.group2 } },
      { name: "c", kind: CX, inputs: { didSid: sids.didA, trunkGroupSid: sids.group2 } },
    ]);
    expect(update.steps.map((step) => step.op)).toEqual(["update", "update"]);
    expect(update.failures).toEqual([
      {
        name: "a",
        rpc: "update",
        message: expect.stringMatching(
          new RegExp(`^DIDWW answered 503 to PATCH /v3/dids/${ids.didA} for DID ${ids.didA}: Service Unavailable${spent(3, "didww")}$`),
        ),
      },
      {
        name: "c",
        rpc: "update",
        message: expect.stringMatching(
          new RegExp(
            `^CarrierX answered 503 to PATCH /core/v2/phonenumber/dids/${sids.didA} for DID ${sids.didA}: ` +
              `Service Unavailable${spent(3, "carrierx")}$`,
          ),
        ),
      },
    ]);
    expectThreeAttemptsWithBackoff("PATCH", DIDWW_DID(ids.didA), from.a);
    expectThreeAttemptsWithBackoff("PATCH", CX_DID(sids.didA), from.c);
    expect(stack.output("a", DID)).toEqual(old.a);
    expect(stack.output("c", CX)).toEqual(old.c);
    expect(s.api.didww.did(ids.didA)).toMatchObject({ trunkId: ids.trunk1, trunkGroupId: null });
    expect(s.api.carrierx.did(sids.didA)).toMatchObject({ trunk_group_sid: sids.group });
  });

  it("deleting DIDs the accounts no longer hold succeeds, also when the 404 answers a retry", async () => {
    const s = sandbox();
    const stack = engine(BUDGET);
    const up = await stack.up([
      { name: "a", kind: DID, inputs: { didId: ids.didA, trunkId: ids.trunk1 } },
      { name: "b", kind: DID, inputs: { didId: ids.didB, trunkId: ids.trunk2 } },
      { name: "c", kind: CX, inputs: { didSid: sids.didA, trunkGroupSid: sids.group } },
    ]);
    expect(up.failures).toEqual([]);
    s.api.didww.removeDid(ids.didA);
    s.api.didww.removeDid(ids.didB);
    s.api.carrierx.removeDid(sids.didA);
    const from = { a: s.count("PATCH", DIDWW_DID(ids.didA)), b: s.count("PATCH", DIDWW_DID(ids.didB)), c: s.count("PATCH", CX_DID(sids.didA)) };
    // In reverse: c meets a 503 then the 404, b the 404 at once, a a 503 then the 404.
    s.api.faults.next([{ status: 503 }, PASS, PASS, { status: 503 }]);
    const destroy = await stack.destroy();
    expect(destroy.failures).toEqual([]);
    expect(destroy.steps.map((step) => `${step.op} ${step.name}`)).toEqual(["delete c", "delete b", "delete a"]);
    expect(s.count("PATCH", CX_DID(sids.didA)) - from.c).toBe(2);
    expect(s.count("PATCH", DIDWW_DID(ids.didB)) - from.b).toBe(1);
    expect(s.count("PATCH", DIDWW_DID(ids.didA)) - from.a).toBe(2);
    expect(s.api.faults.stats().byStatus["404"]).toBe(3);
    expect(stack.state.size).toBe(0);
    expect(s.api.didww.did(ids.didA)).toBeUndefined();
  });

  it("400, 401, 404 and 422 are final: one attempt each", async () => {
    const s = sandbox();
    const stack = engine(BUDGET);
    s.answerOnce(DIDWW_GROUP(ids.group), 400, {
      errors: [{ title: "Invalid field value", detail: "trunks is not a valid value", code: "103", status: "400" }],
    });
    s.answerOnce(CX_DID(sids.didB), 400, {
      message: "Bad Request",
      errors: [{ field: "trunk_group_sid", message: "bad value", reference_sid: null }],
    });
    const before = arrivals();
    const up = await stack.up([
      { name: "a422", kind: DID, inputs: { didId: ids.didA, trunkId: UNKNOWN.trunk } },
      { name: "a404", kind: DID, inputs: { didId: UNKNOWN.did, trunkId: ids.trunk1 } },
      { name: "g400", kind: MEMBERS, inputs: { trunkGroupId: ids.group, trunkIds: [ids.trunk1] } },
      { name: "c422", kind: CX, inputs: { didSid: sids.didA, trunkGroupSid: UNKNOWN.trunk } },
      { name: "c404", kind: CX, inputs: { didSid: UNKNOWN.did, trunkGroupSid: sids.group } },
      { name: "c400", kind: CX, inputs: { didSid: sids.didB, trunkGroupSid: sids.group } },
    ]);
    expect(up.failures.map((failure) => [failure.name, failure.rpc])).toEqual([
      ["a422", "create"],
      ["a404", "create"],
      ["g400", "create"],
      ["c422", "create"],
      ["c404", "create"],
      ["c400", "create"],
    ]);
    const messages = Object.fromEntries(up.failures.map((failure) => [failure.name, failure.message]));
    expect(messages["a422"]).toMatch(new RegExp(`^DIDWW refused PATCH /v3/dids/${ids.didA} for DID ${ids.didA} \\(422\\): `));
    expect(messages["a404"]).toMatch(new RegExp(`^DIDWW has no DID ${UNKNOWN.did} \\(404 on PATCH /v3/dids/${UNKNOWN.did}\\)`));
    expect(messages["g400"]).toBe(
      `DIDWW answered 400 to PATCH /v3/voice_in_trunk_groups/${ids.group} for trunk group ${ids.group}: trunks is not a valid value`,
    );
    expect(messages["c422"]).toMatch(new RegExp(`^CarrierX refused PATCH /core/v2/phonenumber/dids/${sids.didA} for DID ${sids.didA} \\(422\\)`));
    expect(messages["c404"]).toMatch(new RegExp(`^CarrierX has no DID ${UNKNOWN.did} \\(404 on PATCH /core/v2/phonenumber/dids/${UNKNOWN.did}\\)`));
    expect(messages["c400"]).toBe(
      `CarrierX answered 400 to PATCH /core/v2/phonenumber/dids/${sids.didB} for DID ${sids.didB}: ` +
        "Bad Request: bad value (at trunk_group_sid)",
    );
    for (const message of Object.values(messages)) expect(message).not.toContain("attempts");
    for (const [method, requestPath] of [
      ["PATCH", DIDWW_DID(ids.didA)],
      ["PATCH", DIDWW_DID(UNKNOWN.did)],
      ["PATCH", DIDWW_GROUP(ids.group)],
      ["PATCH", CX_DID(sids.didA)],
      ["PATCH", CX_DID(UNKNOWN.did)],
      ["PATCH", CX_DID(sids.didB)],
    ] as const) {
      expect(s.count(method, requestPath), `${method} ${requestPath}`).toBe(1);
    }
    expect(arrivals() - before).toBe(6);
    expect(stack.state.size).toBe(0);

    const wrong = engine(BUDGET, { apiKey: "wrong-didww-key-0123", token: "wrong-carrierx-token-0123" });
    const denied = await wrong.up([
      { name: "a401", kind: DID, inputs: { didId: ids.didB, trunkId: ids.trunk1 } },
      { name: "c401", kind: CX, inputs: { didSid: sids.didB, trunkGroupSid: sids.group2 } },
    ]);
    expect(denied.failures.map((failure) => failure.message)).toEqual([
      expect.stringMatching(new RegExp(`^DIDWW rejected the API key \\(401 on PATCH /v3/dids/${ids.didB}\\)`)),
      expect.stringMatching(new RegExp(`^CarrierX rejected the token \\(401 on PATCH /core/v2/phonenumber/dids/${sids.didB}\\)`)),
    ]);
    expect(s.count("PATCH", DIDWW_DID(ids.didB))).toBe(1);
    expect(s.count("PATCH", CX_DID(sids.didB))).toBe(1 + 1);
    expect(s.api.faults.stats().byStatus["401"]).toBe(2);
  });

  /*
  Retry-After: 0 means "now": got passes it as 0, which in calculateDelay would mean "do not retry", so it is sent
  again after 1 ms. It is also the quick way to the 8-attempt cap (with Retry-After: 1 it would cost 7 s).
  */
  it("a 429 with Retry-After: 0 is retried at once, up to 8 attempts in all", async () => {
    const s = sandbox();
    const stack = engine(BUDGET);
    const now: ScriptedFault = { status: 429, retryAfter: 0 };
    // a: eight 429s, one more than it may retry; b: two, then success on the third attempt.
    s.api.faults.next([...Array.from({ length: 8 }, () => now), now, now]);
    const up = await stack.up([
      { name: "a", kind: DID, inputs: { didId: ids.didA, trunkId: ids.trunk1 } },
      { name: "b", kind: DID, inputs: { didId: ids.didB, trunkId: ids.trunk2 } },
    ]);
    expect(up.failures).toEqual([
      {
        name: "a",
        rpc: "create",
        message: expect.stringMatching(
          new RegExp(
            `^DIDWW answered 429 to PATCH /v3/dids/${ids.didA} for DID ${ids.didA}: Too Many Requests ` +
              "\\(after 8 attempts over \\d+\\.\\d s; 8 attempts is the most it makes\\)$",
          ),
        ),
      },
    ]);
    expect(s.count("PATCH", DIDWW_DID(ids.didA))).toBe(8);
    expect(s.count("PATCH", DIDWW_DID(ids.didB))).toBe(3);
    expect(s.api.didww.did(ids.didA)).toMatchObject({ trunkId: null, trunkGroupId: ids.group });
    expect(s.api.didww.did(ids.didB)).toMatchObject({ trunkId: ids.trunk2 });
  });

  it("when a Retry-After longer than the budget ends the retries, the message says the budget was spent", async () => {
    const s = sandbox();
    const stack = engine(BUDGET);
    s.api.faults.next([{ status: 503 }, { status: 429, retryAfter: 5 }]);
    const up = await stack.up([{ name: "a", kind: DID, inputs: { didId: ids.didA, trunkId: ids.trunk1 } }]);
    expect(s.count("PATCH", DIDWW_DID(ids.didA))).toBe(2);
    expect(up.failures).toEqual([
      {
        name: "a",
        rpc: "create",
        message: expect.stringMatching(
          new RegExp(`^DIDWW answered 429 to PATCH /v3/dids/${ids.didA} for DID ${ids.didA}: Too Many Requests${spent(2, "didww")}$`),
        ),
      },
    ]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
Fault injection and rate limits for the sandbox APIs: what a client meets on the real Internet and in the providers'
rate limiters (throttling, slow answers, 5xx, connections that die), on demand and repeatably.

The layer sits in front of an API's `handle()` and knows nothing of DIDWW or CarrierX beyond a `FaultTarget`: how a
request's credential is read, which document an error answer carries, and the API's request log. Every request it
faults is still added to that log, so a test can count a client's attempts, retries included. The exception: a
request the client abandons while the layer delays it (latency longer than the client's timeout) is counted in
`stats().requests` but reaches no log, as it never reached the API.

Only Node built-ins are used, so the layer ships inside the package.
*/

import type { IncomingMessage, ServerResponse } from "node:http";
import { randomInt } from "node:crypto";
import { receive, sendJson, type RecordedRequest } from "./http";
import type { Handler } from "./loopback";

// --- Public API ----------------------------------------------------------------------------------------------------

export interface FaultSettings {
  /**
  Requests per second per credential (DIDWW: per account, its API key and the tokens minted from it; CarrierX: per
  bearer token); beyond it the API answers 429. At most `rate` requests are accepted in any sliding one-second window.
  A request refused with 429 does not use up the budget (a client retrying too early is not punished twice), nor does
  one that is dropped or answered with an injected 5xx: the budget counts only requests the API itself answers.
  A request given a scripted fault (`next()`), even a mere delay, is neither limited nor counted. 0 or undefined:
  unlimited.
  */
  rate?: number;
  /** Seconds to send in `Retry-After` on rate-limit 429s; undefined sends no header (as DIDWW 2026-04-16 does). */
  retryAfter?: number;
  /** Milliseconds added before every answer of either API (401s included). */
  latencyMs?: number;
  /** Fraction (0..1) of authenticated requests answered 500, 502 or 503. */
  errorRate?: number;
  /** Fraction (0..1) of authenticated requests whose connection is destroyed without an answer. */
  dropRate?: number;
  /** Seeds the generator that picks the failing requests, so a run with the same traffic repeats exactly. */
  randomSeed?: number;
}

/** One scripted fault, applied to one request. */
export type ScriptedFault =
  | { status: 429; retryAfter?: number }
  | { status: 500 | 502 | 503 | 504 }
  | { drop: true }
  /** The API handles the request (what it changes, changes), then the connection dies before the answer: a lost answer. */
  | { dropAnswer: true }
  | { latencyMs: number };

export interface FaultStats {
  /** Requests either API received, faulted or not. */
  requests: number;
  /** 429 answers the fault layer gave (rate limit and scripted). */
  throttled: number;
  /** 5xx answers the fault layer gave (random and scripted). */
  injectedErrors: number;
  /** Connections destroyed without an answer. */
  dropped: number;
  /** Every answer sent, by HTTP status ("200", "429", ...), whoever gave it. */
  byStatus: Record<string, number>;
}

export interface FaultController {
  /** Replaces every setting (what is left out is off) and restarts the generator from `randomSeed`. */
  set(settings: FaultSettings): void;
  /**
  Queues faults for the next authenticated requests, one each, in arrival order, ahead of the settings: a scripted
  fault bypasses the rate limit and the random faults for its request. `{latencyMs}` delays the request (on top of
  `latencyMs` of the settings) and then lets the API answer it.
  */
  next(faults: readonly ScriptedFault[]): void;
  stats(): FaultStats;
  /** Zeroes the counters, forgets the rate-limit windows and unused scripted faults, and restarts the generator. */
  reset(): void;
}

/** What the fault layer needs to know about one API. */
export interface FaultTarget {
  /** The API's own handler. */
  handle: Handler;
  /** The API's request log; requests the layer answers itself are added to it. */
  requests: RecordedRequest[];
  /**
  The credential a request authenticates with, or undefined when the API will answer it 401. Rate-limit windows are
  kept per returned value, so it should name the API too ("DIDWW:<key>").
  */
  credential(request: IncomingMessage): string | undefined;
  /** The API's error document for an injected status. */
  errorAnswer(status: number): { contentType: string; body: object };
}

// --- Settings ------------------------------------------------------------------------------------------------------

/** Refuses settings that cannot mean anything, so a typo does not silently turn a fault off. */
export function checkFaultSettings(settings: FaultSettings): void {
  const { rate, retryAfter, latencyMs, errorRate, dropRate, randomSeed } = settings;
  checkNumber("rate", rate, { integer: true });
  checkNumber("retryAfter", retryAfter, { integer: true });
  checkNumber("latencyMs", latencyMs, {});
  checkNumber("errorRate", errorRate, { max: 1 });
  checkNumber("dropRate", dropRate, { max: 1 });
  checkNumber("randomSeed", randomSeed, { integer: true, min: Number.MIN_SAFE_INTEGER });
  if ((errorRate ?? 0) + (dropRate ?? 0) > 1) {
    throw new RangeError(`errorRate + dropRate must not exceed 1 (they are fractions of the same requests)`);
  }
}

function checkNumber(name: string, value: unknown, limits: { integer?: boolean; min?: number; max?: number }): void {
  if (value === undefined) return;
  const { integer = false, min = 0, max = Number.MAX_SAFE_INTEGER } = limits;
  const ok = typeof value === "number" && Number.isFinite(value) && value >= min && value <= max;
  if (ok && (!integer || Number.isInteger(value))) return;
  const kind = integer ? "an integer" : "a number";
  const range = max === 1 ? " from 0 to 1" : min === 0 ? " of at least 0" : "";
  throw new RangeError(`${name} must be ${kind}${range}, not ${JSON.stringify(value)}`);
}

function checkScripted(fault: ScriptedFault): void {
  if ("drop" in fault) {
    if (fault.drop !== true) throw new RangeError(`a scripted drop is {drop: true}, not ${JSON.stringify(fault)}`);
  } else if ("dropAnswer" in fault) {
    if (fault.dropAnswer !== true) throw new RangeError(`a lost answer is {dropAnswer: true}, not ${JSON.stringify(fault)}`);
  } else if ("latencyMs" in fault) {
    checkNumber("latencyMs", fault.latencyMs, {});
  } else if (fault.status === 429) {
    checkNumber("retryAfter", fault.retryAfter, { integer: true });
  } else if (!INJECTABLE_5XX.includes(fault.status)) {
    throw new RangeError(`a scripted status is 429, 500, 502, 503 or 504, not ${JSON.stringify(fault)}`);
  }
}

const INJECTABLE_5XX: readonly number[] = [500, 502, 503, 504];
/** What random errors pick from: the statuses an overloaded API or its gateway answers with. */
const RANDOM_5XX = [500, 502, 503] as const;

// --- Decisions -----------------------------------------------------------------------------------------------------

/** What happens to one request, decided when it arrives. */
type Fate =
  | { kind: "pass" }
  | { kind: "answer"; status: number; retryAfter: number | undefined }
  | { kind: "drop" }
  /** Handled by the API, the answer cut off. */
  | { kind: "loseAnswer" };

/** mulberry32: tiny, fast and good enough to pick failing requests; the point is that a seed replays exactly. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WINDOW_MS = 1000;

export class Faults implements FaultController {
  private settings: FaultSettings = {};
  private random: () => number = Math.random;
  private readonly queue: ScriptedFault[] = [];
  /**
  Arrival times (ms, monotonic: the global `performance.now()`, which a test can move with fake timers) of the
  requests accepted in the last second, per credential.
  */
  private readonly windows = new Map<string, number[]>();
  private counters: FaultStats = emptyStats();

  constructor(settings: FaultSettings = {}) {
    this.set(settings);
  }

  set(settings: FaultSettings): void {
    checkFaultSettings(settings);
    this.settings = { ...settings };
    this.random = generator(settings.randomSeed ?? randomInt(2 ** 32));
  }

  next(faults: readonly ScriptedFault[]): void {
    faults.forEach(checkScripted);
    this.queue.push(...faults.map((fault) => ({ ...fault })));
  }

  stats(): FaultStats {
    return { ...this.counters, byStatus: { ...this.counters.byStatus } };
  }

  reset(): void {
    this.counters = emptyStats();
    this.queue.length = 0;
    this.windows.clear();
    this.set(this.settings);
  }

  /** The target's handler with the faults in front of it. */
  wrap(target: FaultTarget): Handler {
    return async (request, response, baseUrl) => {
      this.counters.requests += 1;
      response.on("finish", () => this.countStatus(response.statusCode));
      // Decided synchronously on arrival, so scripted faults and the generator follow arrival order exactly.
      const { fate, latencyMs } = this.decide(target.credential(request));
      if (latencyMs > 0) await sleep(latencyMs);
      if (fate.kind === "pass") return target.handle(request, response, baseUrl);
      if (fate.kind === "loseAnswer") {
        this.counters.dropped += 1;
        // Whatever the API answers is never written: the connection is cut where the answer would be sent.
        response.writeHead = (() => response) as unknown as typeof response.writeHead;
        response.end = (() => response.destroy()) as unknown as typeof response.end;
        return target.handle(request, response, baseUrl);
      }
      target.requests.push((await receive(request)).record);
      if (fate.kind === "drop") {
        this.counters.dropped += 1;
        response.destroy();
        return undefined;
      }
      if (fate.status === 429) this.counters.throttled += 1;
      else this.counters.injectedErrors += 1;
      return answer(response, fate.status, target.errorAnswer(fate.status), fate.retryAfter);
    };
  }

  /**
  Faults apply only to requests that carry a valid credential; the rest go straight to the API, which answers 401.
  Deciding after authentication is what real rate limiters do (the budget belongs to a credential, so an unknown one
  has none to spend), and it keeps a 401 a 401: a misconfigured key must read as such, not as a flaky 503 that a
  client retries. It also keeps scripted faults for the requests a test means, not for a probe without a key.
  */
  private decide(credential: string | undefined): { fate: Fate; latencyMs: number } {
    const latencyMs = this.settings.latencyMs ?? 0;
    if (credential === undefined) return { fate: { kind: "pass" }, latencyMs };
    const scripted = this.queue.shift();
    if (scripted !== undefined) return scriptedFate(scripted, latencyMs);
    return { fate: this.randomFate() ?? this.rateLimit(credential), latencyMs };
  }

  /**
  Two draws per request, whatever the outcome, so which requests fail depends only on their order, never on timing
  or on the rates. Random failures come before the rate limit: they stand for trouble in front of the API (gateway,
  network), so such a request never reaches the limiter and uses none of its budget.
  */
  private randomFate(): Fate | undefined {
    const pick = this.random();
    const which = this.random();
    const dropRate = this.settings.dropRate ?? 0;
    if (pick < dropRate) return { kind: "drop" };
    if (pick < dropRate + (this.settings.errorRate ?? 0)) {
      const status = RANDOM_5XX[Math.floor(which * RANDOM_5XX.length)] ?? 500;
      return { kind: "answer", status, retryAfter: undefined };
    }
    return undefined;
  }

  /** A sliding window of accepted requests; a refused request is not added, so it does not use up the budget. */
  private rateLimit(credential: string): Fate {
    const rate = this.settings.rate ?? 0;
    if (rate === 0) return { kind: "pass" };
    const now = performance.now();
    const recent = (this.windows.get(credential) ?? []).filter((time) => now - time < WINDOW_MS);
    this.windows.set(credential, recent);
    if (recent.length >= rate) return { kind: "answer", status: 429, retryAfter: this.settings.retryAfter };
    recent.push(now);
    return { kind: "pass" };
  }

  private countStatus(status: number): void {
    const key = String(status);
    this.counters.byStatus[key] = (this.counters.byStatus[key] ?? 0) + 1;
  }
}

function scriptedFate(fault: ScriptedFault, latencyMs: number): { fate: Fate; latencyMs: number } {
  if ("drop" in fault) return { fate: { kind: "drop" }, latencyMs };
  if ("dropAnswer" in fault) return { fate: { kind: "loseAnswer" }, latencyMs };
  if ("latencyMs" in fault) return { fate: { kind: "pass" }, latencyMs: latencyMs + fault.latencyMs };
  const retryAfter = fault.status === 429 ? fault.retryAfter : undefined;
  return { fate: { kind: "answer", status: fault.status, retryAfter }, latencyMs };
}

function emptyStats(): FaultStats {
  return { requests: 0, throttled: 0, injectedErrors: 0, dropped: 0, byStatus: {} };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// --- HTTP ----------------------------------------------------------------------------------------------------------

function answer(
  response: ServerResponse,
  status: number,
  error: { contentType: string; body: object },
  retryAfter: number | undefined,
): void {
  const headers: Record<string, string> = { "cache-control": "no-cache" };
  if (retryAfter !== undefined) headers["retry-after"] = String(retryAfter);
  sendJson(response, status, error.contentType, error.body, headers);
}

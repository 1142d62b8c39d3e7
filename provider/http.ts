import type { Got } from "got" with { "resolution-mode": "import" };
import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import { DidrouteError, type ApiSystem } from "./errors";
import { operationStartedAt } from "./operation";
import { VERSION } from "./version";

/**
got is ESM-only and this package is CommonJS. A real dynamic import (kept as `import()` by `module: nodenext`) loads
it the same way in a test, in a program, and inside the dynamic-provider host, on every Node version we support.
*/
let gotModule: Promise<Got> | undefined;
function loadGot(): Promise<Got> {
  gotModule ??= import("got").then((m) => m.default);
  return gotModule;
}

/**
Starts loading got and the limiter while the host configures the provider, so the first operations of a run (up to
dozens at once) do not each wait on the module loads before they queue for the limiter. A failure here is ignored:
the first request loads again and reports it.
*/
export function preloadModules(): void {
  loadGot().catch(() => {
    gotModule = undefined;
  });
  import("p-throttle").catch(() => {});
}

export interface HttpRequest {
  method: "GET" | "PATCH" | "POST" | "DELETE";
  /** Path relative to the client's base URL, without a leading slash. */
  path: string;
  searchParams?: Record<string, string>;
  body?: unknown;
  /**
  Headers of this request only, asked for at each attempt once it has its slot from the rate limiter, just before it
  leaves: a bearer token taken then is the freshest, however long the request waited for its slot. What it throws
  fails the request as thrown.
  */
  attemptHeaders?: () => Promise<Record<string, string>>;
}

export interface HttpResponse {
  status: number;
  /** The parsed JSON body, or undefined when the body was empty. */
  body: unknown;
  /** Header names lower-cased (a 401's `www-authenticate` says why). */
  headers: Record<string, string | string[] | undefined>;
  /** Method and path as a person reads them in an error: `PATCH /v3/dids/…` (no host, no query). */
  request: string;
  /** How often the request was sent: 1 when the first answer was final. */
  attempts: number;
  /**
  For error messages, empty when the request was sent once: how often it was sent, over how long, and why retrying
  stopped, e.g. ` (after 4 attempts over 9.3 s; the didww:operationTimeoutSeconds budget of 10 s was spent)`.
  */
  retries: string;
}

/** How hard a client may push an API, and how long it waits (README, "Limits, retries and timeouts"). */
export interface HttpLimits {
  /** Requests per second per endpoint and credential, shared by every resource of the process; 0: no limit. */
  maxRequestsPerSecond: number;
  /** One attempt's timeout. */
  requestTimeoutMs: number;
  /** No retry starts later than this after the operation started. */
  operationTimeoutMs: number;
}

export interface HttpClientOptions {
  system: ApiSystem;
  /** Base URL, already validated (https, or http on loopback), without a trailing slash. */
  baseUrl: string;
  headers: Record<string, string>;
  /** Keys the shared rate limiter (hashed in memory, used for nothing else). */
  credential: string;
  limits: HttpLimits;
  /** The config namespace for messages: "didww", "carrierx". */
  configPrefix: string;
  /**
  This client's POSTs are retried as GET and PATCH are, not only when unsent: only for a POST whose repetition is
  harmless (a token request: a second one mints a second token, nothing more).
  */
  idempotentPost?: boolean;
}

export interface HttpSend {
  (request: HttpRequest): Promise<HttpResponse>;
  /**
  Waits for the next slot of the rate limiter this client shares, for a request that is decided only once the slot
  has come (the shared reads of batch.ts). Send it within `inTakenSlot`, which hands it that slot.
  */
  slot(): Promise<void>;
}

export const USER_AGENT = `pulumi-didroute/${VERSION}`;

/**
The retry policy (README, "Limits, retries and timeouts"). GET, PATCH and DELETE are retried: a GET changes nothing,
every PATCH this package sends states the whole desired value, and a DELETE repeated after one that took effect
finds nothing (404, which the resources count as done), so sending any of them twice has the effect of sending it
once. A POST creates an object each time it arrives, so it is retried only when the API cannot have acted on it:
`unsent` below.
*/
export const RETRY = {
  methods: ["GET", "PATCH", "DELETE", "POST"] as const,
  /** Too many requests, and the answers of an API or a proxy that is struggling or restarting. */
  statusCodes: [429, 500, 502, 503, 504],
  /** Transport failures that a second attempt can get past; ETIMEDOUT is also an attempt over its timeout. */
  errorCodes: ["ETIMEDOUT", "ECONNRESET", "EPIPE", "ECONNREFUSED", "EADDRINUSE", "ENETUNREACH", "EAI_AGAIN"],
  /**
  What a POST is retried on: a 429 (the API refused it unprocessed) and failures before a connection existed. After
  a 5xx, a reset or a timeout the object may exist, and a second POST would make a second one.
  */
  unsent: { statusCodes: [429], errorCodes: ["ECONNREFUSED", "EADDRINUSE", "ENETUNREACH", "EAI_AGAIN"] },
  maxAttempts: 8,
  /** Without Retry-After: 0.5 s, 1 s, 2 s, 4 s, then 8 s, each stretched by up to 25% at random (jitter). */
  backoffBaseMs: 500,
  backoffCapMs: 8_000,
};

/** The wait before retry number `retry` (1-based) when the API did not say how long to wait. */
export function backoffDelay(retry: number, random: number = Math.random()): number {
  const exponential = Math.min(RETRY.backoffCapMs, RETRY.backoffBaseMs * 2 ** (retry - 1));
  return Math.round(exponential * (1 + random / 4));
}

/**
How long the waits between attempts last, as a share of what the policy asks for: 1, unless the process environment
says otherwise. The fault matrix (test/engine/faults.engine.test.ts) runs this policy through the real provider host
at a quarter of its waits, so that its dozens of retries do not take minutes; which attempts are made, in which order
and within which budget is the same at any scale. Deliberately not a setting: nobody should run a provider that waits
less than an API asks.
*/
function waitScale(): number {
  const scale = Number(process.env["PULUMI_DIDROUTE_TEST_WAIT_SCALE"]);
  return scale > 0 && scale < 1 ? scale : 1;
}

/**
Whether a failed POST certainly did not reach the API, so that sending it again cannot create a second object:
`status` is the answer's, undefined when none came; `code` is the transport error's.
*/
export function unsent(status: number | undefined, code: string): boolean {
  return status === undefined ? RETRY.unsent.errorCodes.includes(code) : RETRY.unsent.statusCodes.includes(status);
}

/** What one call learns across its attempts. */
interface Attempts {
  deadline: number;
  attempts: number;
  lastStatus?: number;
  budgetSpent: boolean;
  /** The first attempt goes out in a slot the caller already took (inTakenSlot). */
  slotTaken: boolean;
  attemptHeaders?: () => Promise<Record<string, string>>;
  /** What `attemptHeaders` threw: the request's failure, not a network error. */
  failure?: unknown;
}

/** A slot taken by `slot()` and not yet used by a request. */
const takenSlots = new AsyncLocalStorage<{ used: boolean }>();

/**
Runs `body` in a slot of the rate limiter already taken with `slot()`: the first request sent within it goes out
without waiting for another; any further request (a next page, a retry) takes a slot of its own, as always.
*/
export function inTakenSlot<T>(body: () => Promise<T>): Promise<T> {
  return takenSlots.run({ used: false }, body);
}

/**
The single place where requests leave the process. Non-2xx answers are returned, not thrown: each API client maps
them with knowledge of its own error format. Every attempt, retries included, first takes a slot from the rate
limiter shared by all clients of the same API endpoint and credential.
*/
export function createHttpClient(options: HttpClientOptions): HttpSend {
  const { limits } = options;
  const scale = waitScale();
  const limiter = limiterFor(options.system, options.baseUrl, options.credential, limits.maxRequestsPerSecond);
  let instance: Promise<Got> | undefined;
  const client = (): Promise<Got> => {
    instance ??= loadGot().then((got) =>
      got.extend({
        prefixUrl: options.baseUrl,
        headers: { "user-agent": USER_AGENT, ...options.headers },
        throwHttpErrors: false,
        responseType: "text",
        timeout: { request: limits.requestTimeoutMs },
        retry: {
          limit: RETRY.maxAttempts - 1,
          methods: [...RETRY.methods],
          statusCodes: RETRY.statusCodes,
          errorCodes: RETRY.errorCodes,
          // The budget decides below, not got (which would end the retries silently on a Retry-After above this): a
          // Retry-After of 60 s is honoured when the operation has the time, and the message says so when it has not.
          maxRetryAfter: Number.MAX_SAFE_INTEGER,
          calculateDelay: ({ attemptCount, error, retryAfter, computedValue }) => {
            const state = attemptsOf(error.options.context);
            // Not retryable: method, status, error code, attempt count, or the request's own headers failed.
            if (computedValue === 0 || state.failure !== undefined) return 0;
            if (error.options.method === "POST" && !options.idempotentPost && !unsent(error.response?.statusCode, error.code)) {
              return 0;
            }
            // A delay of 0 tells got not to retry, so "Retry-After: 0" (retry now) becomes 1 ms.
            const asked = retryAfter === undefined ? backoffDelay(attemptCount) : retryAfter;
            const delay = Math.max(1, Math.round(asked * scale));
            if (Date.now() + delay >= state.deadline) {
              state.budgetSpent = true;
              return 0;
            }
            return delay;
          },
        },
        hooks: {
          // Runs before every attempt, retries included, so retries respect the rate limit too. got starts an
          // attempt's timeout after these hooks: waiting for a slot is not counted against it.
          beforeRequest: [
            async (requestOptions) => {
              const state = attemptsOf(requestOptions.context);
              if (state.slotTaken) state.slotTaken = false;
              else await limiter();
              state.attempts += 1;
              if (state.attemptHeaders === undefined) return;
              try {
                Object.assign(requestOptions.headers, await state.attemptHeaders());
              } catch (error) {
                state.failure = error;
                throw error;
              }
            },
          ],
          afterResponse: [
            (response) => {
              attemptsOf(response.request.options.context).lastStatus = response.statusCode;
              return response;
            },
          ],
        },
      }),
    );
    return instance;
  };
  const basePath = new URL(options.baseUrl).pathname.replace(/\/$/, "");
  const budgetKey = `${options.configPrefix}:operationTimeoutSeconds`;

  const send = async (request: HttpRequest): Promise<HttpResponse> => {
    const described = `${request.method} ${basePath}/${request.path}`;
    const taken = takenSlots.getStore();
    const slotTaken = taken !== undefined && !taken.used;
    if (taken !== undefined) taken.used = true;
    const got = await client();
    const startedAt = Date.now();
    const state: Attempts = {
      deadline: (operationStartedAt() ?? startedAt) + limits.operationTimeoutMs,
      attempts: 0,
      budgetSpent: false,
      slotTaken,
      ...(request.attemptHeaders ? { attemptHeaders: request.attemptHeaders } : {}),
    };
    const summary = () => {
      if (state.attempts <= 1) return "";
      const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
      const why = state.budgetSpent
        ? `; the ${budgetKey} budget of ${limits.operationTimeoutMs / 1000} s was spent`
        : state.attempts >= RETRY.maxAttempts
          ? `; ${RETRY.maxAttempts} attempts is the most it makes`
          : "";
      return ` (after ${state.attempts} attempts over ${seconds} s${why})`;
    };
    let response;
    try {
      response = await got(request.path, {
        method: request.method,
        context: { [ATTEMPTS]: state },
        ...(request.searchParams ? { searchParams: request.searchParams } : {}),
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      });
    } catch (error) {
      if (state.failure !== undefined) throw state.failure;
      const code = (error as { code?: string }).code;
      const last = state.lastStatus === undefined ? "" : `; the last answer was ${state.lastStatus}`;
      throw new DidrouteError(
        `${options.system} ${described} failed before an answer arrived: ${code ?? "network error"} ` +
          `(${options.baseUrl})${summary()}${last}`,
        { system: options.system, method: request.method, path: `${basePath}/${request.path}`, ...(code ? { code } : {}) },
      );
    }
    return {
      status: response.statusCode,
      body: parseBody(response.body),
      headers: response.headers,
      request: described,
      attempts: state.attempts,
      retries: summary(),
    };
  };
  return Object.assign(send, { slot: limiter });
}

/**
got copies the `context` object it is given (shallowly), so the state travels one level down, where every attempt's
hooks and the caller see the same object.
*/
const ATTEMPTS = "didrouteAttempts";

function attemptsOf(context: Record<string, unknown>): Attempts {
  return context[ATTEMPTS] as Attempts;
}

type Limiter = () => Promise<void>;

const limiters = new Map<string, Limiter>();

/**
One limiter per API endpoint and credential for the whole provider process, so that every resource (of every kind)
draws from the same budget, as the API counts it: per key. The credential is hashed before it becomes a map key.
*/
function limiterFor(system: ApiSystem, baseUrl: string, credential: string, perSecond: number): Limiter {
  const key = `${system} ${baseUrl} ${createHash("sha256").update(credential).digest("hex")} ${perSecond}`;
  let limiter = limiters.get(key);
  if (limiter === undefined) {
    limiter = perSecond === 0 ? async () => {} : throttled(perSecond);
    limiters.set(key, limiter);
  }
  return limiter;
}

/**
Requests evenly spaced, one every 1/perSecond s, so no sliding second ever holds more than `perSecond` of them. A
window of `perSecond` slots per second instead lets a burst leave at once; its arrivals bunch up on the way and the
API, counting them in its own window, answered 429 to 2–6% of a 500-request run (bench/, issue 5), against 0.2% when
spaced. Each gap is 2% longer than strictly needed for the same reason: a 429 costs far more than 2% of the time.
*/
function throttled(perSecond: number): Limiter {
  let throttle: Promise<Limiter> | undefined;
  return async () => {
    throttle ??= import("p-throttle").then(({ default: pThrottle }) =>
      pThrottle({ limit: 1, interval: 1020 / perSecond, strict: true })(async () => {}),
    );
    await (await throttle)();
  };
}

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
One client per distinct settings (endpoint, credential, ...), so operations share got instances and connections. The
key lives only in this process's memory.
*/
export function cachedPerSettings<Settings extends object, Client>(
  create: (settings: Settings) => Client,
): (settings: Settings) => Client {
  const clients = new Map<string, Client>();
  return (settings) => {
    const key = JSON.stringify(settings);
    let client = clients.get(key);
    if (client === undefined) {
      client = create(settings);
      clients.set(key, client);
    }
    return client;
  };
}

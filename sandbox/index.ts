/**
`pulumi-didroute/sandbox`: the DIDWW and CarrierX sandbox APIs on one loopback port, with fault injection in front
of both. This is what `didroute sandbox` serves, and what a program or a CI job starts in-process:

```ts
import { createSandbox, exampleSeedPath, loadSeed } from "pulumi-didroute/sandbox";
const sandbox = createSandbox({ seed: loadSeed(exampleSeedPath()), faults: { rate: 10 } });
const urls = await sandbox.listen(); // { didww: "http://127.0.0.1:<port>/v3", carrierx: "…/core/v2" }
```

Requests are dispatched by path: `/v3…` to DIDWW, `/core/v2…` to CarrierX, `POST /token` to DIDWW's token service
(API 2026-11-19), anything else 404. Each API answers as
its standalone sandbox does (the same objects serve both), so what a client sees does not depend on how it was
started.
*/

import type { IncomingMessage, ServerResponse } from "node:http";
import { createCarrierxSandbox, errorBody, tokenAccess, type CarrierxSandbox } from "./carrierx";
import { createDidwwSandbox, internalError, JSON_API_MEDIA_TYPE, type DidwwSandbox, type DidwwTokenOptions } from "./didww";
import { Faults, type FaultController, type FaultSettings, type FaultTarget } from "./faults";
import { answerFailure, sendJson } from "./http";
import { LoopbackListener, type Handler } from "./loopback";
import type { SandboxSeed } from "./seed";

export type { CarrierxDid, CarrierxObject, CarrierxSandbox, CarrierxSeed } from "./carrierx";
export type { DidRouting, DidwwSandbox, DidwwSeed, DidwwTokenOptions, DidwwTokens, IssueOptions, RecordedRequest } from "./didww";
export type { FaultController, FaultSettings, FaultStats, ScriptedFault } from "./faults";
export { derivedId, exampleSeedPath, loadSeed, parseSeed, SeedError, type SandboxSeed } from "./seed";
export { createCarrierxSandbox } from "./carrierx";
export { createDidwwSandbox } from "./didww";

// --- Public API ----------------------------------------------------------------------------------------------------

export interface SandboxOptions {
  /** The world both APIs start with (see `loadSeed`); a system left out starts empty. */
  seed?: Partial<SandboxSeed>;
  /** The DIDWW `Api-Key` to require (from version 2026-11-19: to mint tokens with); when omitted any non-empty key is accepted. */
  apiKey?: string;
  /** DIDWW's token service of version 2026-11-19 (`POST /token` on the same port): lifetime, read-only keys, … */
  didwwTokens?: DidwwTokenOptions;
  /** The CarrierX bearer token to require; when omitted any non-empty token is accepted. */
  token?: string;
  /** CarrierX tokens that may read but not change (every write answers 403); see `CarrierxSandboxOptions`. */
  readOnlyTokens?: readonly string[];
  /** Faults and rate limits from the start; change them later with `faults.set()`. */
  faults?: FaultSettings;
}

/** A sandbox API's state and request log; serving belongs to the combined sandbox. */
export type DidwwState = Omit<DidwwSandbox, "url" | "listen" | "close" | "handle" | "accountOf">;
export type CarrierxState = Omit<CarrierxSandbox, "url" | "listen" | "close" | "handle">;

export interface SandboxUrls {
  /** DIDWW's base URL including /v3, e.g. http://127.0.0.1:8765/v3 */
  didww: string;
  /** CarrierX's base URL including /core/v2, e.g. http://127.0.0.1:8765/core/v2 */
  carrierx: string;
}

export interface Sandbox {
  /** DIDWW state (hand changes, assertions) and every request DIDWW received, faulted ones included. */
  readonly didww: DidwwState;
  /** The same for CarrierX. */
  readonly carrierx: CarrierxState;
  readonly faults: FaultController;
  /** Binds 127.0.0.1 (never other interfaces); port 0, the default, picks a free one. */
  listen(port?: number): Promise<SandboxUrls>;
  /** Valid after listen. */
  readonly urls: SandboxUrls;
  close(): Promise<void>;
  /**
  Answers one request as the listening sandbox does, for serving it from a server of your own (which is then what
  `listen` would have been): `origin` is that server's `http://host:port`, for the links the APIs render.
  */
  handle(request: IncomingMessage, response: ServerResponse, origin: string): Promise<void>;
}

export function createSandbox(options: SandboxOptions = {}): Sandbox {
  const didww = createDidwwSandbox({ apiKey: options.apiKey, seed: options.seed?.didww, tokens: options.didwwTokens });
  const carrierx = createCarrierxSandbox({
    token: options.token,
    readOnlyTokens: options.readOnlyTokens,
    seed: options.seed?.carrierx,
  });
  return new CombinedSandbox(didww, carrierx, options);
}

// --- The two APIs as fault targets ---------------------------------------------------------------------------------

const STATUS_TEXT: Readonly<Record<number, string>> = {
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/**
The credential is read by each API's own rule (DIDWW: `accountOf`, CarrierX: `tokenAccess`), because the fault
layer must know a request's credential before the API answers it: the rate limit is kept per credential (for DIDWW
per account: a token request and the requests made with its token share one budget), and a request the API will
refuse with 401 is left alone.
*/
function didwwTarget(api: DidwwSandbox): FaultTarget {
  return {
    handle: (request, response, baseUrl) => api.handle(request, response, baseUrl),
    requests: api.requests,
    credential: (request) => {
      const account = api.accountOf(request);
      return account === undefined ? undefined : `DIDWW:${account}`;
    },
    errorAnswer: (status) => ({ contentType: JSON_API_MEDIA_TYPE, body: didwwError(status) }),
  };
}

/** 429 exactly as DIDWW documents it; 5xx in its JSON:API error shape (DIDWW documents no 5xx body). */
function didwwError(status: number): object {
  const text = STATUS_TEXT[status] ?? "Error";
  if (status === 429) return { errors: [{ status: "429", detail: text }] };
  return { errors: [{ title: text, detail: text, code: String(status), status: String(status) }] };
}

function carrierxTarget(api: CarrierxSandbox, token: string | undefined, readOnlyTokens: readonly string[]): FaultTarget {
  return {
    handle: (request, response, baseUrl) => api.handle(request, response, baseUrl),
    requests: api.requests,
    credential: (request) => {
      const accepted = tokenAccess(request.headers, token, readOnlyTokens);
      return accepted === undefined ? undefined : `CarrierX:${accepted.token}`;
    },
    errorAnswer: (status) => ({ contentType: "application/json", body: errorBody(STATUS_TEXT[status] ?? "Error") }),
  };
}

// --- Serving -------------------------------------------------------------------------------------------------------

interface Route {
  prefix: string;
  handle: Handler;
  /** The API's 500 document for a handler that threw: a sandbox bug must show as an answer, not a hung client. */
  internalError: (detail: string) => { contentType: string; body: object };
}

const didwwInternalError = (detail: string) => ({
  contentType: JSON_API_MEDIA_TYPE,
  body: { errors: internalError(detail).errors },
});

const carrierxInternalError = (detail: string) => ({ contentType: "application/json", body: errorBody(detail) });

class CombinedSandbox implements Sandbox {
  readonly faults: Faults;
  private readonly routes: Route[];
  private readonly listener = new LoopbackListener(
    "combined",
    "",
    (request, response, origin) => this.handle(request, response, origin),
    (response, error) => fail(response, error, carrierxInternalError),
  );

  constructor(
    readonly didww: DidwwSandbox,
    readonly carrierx: CarrierxSandbox,
    options: SandboxOptions,
  ) {
    this.faults = new Faults(options.faults ?? {});
    const didwwApi = didwwTarget(didww);
    const carrierxApi = carrierxTarget(carrierx, options.token, options.readOnlyTokens ?? []);
    this.routes = [
      { prefix: "/v3", handle: this.faults.wrap(didwwApi), internalError: didwwInternalError },
      // DIDWW's token service (version 2026-11-19), on the same port: the origin's /token.
      { prefix: "/token", handle: this.faults.wrap(didwwApi), internalError: didwwInternalError },
      { prefix: "/core/v2", handle: this.faults.wrap(carrierxApi), internalError: carrierxInternalError },
    ];
  }

  async listen(port = 0): Promise<SandboxUrls> {
    await this.listener.listen(port);
    return this.urls;
  }

  get urls(): SandboxUrls {
    const origin = this.listener.url;
    return { didww: `${origin}/v3`, carrierx: `${origin}/core/v2` };
  }

  close(): Promise<void> {
    return this.listener.close();
  }

  /** `origin` is http://127.0.0.1:<port>; each API gets its own base URL, for the absolute links it renders. */
  async handle(request: IncomingMessage, response: ServerResponse, origin: string): Promise<void> {
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    const route = this.routes.find(({ prefix }) => path === prefix || path.startsWith(`${prefix}/`));
    if (route === undefined) return notFound(response, path);
    try {
      await route.handle(request, response, `${origin}${route.prefix}`);
    } catch (error) {
      fail(response, error, route.internalError);
    }
  }
}

function fail(response: ServerResponse, error: unknown, document: Route["internalError"]): void {
  answerFailure(response, error, (detail) => {
    const { contentType, body } = document(detail);
    sendJson(response, 500, contentType, body);
  });
}

function notFound(response: ServerResponse, path: string): void {
  const message = `No API at ${path}: this sandbox serves DIDWW under /v3 and CarrierX under /core/v2`;
  sendJson(response, 404, "application/json", { message, errors: [] });
}

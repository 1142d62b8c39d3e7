import type { Got } from "got" with { "resolution-mode": "import" };
import { DidrouteError, type ApiSystem } from "./errors";
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

export interface HttpRequest {
  method: "GET" | "PATCH";
  /** Path relative to the client's base URL, without a leading slash. */
  path: string;
  searchParams?: Record<string, string>;
  body?: unknown;
}

export interface HttpResponse {
  status: number;
  /** The parsed JSON body, or undefined when the body was empty. */
  body: unknown;
  /** Method and path as a person reads them in an error: `PATCH /v3/dids/…` (no host, no query). */
  request: string;
}

export interface HttpClientOptions {
  system: ApiSystem;
  /** Base URL, already validated (https, or http on loopback), without a trailing slash. */
  baseUrl: string;
  headers: Record<string, string>;
}

export type HttpSend = (request: HttpRequest) => Promise<HttpResponse>;

export const USER_AGENT = `pulumi-didroute/${VERSION}`;

/**
The single place where requests leave the process. Non-2xx answers are returned, not thrown: each API client maps
them with knowledge of its own error format. Retries and rate limiting belong here (got's `retry` and a limiter
around `client()`), so that every operation of every resource gets the same policy.
*/
export function createHttpClient(options: HttpClientOptions): HttpSend {
  let instance: Promise<Got> | undefined;
  const client = (): Promise<Got> => {
    instance ??= loadGot().then((got) =>
      got.extend({
        prefixUrl: options.baseUrl,
        headers: { "user-agent": USER_AGENT, ...options.headers },
        throwHttpErrors: false,
        responseType: "text",
        // No retries yet: a PATCH is only repeated under a policy that knows it is safe to.
        retry: { limit: 0 },
        timeout: { request: 30_000 },
      }),
    );
    return instance;
  };
  const basePath = new URL(options.baseUrl).pathname.replace(/\/$/, "");

  return async (request) => {
    const described = `${request.method} ${basePath}/${request.path}`;
    const got = await client();
    let response;
    try {
      response = await got(request.path, {
        method: request.method,
        ...(request.searchParams ? { searchParams: request.searchParams } : {}),
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      });
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new DidrouteError(
        `${options.system} ${described} failed before an answer arrived: ${code ?? "network error"} ` +
          `(${options.baseUrl})`,
        { system: options.system, method: request.method, path: `${basePath}/${request.path}`, ...(code ? { code } : {}) },
      );
    }
    return { status: response.statusCode, body: parseBody(response.body), request: described };
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
One client per distinct settings (endpoint, credential, ...), so operations share got instances, and later a rate
limiter per credential. The key lives only in this process's memory.
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

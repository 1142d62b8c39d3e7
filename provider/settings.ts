import { DidrouteError, type ApiSystem } from "./errors";
import type { HttpLimits } from "./http";

/** What the dynamic-provider host hands to `configure`: the whole stack config, keys with their namespace. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

/**
Stack config captured by `configure`. It lives only in the provider process's memory: it is read when the host
deserializes a provider and never written back into the serialized provider, state or outputs.
*/
const stackConfig = new Map<string, string>();

const KEYS = [
  "didww:apiKey",
  "didww:accessToken",
  "didww:tokenEndpoint",
  "didww:endpoint",
  "didww:apiVersion",
  "didww:maxRequestsPerSecond",
  "didww:requestTimeoutSeconds",
  "didww:operationTimeoutSeconds",
  "carrierx:token",
  "carrierx:endpoint",
  "carrierx:maxRequestsPerSecond",
  "carrierx:requestTimeoutSeconds",
  "carrierx:operationTimeoutSeconds",
] as const;

type Key = (typeof KEYS)[number];

/**
Called by the host once per provider text, before the first operation. It must finish synchronously: the host puts
the provider in its cache before configure returns, so a concurrent first RPC could otherwise see no config.
*/
export function configure(config: ConfigSource | undefined): void {
  for (const key of KEYS) {
    let value: unknown;
    try {
      value = config?.get(key);
    } catch {
      // An engine that sent no Configure leaves the host's config undefined; the environment still applies.
      value = undefined;
    }
    // Config values are strings; anything else (structured config) is kept as its JSON text, so an error can show it.
    if (value !== undefined && value !== null && value !== "") {
      stackConfig.set(key, typeof value === "string" ? value : JSON.stringify(value));
    } else stackConfig.delete(key);
  }
}

/** Config wins over the environment, the environment over the default: what Pulumi providers do. */
function resolve(key: Key, envVar: string): string | undefined {
  const fromConfig = stackConfig.get(key);
  if (fromConfig !== undefined) return fromConfig;
  const fromEnv = process.env[envVar];
  return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
}

/** For an error about a setting's value: empty when it came from stack config, else which variable to look at. */
function sourceOf(key: Key, envVar: string): string {
  return stackConfig.has(key) ? "" : ` (from ${envVar})`;
}

/** A credential: required, from config (set as a secret) or the environment; the error says how to set it. */
function requireCredential(
  system: ApiSystem,
  what: string,
  key: Key,
  placeholder: string,
  envVar: string,
): string {
  const value = resolve(key, envVar);
  if (value === undefined) {
    throw new DidrouteError(
      `${system} ${what} is not set: run "pulumi config set --secret ${key} ${placeholder}" or set ${envVar}`,
      { system },
    );
  }
  return value;
}

/** An API base URL from config, the environment or the default, checked by `checkEndpoint`. */
function endpointSetting(system: ApiSystem, key: Key, envVar: string, fallback: string): string {
  const value = resolve(key, envVar);
  if (value === undefined) return fallback;
  return checkEndpoint(system, value, key, sourceOf(key, envVar));
}

export interface DidwwSettings {
  /** How requests authenticate, which the API version decides (see `didwwAuth`). */
  auth: DidwwAuth;
  /** Base URL including the `/v3` path, without a trailing slash. */
  endpoint: string;
  apiVersion: string;
  limits: HttpLimits;
}

/** The first DIDWW API version whose requests carry bearer access tokens instead of `Api-Key`. */
export const DIDWW_TOKEN_API_VERSION = "2026-11-19";

/** A DIDWW credential, and how requests carry it (README, "DIDWW API 2026-11-19: access tokens"). */
export type DidwwAuth =
  /** Versions before 2026-11-19: the key in `Api-Key` on every request. */
  | { scheme: "apiKey"; apiKey: string }
  /** 2026-11-19 and later with an API key: access tokens minted from it at `tokenEndpoint` (didww/token.ts). */
  | { scheme: "mintedToken"; apiKey: string; tokenEndpoint: string }
  /** 2026-11-19 and later with a token minted elsewhere, used as is; `source` names where it came from, for messages. */
  | { scheme: "suppliedToken"; accessToken: string; source: string };

/** Defaults (README, "Limits, retries and timeouts"): DIDWW documents 10 requests per second per key. */
export const DEFAULT_LIMITS = {
  didww: { maxRequestsPerSecond: 10, requestTimeoutSeconds: 30, operationTimeoutSeconds: 300 },
  carrierx: { maxRequestsPerSecond: 10, requestTimeoutSeconds: 30, operationTimeoutSeconds: 300 },
};

/** A number setting: config, then environment, then default; the error names the key and what it takes. */
function numberSetting(system: ApiSystem, key: Key, envVar: string, fallback: number, zeroAllowed: boolean): number {
  const raw = resolve(key, envVar);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0)) {
    const wants = zeroAllowed ? "a number of 0 or more (0: no limit)" : "a number of seconds greater than 0";
    throw new DidrouteError(`${key} must be ${wants}, got "${raw}"${sourceOf(key, envVar)}`, { system });
  }
  return value;
}

function limitsSetting(system: ApiSystem, prefix: "didww" | "carrierx"): HttpLimits {
  const env = prefix.toUpperCase();
  const defaults = DEFAULT_LIMITS[prefix];
  return {
    maxRequestsPerSecond: numberSetting(system, `${prefix}:maxRequestsPerSecond`, `${env}_MAX_REQUESTS_PER_SECOND`, defaults.maxRequestsPerSecond, true),
    requestTimeoutMs:
      1000 * numberSetting(system, `${prefix}:requestTimeoutSeconds`, `${env}_REQUEST_TIMEOUT_SECONDS`, defaults.requestTimeoutSeconds, false),
    operationTimeoutMs:
      1000 *
      numberSetting(system, `${prefix}:operationTimeoutSeconds`, `${env}_OPERATION_TIMEOUT_SECONDS`, defaults.operationTimeoutSeconds, false),
  };
}

export const DIDWW_DEFAULT_ENDPOINT = "https://api.didww.com/v3";
export const DIDWW_DEFAULT_API_VERSION = "2026-04-16";

/** Read at every operation, so a key rotated in the environment before `pulumi destroy` is honoured. */
export function didwwSettings(): DidwwSettings {
  const endpoint = endpointSetting("DIDWW", "didww:endpoint", "DIDWW_ENDPOINT", DIDWW_DEFAULT_ENDPOINT);
  const apiVersion = didwwApiVersion();
  return { auth: didwwAuth(endpoint, apiVersion), endpoint, apiVersion, limits: limitsSetting("DIDWW", "didww") };
}

/** `didww:apiVersion` (or DIDWW_API_VERSION, or the default), checked; needs no credential, so checks can ask. */
export function didwwApiVersion(): string {
  const apiVersion = resolve("didww:apiVersion", "DIDWW_API_VERSION") ?? DIDWW_DEFAULT_API_VERSION;
  if (!isApiVersion(apiVersion)) {
    throw new DidrouteError(
      `didww:apiVersion must be a DIDWW API version date such as ${DIDWW_DEFAULT_API_VERSION}, got "${apiVersion}"` +
        sourceOf("didww:apiVersion", "DIDWW_API_VERSION"),
      { system: "DIDWW" },
    );
  }
  return apiVersion;
}

const API_KEY_HINT = 'run "pulumi config set --secret didww:apiKey <key>" or set DIDWW_API_KEY';

/**
Which credential, by the API version: before 2026-11-19 the API key, exactly as ever. From 2026-11-19 an API key
(tokens are minted from it) or an access token minted elsewhere (used as is). Stack config wins over the environment
whichever kind each holds, as for every setting; one place holding both is refused rather than guessed at.
*/
function didwwAuth(endpoint: string, apiVersion: string): DidwwAuth {
  // ISO dates compare correctly as strings.
  if (apiVersion < DIDWW_TOKEN_API_VERSION) {
    const tokenOnly =
      resolve("didww:apiKey", "DIDWW_API_KEY") === undefined && resolve("didww:accessToken", "DIDWW_ACCESS_TOKEN") !== undefined;
    if (tokenOnly) {
      throw new DidrouteError(
        `DIDWW API key is not set, and an access token (didww:accessToken or DIDWW_ACCESS_TOKEN) is used only with ` +
          `didww:apiVersion ${DIDWW_TOKEN_API_VERSION} or later (this is ${apiVersion}): ${API_KEY_HINT}, or set ` +
          `didww:apiVersion ${DIDWW_TOKEN_API_VERSION}`,
        { system: "DIDWW" },
      );
    }
    return { scheme: "apiKey", apiKey: requireCredential("DIDWW", "API key", "didww:apiKey", "<key>", "DIDWW_API_KEY") };
  }
  const fromEnv = (name: string) => process.env[name] || undefined;
  const places = [
    {
      keyName: "didww:apiKey",
      tokenName: "didww:accessToken",
      apiKey: stackConfig.get("didww:apiKey"),
      accessToken: stackConfig.get("didww:accessToken"),
    },
    {
      keyName: "DIDWW_API_KEY",
      tokenName: "DIDWW_ACCESS_TOKEN",
      apiKey: fromEnv("DIDWW_API_KEY"),
      accessToken: fromEnv("DIDWW_ACCESS_TOKEN"),
    },
  ];
  for (const { keyName, tokenName, apiKey, accessToken } of places) {
    if (apiKey !== undefined && accessToken !== undefined) {
      throw new DidrouteError(
        `DIDWW credentials: set ${keyName} (access tokens are minted from it) or ${tokenName} (a token minted ` +
          "elsewhere), not both",
        { system: "DIDWW" },
      );
    }
    if (accessToken !== undefined) return { scheme: "suppliedToken", accessToken, source: tokenName };
    if (apiKey !== undefined) return { scheme: "mintedToken", apiKey, tokenEndpoint: tokenEndpointSetting(endpoint) };
  }
  throw new DidrouteError(
    `DIDWW API key is not set: ${API_KEY_HINT} (access tokens are minted from it), or supply an access token ` +
      'with "pulumi config set --secret didww:accessToken <token>" or DIDWW_ACCESS_TOKEN',
    { system: "DIDWW" },
  );
}

/**
DIDWW's token services (reference: didww-2026-11-19.md, "Token service"): one per environment. A local stand-in of
the API (the sandbox) serves its token service on the same server, at /token.
*/
const TOKEN_ENDPOINTS: Readonly<Record<string, string>> = {
  "api.didww.com": "https://auth.didww.com/token",
  "sandbox-api.didww.com": "https://auth-sandbox.didww.com/token",
};

/** `didww:tokenEndpoint`, or the token service of the API endpoint's environment. */
export function tokenEndpointSetting(endpoint: string): string {
  const configured = resolve("didww:tokenEndpoint", "DIDWW_TOKEN_ENDPOINT");
  if (configured !== undefined) {
    return checkEndpoint("DIDWW", configured, "didww:tokenEndpoint", sourceOf("didww:tokenEndpoint", "DIDWW_TOKEN_ENDPOINT"));
  }
  const url = new URL(endpoint);
  const known = TOKEN_ENDPOINTS[url.hostname];
  if (known !== undefined) return known;
  if (LOOPBACK.test(url.hostname)) return `${url.origin}/token`;
  throw new DidrouteError(
    `didww:tokenEndpoint is not set, and DIDWW's token service is known only for api.didww.com and ` +
      `sandbox-api.didww.com (the endpoint is ${url.origin}): run "pulumi config set didww:tokenEndpoint ` +
      'https://…/token" or set DIDWW_TOKEN_ENDPOINT',
    { system: "DIDWW" },
  );
}

/** For `didroute token`: the API key and where to mint with it, whatever the API version. */
export function didwwTokenSettings(): { apiKey: string; tokenEndpoint: string; limits: HttpLimits } {
  const apiKey = requireCredential("DIDWW", "API key", "didww:apiKey", "<key>", "DIDWW_API_KEY");
  const endpoint = endpointSetting("DIDWW", "didww:endpoint", "DIDWW_ENDPOINT", DIDWW_DEFAULT_ENDPOINT);
  return { apiKey, tokenEndpoint: tokenEndpointSetting(endpoint), limits: limitsSetting("DIDWW", "didww") };
}

function isApiVersion(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
Endpoints must be https: the request carries the credential. Plain http is allowed only on loopback, where a local
stand-in of the API (the sandbox, a test) runs. Certificate checks are never turned off.
*/
export function checkEndpoint(system: ApiSystem, value: string, key: string, source = ""): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DidrouteError(`${key} must be a URL such as https://..., got "${value}"${source}`, { system });
  }
  const loopback = LOOPBACK.test(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new DidrouteError(
      `${key} must use https (plain http is accepted only for 127.0.0.1/localhost), got "${url.origin}"${source}`,
      { system },
    );
  }
  if (url.username !== "" || url.password !== "" || url.search !== "") {
    throw new DidrouteError(`${key} must not carry credentials or a query string${source}`, { system });
  }
  return url.href.replace(/\/+$/, "");
}

export interface CarrierxSettings {
  token: string;
  /** Base URL including the `/core/v2` path, without a trailing slash. */
  endpoint: string;
  limits: HttpLimits;
}

export const CARRIERX_DEFAULT_ENDPOINT = "https://api.carrierx.com/core/v2";

/** Read at every operation, like `didwwSettings`, so a token rotated in the environment is honoured. */
export function carrierxSettings(): CarrierxSettings {
  const token = requireCredential("CarrierX", "token", "carrierx:token", "<token>", "CARRIERX_TOKEN");
  const endpoint = endpointSetting("CarrierX", "carrierx:endpoint", "CARRIERX_ENDPOINT", CARRIERX_DEFAULT_ENDPOINT);
  return { token, endpoint, limits: limitsSetting("CarrierX", "carrierx") };
}

/**
The access tokens of DIDWW API 2026-11-19 and later (README, "DIDWW API 2026-11-19: access tokens"). A token comes
from one of two places:

- Minted by this process from the API key at DIDWW's token service: one token per (token service, API key) for the
  whole process, shared by every resource and client (plan, validate --online and the other commands too), minted
  again ahead of its expiry and after DIDWW refused it, and never minted twice at once. Ahead of expiry the next token
  is minted in the background while requests go on carrying the one held, still valid; operations wait for a mint
  only when there is no valid token to send (the first, one expired, one refused).
- Supplied (didww:accessToken, DIDWW_ACCESS_TOKEN), e.g. minted by a CI step: used as is. Its `exp` claim is read so
  that an expired token fails here, naming where it came from, instead of as a 401 from DIDWW.

Tokens are JWTs (documented): their claims are read, never verified; verifying them is DIDWW's business.
*/
import { createHash } from "node:crypto";
import { DidrouteError } from "../errors";
import { createHttpClient, type HttpLimits, type HttpResponse } from "../http";

/** The audience of DIDWW's main API: a service accepts a token only when its `aud` lists the service's name. */
export const API_AUDIENCE = "api.didww.com";

/** What a token request's answer gives, once read. */
export interface MintedAnswer {
  accessToken: string;
  expiresInSeconds?: number;
}

/**
The token request's body and how its answer is read: ASSUMED, all of it. DIDWW documents that `POST /token` on the
token service of the environment takes the API key in `Api-Key` and returns a short-lived JWT whose `aud` lists the
services it is for and whose `scope` may be `read` (reference: didww-2026-11-19.md, "Token service"). The body, the
answer's fields and how a `read` token is asked for are in the part of DIDWW's page that could not be read. Every guess
is here, so that a correction is made here and nowhere else (README, Limitations); each has a test in
test/didww-tokens-wire.test.ts:

1. The body is JSON naming the audience as the claim does: `{"aud": ["api.didww.com"]}`.
2. A token that can only read is asked for with `"scope": "read"` in that body; without it the token has the key's
   full access.
3. The answer is OAuth 2.0's (RFC 6749 §5.1): the token in `access_token`, its lifetime in seconds in `expires_in`
   (optional); any 2xx status.

The token's own `exp` claim is preferred to `expires_in` (see `lifetimeOf`).
*/
export function tokenExchange(scope?: "read"): { body: object; read(answer: unknown): MintedAnswer | undefined } {
  return {
    body: scope === undefined ? { aud: [API_AUDIENCE] } : { aud: [API_AUDIENCE], scope },
    read(answer) {
      const fields = answer as { access_token?: unknown; expires_in?: unknown } | undefined;
      const accessToken = fields?.access_token;
      if (typeof accessToken !== "string" || accessToken === "") return undefined;
      const expiresIn = fields?.expires_in;
      return typeof expiresIn === "number" && expiresIn > 0 ? { accessToken, expiresInSeconds: expiresIn } : { accessToken };
    },
  };
}

interface Claims {
  exp?: unknown;
  iat?: unknown;
  aud?: unknown;
  scope?: unknown;
}

/** A JWT's claims, unverified; undefined for a token that is not a JWT. */
export function claimsOf(token: string): Claims | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8"));
    return typeof claims === "object" && claims !== null && !Array.isArray(claims) ? claims : undefined;
  } catch {
    return undefined;
  }
}

/** Renew this long before a minted token expires, or a fifth of its lifetime when that is shorter. */
const RENEW_AHEAD_MS = 60_000;

/**
When this token expires and when to mint the next one (ahead of expiry). The lifetime is measured on DIDWW's clock
alone (`exp` − `iat`, or `expires_in`) and counted from when the request left, so a local clock that is off does not
matter; only a token with `exp` and nothing else is compared with the local clock. Undefined when nothing says (or the
local clock makes it look expired already): then the token is replaced only once DIDWW refuses it.
*/
function lifetimeOf(
  token: string,
  expiresInSeconds: number | undefined,
  requestedAt: number,
): { renewAt: number; expiresAt: number } | undefined {
  const { exp, iat } = claimsOf(token) ?? {};
  const lifetimeMs =
    typeof exp === "number" && typeof iat === "number"
      ? (exp - iat) * 1000
      : expiresInSeconds !== undefined
        ? expiresInSeconds * 1000
        : typeof exp === "number"
          ? exp * 1000 - requestedAt
          : undefined;
  if (lifetimeMs === undefined || lifetimeMs <= 0) return undefined;
  const expiresAt = requestedAt + lifetimeMs;
  return { renewAt: expiresAt - Math.min(RENEW_AHEAD_MS, lifetimeMs / 5), expiresAt };
}

/** Where the access tokens of a client come from. */
export interface TokenSource {
  /** A token to send now. */
  current(): Promise<string>;
  /** After DIDWW refused `refused` (401): another token to try once, or undefined when there is none to be had. */
  replace(refused: string): Promise<string | undefined>;
  /** The secrets this source holds (the API key, tokens), for masking answers that echo them. */
  secrets(): string[];
}

interface Minted {
  value: string;
  /** When to mint the next one, and when this one stops being valid; undefined when the answer does not say. */
  lifetime: { renewAt: number; expiresAt: number } | undefined;
}

/** The token service: the base URL and the path `createHttpClient` takes (`https://auth.didww.com`, `token`). */
function splitEndpoint(tokenEndpoint: string): { baseUrl: string; path: string } {
  const url = new URL(tokenEndpoint);
  const directory = url.pathname.replace(/[^/]*$/, "");
  return { baseUrl: `${url.origin}${directory.replace(/\/$/, "")}`, path: url.pathname.slice(directory.length) };
}

/**
Sends token requests through the one choke point (provider/http.ts): rate-limited per token service and API key,
retried on 429 and 5xx like every request (a repeated token request only mints another token).
*/
function tokenService(tokenEndpoint: string, apiKey: string, limits: HttpLimits): (scope?: "read") => Promise<Minted> {
  const { baseUrl, path } = splitEndpoint(tokenEndpoint);
  const send = createHttpClient({
    system: "DIDWW",
    baseUrl,
    headers: { "api-key": apiKey, "content-type": "application/json", accept: "application/json" },
    credential: apiKey,
    limits,
    configPrefix: "didww",
    idempotentPost: true,
  });
  return async (scope) => {
    const exchange = tokenExchange(scope);
    const requestedAt = Date.now();
    const response = await send({ method: "POST", path, body: exchange.body });
    if (response.status < 200 || response.status >= 300) throw mintRefused(response, tokenEndpoint, [apiKey]);
    const answer = exchange.read(response.body);
    if (answer === undefined) throw unreadableAnswer(response);
    return { value: answer.accessToken, lifetime: lifetimeOf(answer.accessToken, answer.expiresInSeconds, requestedAt) };
  };
}

/** One token per token service and API key, for the whole process (see the module's comment). */
class MintedTokens implements TokenSource {
  private held: Minted | undefined;
  private minting: Promise<Minted> | undefined;

  constructor(
    private readonly apiKey: string,
    private readonly mint: () => Promise<Minted>,
  ) {}

  async current(): Promise<string> {
    const held = this.held;
    if (held !== undefined) {
      const { lifetime } = held;
      const now = Date.now();
      if (lifetime === undefined || now < lifetime.renewAt) return held.value;
      if (now < lifetime.expiresAt) {
        // Due for renewal but still valid: this request leaves now with it while the next token is minted. Were it to
        // wait, every request given its limiter slot during the mint would leave together once the mint ended, a
        // burst over DIDWW's per-second limit (answered 429). A failed renewal is tried again by the next request;
        // once the token has expired, a request waits for the mint and fails with its error.
        this.next().catch(() => {});
        return held.value;
      }
    }
    return (await this.next()).value;
  }

  /** Only the first operation to see a token refused mints another; the others get the one it minted. */
  async replace(refused: string): Promise<string> {
    if (this.held?.value === refused) this.held = undefined;
    return this.current();
  }

  secrets(): string[] {
    return this.held === undefined ? [this.apiKey] : [this.apiKey, this.held.value];
  }

  /** Single flight: one token request at a time, whose token every waiting operation gets. */
  private next(): Promise<Minted> {
    this.minting ??= this.mint()
      .then((minted) => {
        this.held = minted;
        return minted;
      })
      .finally(() => {
        this.minting = undefined;
      });
    return this.minting;
  }
}

const mintedSources = new Map<string, MintedTokens>();

/**
The process's token source for a token service and API key (the key is hashed before it becomes a map key). The
limits of the first client that asks apply to its token requests.
*/
export function mintedTokens(tokenEndpoint: string, apiKey: string, limits: HttpLimits): TokenSource {
  const key = `${tokenEndpoint} ${createHash("sha256").update(apiKey).digest("hex")}`;
  let source = mintedSources.get(key);
  if (source === undefined) {
    const service = tokenService(tokenEndpoint, apiKey, limits);
    source = new MintedTokens(apiKey, () => service());
    mintedSources.set(key, source);
  }
  return source;
}

/** A token minted elsewhere: checked before each use, never replaced. */
export function suppliedToken(accessToken: string, source: string): TokenSource {
  return {
    current: async () => {
      checkSupplied(accessToken, source);
      return accessToken;
    },
    replace: async () => undefined,
    secrets: () => [accessToken],
  };
}

function checkSupplied(token: string, source: string): void {
  const { exp, aud } = claimsOf(token) ?? {};
  if (typeof exp === "number" && Date.now() >= exp * 1000) {
    const minutes = Math.max(1, Math.round((Date.now() - exp * 1000) / 60_000));
    throw new DidrouteError(
      `The DIDWW access token in ${source} expired at ${new Date(exp * 1000).toISOString()} (${minutes} min ago), ` +
        "so nothing was sent: supply a new one (didroute token mints one), or set didww:apiKey / DIDWW_API_KEY instead " +
        "so that tokens are minted and renewed as needed",
      { system: "DIDWW" },
    );
  }
  const audiences = typeof aud === "string" ? [aud] : Array.isArray(aud) ? aud : undefined;
  if (audiences !== undefined && !audiences.includes(API_AUDIENCE)) {
    throw new DidrouteError(
      `The DIDWW access token in ${source} is for ${audiences.map((a) => JSON.stringify(a)).join(", ")}, not for ` +
        `DIDWW's API (its audience must list "${API_AUDIENCE}"), so nothing was sent: supply one minted for it`,
      { system: "DIDWW" },
    );
  }
}

/** For `didroute token`: one token from the API key, asked for with `scope`, and when it should be renewed. */
export async function mintAccessToken(
  settings: { apiKey: string; tokenEndpoint: string; limits: HttpLimits },
  scope?: "read",
): Promise<{ accessToken: string; expiresAt: Date | undefined }> {
  const minted = await tokenService(settings.tokenEndpoint, settings.apiKey, settings.limits)(scope);
  const { exp } = claimsOf(minted.value) ?? {};
  return { accessToken: minted.value, expiresAt: typeof exp === "number" ? new Date(exp * 1000) : undefined };
}

// --- Messages ------------------------------------------------------------------------------------------------------

/** Every occurrence of each secret in `value` (any depth) replaced, so an answer that echoes one can be shown. */
export function masked<T>(value: T, secrets: readonly string[]): T {
  const live = secrets.filter((secret) => secret !== "");
  const mask = (item: unknown): unknown => {
    if (typeof item === "string") return live.reduce((text, secret) => text.split(secret).join("[redacted]"), item);
    if (Array.isArray(item)) return item.map(mask);
    if (typeof item === "object" && item !== null) {
      return Object.fromEntries(Object.entries(item).map(([name, entry]) => [name, mask(entry)]));
    }
    return item;
  };
  return mask(value) as T;
}

/** DIDWW's own words in an error answer (its first error's detail or title), already masked; "" when none. */
export function didwwSaid(body: unknown): string {
  const first = (body as { errors?: { detail?: unknown; title?: unknown }[] } | undefined)?.errors?.[0];
  const said = typeof first?.detail === "string" ? first.detail : typeof first?.title === "string" ? first.title : "";
  return said === "" ? "" : ` DIDWW said: ${said}`;
}

function mintRefused(response: HttpResponse, tokenEndpoint: string, secrets: readonly string[]): DidrouteError {
  const { status, request } = response;
  const said = didwwSaid(masked(response.body, secrets));
  const details = { system: "DIDWW" as const, status, method: "POST", path: request.split(" ")[1] ?? "" };
  if (status === 401 || status === 403) {
    return new DidrouteError(
      `DIDWW's token service refused the API key (${status} on ${request}): the key is missing or invalid, belongs to ` +
        "the other environment (sandbox or production), or this address is not among the key's allowed IP addresses. " +
        `Set it with "pulumi config set --secret didww:apiKey <key>" or DIDWW_API_KEY.${said}`,
      details,
    );
  }
  if (status === 404) {
    return new DidrouteError(
      `No DIDWW token service at ${tokenEndpoint} (404 on ${request}): check didww:tokenEndpoint (DIDWW_TOKEN_ENDPOINT)`,
      details,
    );
  }
  return new DidrouteError(`DIDWW's token service answered ${status} to ${request}${response.retries}${said}`, details);
}

/** The answer is never quoted (it may hold a token under a name not expected); its field names are not secret. */
function unreadableAnswer(response: HttpResponse): DidrouteError {
  const body = response.body;
  const fields = typeof body === "object" && body !== null ? Object.keys(body).join(", ") || "none" : typeof body;
  return new DidrouteError(
    `DIDWW's token service answered ${response.request} with ${response.status} but no access token this package can ` +
      `read (it expects "access_token"; the answer's fields: ${fields}). The token answer's format is assumed ` +
      "(README, Limitations): please report this with the field names",
    { system: "DIDWW", status: response.status, method: "POST" },
  );
}

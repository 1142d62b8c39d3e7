/**
The DIDWW sandbox's token service and the bearer rules of API version 2026-11-19 and later (reference:
didww-2026-11-19.md, "Token service" and "Using tokens"):

- `POST /token` takes the API key in `Api-Key` and answers a short-lived JWT (HS256, signed with a secret of this
  sandbox) with `aud` (the services it is for: `api.didww.com` unless the body names others), `scope` (`read` for a
  read-only key, or when the body asks `"scope": "read"`; `write` otherwise), `exp`, `iat`, and the key's allowed IP
  addresses when it has some. The answer is OAuth 2.0's (`access_token`, `token_type`, `expires_in`, `scope`): DIDWW
  has not published its own, and this is what the provider assumes (provider/didww/token.ts).
- The v3 endpoints refuse `Api-Key` (401) and accept only such tokens: none gives 401 without a body; an expired,
  revoked, foreign or otherwise invalid one 401 with `WWW-Authenticate: Bearer error="invalid_token"`; a `read` token
  on any method but GET and HEAD 403 with `error="insufficient_scope"`, title `Insufficient scope`.

Only Node built-ins are used, like the rest of the sandbox.
*/

import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { EMPTY_BODY, headerValue, isJsonObject, type JsonBody } from "../http";
import { ApiError } from "./errors";
import { acceptedApiKey } from "./headers";

/** The first API version whose requests carry bearer tokens instead of `Api-Key`. */
export const TOKEN_API_VERSION = "2026-11-19";
/** Where the token service answers, on the sandbox's own server. */
export const TOKEN_PATH = "/token";
/** The main API's audience name, the same on DIDWW's sandbox host as in production. */
export const API_AUDIENCE = "api.didww.com";
/** DIDWW says only "short-lived". */
const DEFAULT_LIFETIME_SECONDS = 900;

export interface DidwwTokenOptions {
  /** Seconds a minted token lives (default 900). */
  lifetimeSeconds?: number;
  /** API keys whose tokens can only read (scope `read`), whatever the request asks; accepted besides `apiKey`. */
  readOnlyApiKeys?: readonly string[];
  /** Per API key, the addresses it may be used from (DIDWW's "Allowed IP addresses"), copied into its tokens. */
  allowedAddresses?: Readonly<Record<string, readonly string[]>>;
  /** The signing secret; random per sandbox by default, so that no token outlives the sandbox that minted it. */
  secret?: string;
}

export type TokenScope = "read" | "write";

/** What a test or a demo may issue directly, as `POST /token` would, or with what `/token` never gives. */
export interface IssueOptions {
  /** The key the token is minted from (default: the sandbox's key, or "sandbox-key" when any key is accepted). */
  apiKey?: string;
  scope?: TokenScope;
  /** May be 0 or negative, for a token that has already expired. */
  lifetimeSeconds?: number;
  audience?: readonly string[];
  allowedAddresses?: readonly string[];
}

/** The token service of one DIDWW sandbox, and the rules its tokens are checked by. */
export interface DidwwTokens {
  issue(options?: IssueOptions): string;
  /** Every token issued so far is refused from now on (401 invalid_token), as DIDWW does with an expired one. */
  revokeAll(): void;
}

interface Claims {
  iss: string;
  /** The account: a digest of the key (a JWT is readable by anyone holding it, so never the key). */
  sub: string;
  aud: string[];
  scope: TokenScope;
  iat: number;
  exp: number;
  jti: string;
  ips?: string[];
}

/** A request's account: whose rate-limit budget it spends. */
export function accountOf(apiKey: string): string {
  return createHash("sha256").update(apiKey).digest("hex").slice(0, 16);
}

export class TokenService implements DidwwTokens {
  private readonly secret: Buffer;
  private readonly lifetimeSeconds: number;
  private readonly readOnly: ReadonlySet<string>;
  private readonly issued: string[] = [];
  private readonly revoked = new Set<string>();

  constructor(
    private readonly apiKey: string | undefined,
    private readonly options: DidwwTokenOptions = {},
  ) {
    const lifetime = options.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS;
    if (!(typeof lifetime === "number" && Number.isFinite(lifetime) && lifetime > 0)) {
      throw new RangeError(`lifetimeSeconds must be a number of seconds greater than 0, not ${JSON.stringify(lifetime)}`);
    }
    this.lifetimeSeconds = lifetime;
    this.secret = options.secret === undefined ? randomBytes(32) : Buffer.from(options.secret, "utf8");
    this.readOnly = new Set(options.readOnlyApiKeys ?? []);
  }

  /** The key of a token request when it may mint: the sandbox's key (any when unset), or a read-only one. */
  acceptedKey(headers: IncomingHttpHeaders): string | undefined {
    const sent = headerValue(headers, "api-key");
    if (sent !== undefined && this.readOnly.has(sent)) return sent;
    return acceptedApiKey(headers, this.apiKey);
  }

  /** `POST /token`: the answer's status and JSON document. */
  mint(request: IncomingMessage, body: JsonBody): { status: number; document: object } {
    const apiKey = this.acceptedKey(request.headers);
    if (apiKey === undefined) throw tokenError(401, "Unauthorized", "missing or invalid api-key");
    const address = remoteAddress(request);
    const allowed = this.options.allowedAddresses?.[apiKey];
    if (allowed !== undefined && !allowed.includes(address)) {
      throw tokenError(403, "Forbidden", `${address} is not among the allowed IP addresses of this API key`);
    }
    // An empty body asks for the defaults.
    const asked = body.kind === "json" ? body.value : body.kind === "invalid" && body.reason === EMPTY_BODY ? {} : undefined;
    if (!isJsonObject(asked)) throw tokenError(400, "Bad request", "The request body must be a JSON object.");
    const { scope, aud } = asked;
    if (scope !== undefined && scope !== "read") {
      throw tokenError(400, "Invalid scope", `${JSON.stringify(scope)} is not a scope; ask for "read" or leave it out.`);
    }
    const audience = Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === "string") ? aud : undefined;
    if (aud !== undefined && audience === undefined) {
      throw tokenError(400, "Invalid audience", "aud must be a non-empty list of service names.");
    }
    const granted: TokenScope = this.readOnly.has(apiKey) || scope === "read" ? "read" : "write";
    const token = this.issue({ apiKey, scope: granted, audience, allowedAddresses: allowed });
    return {
      status: 200,
      document: { access_token: token, token_type: "Bearer", expires_in: this.lifetimeSeconds, scope: granted },
    };
  }

  issue(options: IssueOptions = {}): string {
    const now = Date.now() / 1000;
    const lifetime = options.lifetimeSeconds ?? this.lifetimeSeconds;
    const apiKey = options.apiKey ?? this.apiKey ?? "sandbox-key";
    const claims: Claims = {
      iss: "didroute-sandbox",
      sub: accountOf(apiKey),
      aud: [...(options.audience ?? [API_AUDIENCE])],
      scope: options.scope ?? (this.readOnly.has(apiKey) ? "read" : "write"),
      iat: now,
      exp: now + lifetime,
      jti: randomUUID(),
      ...(options.allowedAddresses === undefined ? {} : { ips: [...options.allowedAddresses] }),
    };
    this.issued.push(claims.jti);
    const header = base64url({ alg: "HS256", typ: "JWT" });
    const payload = base64url(claims);
    return `${header}.${payload}.${this.sign(`${header}.${payload}`)}`;
  }

  revokeAll(): void {
    for (const jti of this.issued.splice(0)) this.revoked.add(jti);
  }

  /** The token of a v3 request, checked; its claims, or the 401 DIDWW answers. */
  verify(request: IncomingMessage): Claims {
    const authorization = headerValue(request.headers, "authorization");
    const token = /^Bearer (\S+)$/i.exec(authorization ?? "")?.[1];
    // No bearer token (an `Api-Key` included): "the same status with no body".
    if (token === undefined) throw new ApiError(401, [], { "www-authenticate": 'Bearer realm="DIDWW"' });
    const claims = this.claimsOf(token);
    if (claims === undefined) throw invalidToken("The access token is malformed or was not minted by this sandbox.");
    if (this.revoked.has(claims.jti)) throw invalidToken("The access token has been revoked.");
    if (Date.now() / 1000 >= claims.exp) throw invalidToken("The access token has expired.");
    if (!claims.aud.includes(API_AUDIENCE)) throw invalidToken(`The access token is not minted for ${API_AUDIENCE}.`);
    const address = remoteAddress(request);
    if (claims.ips !== undefined && !claims.ips.includes(address)) {
      throw invalidToken(`${address} is not among the allowed IP addresses of the API key this token was minted with.`);
    }
    return claims;
  }

  /** Whose budget a request spends, or undefined when it will be refused 401 (see `DidwwSandbox.accountOf`). */
  accountOfToken(request: IncomingMessage): string | undefined {
    try {
      return this.verify(request).sub;
    } catch {
      return undefined;
    }
  }

  private claimsOf(token: string): Claims | undefined {
    const [header, payload, signature, ...rest] = token.split(".");
    if (header === undefined || payload === undefined || signature === undefined || rest.length > 0) return undefined;
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Claims;
    } catch {
      return undefined;
    }
  }

  private sign(input: string): string {
    return createHmac("sha256", this.secret).update(input).digest("base64url");
  }
}

/** Whether a version selects bearer tokens (ISO dates compare as strings). */
export function usesTokens(servedVersion: string): boolean {
  return servedVersion >= TOKEN_API_VERSION;
}

/** The methods a `read` token covers. */
export const READ_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD"]);

export const insufficientScope = (): ApiError =>
  new ApiError(
    403,
    [
      {
        title: "Insufficient scope",
        detail: "The access token carries the read scope, which does not cover this method.",
        code: "403",
        status: "403",
      },
    ],
    { "www-authenticate": 'Bearer error="insufficient_scope"' },
  );

function invalidToken(detail: string): ApiError {
  return new ApiError(401, [{ title: "Invalid token", detail, code: "401", status: "401" }], {
    "www-authenticate": `Bearer error="invalid_token", error_description="${detail.replaceAll('"', "'")}"`,
  });
}

function tokenError(status: number, title: string, detail: string): ApiError {
  return new ApiError(status, [{ title, detail, code: String(status), status: String(status) }]);
}

/** The peer's address as an allowlist names it: IPv4 without the `::ffff:` of a dual-stack socket. */
function remoteAddress(request: IncomingMessage): string {
  return (request.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

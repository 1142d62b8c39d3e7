import nock from "nock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resource } from "../provider";
import { mintAccessToken } from "../provider/didww/token";
import { useConfig, useNock } from "./wire";

/**
DIDWW API 2026-11-19: bearer access tokens on the wire (reference: didww-2026-11-19.md). Which credential each version
uses, the token request and the requests that carry its token, when a token is minted (once per process and key,
ahead of expiry, after a refusal, never twice at once), and the messages a person reads.
*/
const API = "https://api.didww.com";
const AUTH = "https://auth.didww.com";
const VERSION = "2026-11-19";
const DID = "9df99644-f1a5-4a3c-99a4-559d758eb96b";
const TRUNK = "41b94706-325e-4704-a433-d65105758836";
const GROUP = "714e8148-0aea-4cb6-8680-bd1d06453418";
// Never created or updated in this file, so this process holds no claim on them (see provider/claims.ts).
const OTHER_DID = "2a0c5e1e-8f5b-4d0e-9d8a-1f6a2b3c4d5e";
const OTHER_GROUP = "b2319703-ce6c-480d-bb53-614e7abcfc96";

const did = resource("didww:DidTrunkAssignment");
const members = resource("didww:TrunkGroupMembership");

/** Tokens live per (token service, API key) for the whole process: each test gets a key of its own. */
let KEY = "";
let keys = 0;

/** A JWT-shaped token (DIDWW verifies the signature, the provider only reads the claims). */
function jwt(claims: Record<string, unknown>, id = "t"): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "HS256", typ: "JWT" })}.${part({ jti: id, ...claims })}.c2lnbmF0dXJl`;
}

const now = () => Date.now() / 1000;
const didAnswer = { data: { id: DID, type: "dids", attributes: { number: "16091609123456797" } } };
const groupAnswer = { data: { id: GROUP, type: "voice_in_trunk_groups", attributes: {} } };
const didBody = {
  data: {
    type: "dids",
    id: DID,
    relationships: { voice_in_trunk: { data: { type: "voice_in_trunks", id: TRUNK } }, voice_in_trunk_group: { data: null } },
  },
};

/** 2026-11-19 with this test's key and the limiter off (these tests count requests, they do not time them). */
function useTokenVersion(extra: Record<string, string> = {}) {
  useConfig({ "didww:apiKey": KEY, "didww:apiVersion": VERSION, "didww:maxRequestsPerSecond": "0", ...extra });
}

/** The token service answering `tokens` in turn, one per request, to the assumed request (see tokenExchange). */
function tokenService(tokens: string[], origin = AUTH) {
  const scope = nock(origin, {
    reqheaders: { "api-key": KEY, "content-type": "application/json", accept: "application/json" },
    badheaders: ["authorization"],
  });
  for (const token of tokens) {
    scope.post("/token", { aud: ["api.didww.com"] }).reply(200, { access_token: token, token_type: "Bearer", expires_in: 900 });
  }
  return scope;
}

/** The API, expecting `token` as the bearer credential and no `Api-Key`. */
function api(token: string) {
  return nock(API, {
    reqheaders: {
      authorization: `Bearer ${token}`,
      "x-didww-api-version": VERSION,
      "content-type": "application/vnd.api+json",
      accept: "application/vnd.api+json",
    },
    badheaders: ["api-key"],
  });
}

const refused = (detail = "The access token has expired.") => [
  401,
  { errors: [{ title: "Invalid token", detail, code: "401", status: "401" }] },
  { "www-authenticate": 'Bearer error="invalid_token"' },
] as const;

useNock();
beforeEach(() => {
  KEY = `didww-key-${++keys}-5c0e`;
  for (const name of Object.keys(process.env)) if (name.startsWith("DIDWW_")) delete process.env[name];
});
afterEach(() => {
  vi.useRealTimers();
});

describe("which credential", () => {
  it("before 2026-11-19: Api-Key exactly as before, no token request, even with an access token around", async () => {
    process.env["DIDWW_ACCESS_TOKEN"] = jwt({ exp: now() + 600 });
    useConfig({ "didww:apiKey": KEY, "didww:apiVersion": "2026-04-16" });
    nock(API, { reqheaders: { "api-key": KEY, "x-didww-api-version": "2026-04-16" }, badheaders: ["authorization"] })
      .patch(`/v3/dids/${DID}`, didBody)
      .reply(200, didAnswer);
    await did.create({ didId: DID, trunkId: TRUNK });
  });

  it("from 2026-11-19 with an API key: mints a token with it and sends the token instead of the key", async () => {
    const token = jwt({ exp: now() + 900, aud: ["api.didww.com"], scope: "write" });
    useTokenVersion();
    tokenService([token]);
    api(token).patch(`/v3/dids/${DID}`, didBody).reply(200, didAnswer);
    expect((await did.create({ didId: DID, trunkId: TRUNK })).outs).toMatchObject({ didId: DID, trunkId: TRUNK });
  });

  it("from 2026-11-19 with an access token: sends it as is and mints nothing", async () => {
    const token = jwt({ exp: now() + 600, aud: ["api.didww.com"] });
    useConfig({ "didww:accessToken": token, "didww:apiVersion": "2027-01-01", "didww:maxRequestsPerSecond": "0" });
    nock(API, { reqheaders: { authorization: `Bearer ${token}` }, badheaders: ["api-key"] })
      .get(`/v3/dids/${DID}`)
      .query(true)
      .reply(200, { data: { ...didAnswer.data, relationships: { voice_in_trunk: { data: null }, voice_in_trunk_group: { data: null } } } });
    await did.read(DID, {});
  });

  it("config wins over the environment whichever credential each holds; one place with both is refused", async () => {
    const token = jwt({ exp: now() + 600 });
    process.env["DIDWW_API_KEY"] = "env-key-never-used";
    useConfig({ "didww:accessToken": token, "didww:apiVersion": VERSION, "didww:maxRequestsPerSecond": "0" });
    nock(API, { reqheaders: { authorization: `Bearer ${token}` } }).patch(`/v3/dids/${DID}`).reply(200, didAnswer);
    await did.create({ didId: DID, trunkId: TRUNK });

    useConfig({ "didww:apiKey": KEY, "didww:accessToken": token, "didww:apiVersion": VERSION });
    await expect(did.read(DID, {})).rejects.toThrow(
      "DIDWW credentials: set didww:apiKey (access tokens are minted from it) or didww:accessToken (a token minted elsewhere), not both",
    );
    process.env["DIDWW_ACCESS_TOKEN"] = token;
    useConfig({ "didww:apiVersion": VERSION });
    await expect(did.read(DID, {})).rejects.toThrow(
      "DIDWW credentials: set DIDWW_API_KEY (access tokens are minted from it) or DIDWW_ACCESS_TOKEN (a token minted elsewhere), not both",
    );
  });

  it("says what is missing: no credential, or an access token with a version before 2026-11-19", async () => {
    useConfig({ "didww:apiVersion": VERSION });
    await expect(did.read(DID, {})).rejects.toThrow(
      'DIDWW API key is not set: run "pulumi config set --secret didww:apiKey <key>" or set DIDWW_API_KEY (access ' +
        'tokens are minted from it), or supply an access token with "pulumi config set --secret didww:accessToken <token>" or DIDWW_ACCESS_TOKEN',
    );
    useConfig({ "didww:accessToken": jwt({}) });
    await expect(did.read(DID, {})).rejects.toThrow(
      "DIDWW API key is not set, and an access token (didww:accessToken or DIDWW_ACCESS_TOKEN) is used only with " +
        "didww:apiVersion 2026-11-19 or later (this is 2026-04-16): run \"pulumi config set --secret didww:apiKey <key>\" " +
        "or set DIDWW_API_KEY, or set didww:apiVersion 2026-11-19",
    );
  });
});

describe("where tokens are minted", () => {
  it("DIDWW's sandbox API mints at auth-sandbox.didww.com, a loopback API at its own /token", async () => {
    useTokenVersion({ "didww:endpoint": "https://sandbox-api.didww.com/v3" });
    tokenService(["sandbox-token"], "https://auth-sandbox.didww.com");
    nock("https://sandbox-api.didww.com", { reqheaders: { authorization: "Bearer sandbox-token" } })
      .patch(`/v3/dids/${DID}`)
      .reply(200, didAnswer);
    await did.create({ didId: DID, trunkId: TRUNK });

    useTokenVersion({ "didww:endpoint": "http://127.0.0.1:4010/v3" });
    tokenService(["loopback-token"], "http://127.0.0.1:4010");
    nock("http://127.0.0.1:4010", { reqheaders: { authorization: "Bearer loopback-token" } })
      .patch(`/v3/dids/${DID}`)
      .reply(200, didAnswer);
    await did.create({ didId: DID, trunkId: TRUNK });
  });

  it("didww:tokenEndpoint (or DIDWW_TOKEN_ENDPOINT) overrides it, and is required for an endpoint of no known environment", async () => {
    useTokenVersion({ "didww:endpoint": "https://didww-proxy.example.com/v3" });
    await expect(did.read(DID, {})).rejects.toThrow(
      "didww:tokenEndpoint is not set, and DIDWW's token service is known only for api.didww.com and " +
        'sandbox-api.didww.com (the endpoint is https://didww-proxy.example.com): run "pulumi config set ' +
        'didww:tokenEndpoint https://…/token" or set DIDWW_TOKEN_ENDPOINT',
    );
    process.env["DIDWW_TOKEN_ENDPOINT"] = "http://auth.example.com/token";
    await expect(did.read(DID, {})).rejects.toThrow(
      'didww:tokenEndpoint must use https (plain http is accepted only for 127.0.0.1/localhost), got "http://auth.example.com" (from DIDWW_TOKEN_ENDPOINT)',
    );
    process.env["DIDWW_TOKEN_ENDPOINT"] = "https://auth.example.com/oauth/token";
    nock("https://auth.example.com", { reqheaders: { "api-key": KEY } })
      .post("/oauth/token")
      .reply(200, { access_token: "proxied-token", expires_in: 900 });
    nock("https://didww-proxy.example.com", { reqheaders: { authorization: "Bearer proxied-token" } })
      .patch(`/v3/dids/${DID}`)
      .reply(200, didAnswer);
    await did.create({ didId: DID, trunkId: TRUNK });
  });
});

describe("one token per process and key", () => {
  it("is shared by every resource kind and every concurrent operation: one token request, never two at once", async () => {
    useTokenVersion();
    tokenService(["shared-token"]);
    const others = ["0b0c5e1e-8f5b-4d0e-9d8a-1f6a2b3c4d51", "0b0c5e1e-8f5b-4d0e-9d8a-1f6a2b3c4d52", "0b0c5e1e-8f5b-4d0e-9d8a-1f6a2b3c4d53"];
    for (const id of others) api("shared-token").patch(`/v3/dids/${id}`).reply(200, { data: { ...didAnswer.data, id } });
    api("shared-token").patch(`/v3/voice_in_trunk_groups/${GROUP}`).reply(200, groupAnswer);
    // Updates: each sends its PATCH (creates started together would share a read first, provider/batch.ts).
    await Promise.all([
      ...others.map((id) => did.update(id, { didId: id, trunkId: null, trunkGroupId: null, number: "1" }, { didId: id, trunkId: TRUNK })),
      members.update(GROUP, { trunkGroupId: GROUP, trunkIds: [] }, { trunkGroupId: GROUP, trunkIds: [TRUNK] }),
    ]);
    // A later operation of the same process reuses it.
    api("shared-token").get(`/v3/voice_in_trunk_groups/${GROUP}`).query(true).reply(200, {
      data: { ...groupAnswer.data, relationships: { voice_in_trunks: { data: [] } } },
    });
    await members.read(GROUP, {});
  });

  it("is minted again ahead of its expiry (a fifth of its lifetime early, at most a minute), in the background", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    useTokenVersion();
    const minted = tokenService(["first", "second"]); // expires_in 900: renewed from 840 s on
    const patch = (token: string) => api(token).patch(`/v3/dids/${OTHER_DID}`).reply(200, didAnswer);
    patch("first");
    await did.delete(OTHER_DID, { didId: OTHER_DID, trunkId: TRUNK, trunkGroupId: null, number: "1" });
    vi.setSystemTime(start + 839_000);
    patch("first");
    await did.delete(OTHER_DID, { didId: OTHER_DID, trunkId: TRUNK, trunkGroupId: null, number: "1" });
    expect(minted.pendingMocks()).toHaveLength(1);
    // Due for renewal, still valid: the request does not wait for the next token, it leaves with this one while the
    // next is minted (requests held back by a mint would leave together after it, a burst DIDWW answers with 429).
    vi.setSystemTime(start + 841_000);
    patch("first");
    await did.delete(OTHER_DID, { didId: OTHER_DID, trunkId: TRUNK, trunkGroupId: null, number: "1" });
    await vi.waitFor(() => expect(minted.pendingMocks()).toEqual([]));
    patch("second");
    await did.delete(OTHER_DID, { didId: OTHER_DID, trunkId: TRUNK, trunkGroupId: null, number: "1" });
  });

  it("is taken when a request leaves, after its wait: a retry that leaves once the token expired carries a new one", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    // The operation's budget must outlast the jump in time below.
    useTokenVersion({ "didww:operationTimeoutSeconds": "3600" });
    tokenService(["before", "after"]);
    // The first attempt is throttled, and by the time it is retried the token has expired (900 s): the retry waits
    // for the next token.
    api("before")
      .patch(`/v3/dids/${OTHER_DID}`)
      .reply(() => {
        vi.setSystemTime(start + 901_000);
        return [429, { errors: [{ status: "429", detail: "Too Many Requests" }] }, { "retry-after": "0" }];
      });
    api("after").patch(`/v3/dids/${OTHER_DID}`).reply(200, didAnswer);
    await did.delete(OTHER_DID, { didId: OTHER_DID, trunkId: TRUNK, trunkGroupId: null, number: "1" });
  });

  it("a token's own exp and iat claims set its lifetime, counted on DIDWW's clock alone", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    useTokenVersion();
    // DIDWW's clock is an hour behind this one: only exp − iat (300 s) counts, from when the token was asked for.
    const behind = start / 1000 - 3600;
    const first = jwt({ iat: behind, exp: behind + 300 }, "a");
    const scope = nock(AUTH).post("/token").reply(200, { access_token: first });
    const second = jwt({ iat: behind + 240, exp: behind + 540 }, "b");
    scope.post("/token").reply(200, { access_token: second });
    api(first).patch(`/v3/dids/${OTHER_DID}`).times(3).reply(200, didAnswer);
    await did.delete(OTHER_DID, { didId: OTHER_DID, trunkId: TRUNK, trunkGroupId: null, number: "1" });
    vi.setSystemTime(start + 239_000);
    await did.delete(OTHER_DID, { didId: OTHER_DID, trunkId: TRUNK, trunkGroupId: null, number: "1" });
    expect(scope.pendingMocks()).toHaveLength(1);
    // 240 s of 300: renewal is due (a fifth early); the request still carries the first token.
    vi.setSystemTime(start + 241_000);
    await did.delete(OTHER_DID, { didId: OTHER_DID, trunkId: TRUNK, trunkGroupId: null, number: "1" });
    await vi.waitFor(() => expect(scope.pendingMocks()).toEqual([]));
    vi.setSystemTime(start + 301_000);
    api(second).patch(`/v3/dids/${OTHER_DID}`).reply(200, didAnswer);
    await did.delete(OTHER_DID, { didId: OTHER_DID, trunkId: TRUNK, trunkGroupId: null, number: "1" });
  });

  it("a 401 invalid_token mints once more and repeats the request; concurrent refusals share the new token", async () => {
    useTokenVersion();
    tokenService(["revoked", "fresh"]);
    const ids = ["1b0c5e1e-8f5b-4d0e-9d8a-1f6a2b3c4d51", "1b0c5e1e-8f5b-4d0e-9d8a-1f6a2b3c4d52", "1b0c5e1e-8f5b-4d0e-9d8a-1f6a2b3c4d53"];
    for (const id of ids) {
      api("revoked").patch(`/v3/dids/${id}`).reply(...refused());
      api("fresh").patch(`/v3/dids/${id}`).reply(200, { data: { ...didAnswer.data, id } });
    }
    // Updates: each sends its PATCH (creates started together would share a read first, provider/batch.ts).
    const updated = await Promise.all(
      ids.map((id) => did.update(id, { didId: id, trunkId: null, trunkGroupId: null, number: "1" }, { didId: id, trunkId: TRUNK })),
    );
    expect(updated.map((u) => u.outs.didId)).toEqual(ids);
  });

  it("a 401 after which no new token can be minted fails naming the refused request and the token service's answer", async () => {
    useTokenVersion();
    const minted = tokenService(["revoked"]);
    minted.post("/token").reply(401, { errors: [{ title: "Unauthorized", detail: "API key is revoked", code: "401", status: "401" }] });
    api("revoked").patch(`/v3/dids/${OTHER_DID}`).reply(...refused());
    await expect(did.delete(OTHER_DID, { didId: OTHER_DID, trunkId: TRUNK, trunkGroupId: null, number: "1" })).rejects.toThrow(
      `DIDWW refused the access token (401 invalid_token on PATCH /v3/dids/${OTHER_DID}), and minting another failed: ` +
        "DIDWW's token service refused the API key (401 on POST /token): the key is missing or invalid",
    );
  });

  it("a token refused again after a fresh mint fails the operation, pointing at the key's allowed addresses", async () => {
    useTokenVersion();
    tokenService(["minted-token-1", "minted-token-2"]);
    const outside = "198.51.100.7 is not among the allowed IP addresses of this API key.";
    api("minted-token-1").patch(`/v3/dids/${DID}`).reply(...refused(outside));
    api("minted-token-2").patch(`/v3/dids/${DID}`).reply(...refused(`${outside} (token minted-token-2)`));
    const error = (await did.create({ didId: DID, trunkId: TRUNK }).catch((e: Error) => e)) as Error;
    expect(error.message).toBe(
      `DIDWW refused the access token (401 invalid_token on PATCH /v3/dids/${DID}), also one minted just now: this ` +
        "address may not be among the API key's allowed IP addresses (DIDWW copies them into every token), or the " +
        "token service (https://auth.didww.com/token, didww:tokenEndpoint) belongs to another environment than " +
        `didww:endpoint. DIDWW said: ${outside} (token [redacted])`,
    );
    expect(JSON.stringify(error)).not.toContain(KEY);
  });

  it("the token request goes through the choke point: a 429 (Retry-After) and a 503 are retried", async () => {
    useTokenVersion();
    nock(AUTH, { reqheaders: { "api-key": KEY } })
      .post("/token")
      .reply(429, { errors: [{ status: "429", detail: "Too Many Requests" }] }, { "retry-after": "0" })
      .post("/token")
      .reply(503, { errors: [{ status: "503", detail: "Service Unavailable" }] }, { "retry-after": "0" })
      .post("/token")
      .reply(200, { access_token: "third-time", expires_in: 900 });
    api("third-time").patch(`/v3/dids/${DID}`).reply(200, didAnswer);
    await did.create({ didId: DID, trunkId: TRUNK });
  });
});

describe("errors people can act on", () => {
  it("the token service refusing the key: key, environment or allowlist, and never the key itself", async () => {
    useTokenVersion();
    nock(AUTH)
      .post("/token")
      .reply(403, { errors: [{ title: "Forbidden", detail: `198.51.100.7 may not use the key ${KEY}`, status: "403" }] });
    const error = (await did.create({ didId: DID, trunkId: TRUNK }).catch((e: Error) => e)) as Error;
    expect(error.message).toBe(
      "DIDWW's token service refused the API key (403 on POST /token): the key is missing or invalid, belongs to the " +
        "other environment (sandbox or production), or this address is not among the key's allowed IP addresses. " +
        'Set it with "pulumi config set --secret didww:apiKey <key>" or DIDWW_API_KEY. DIDWW said: 198.51.100.7 may ' +
        "not use the key [redacted]",
    );
  });

  it("a token that can only read, on a write: says so, and which operation had to write", async () => {
    useTokenVersion();
    tokenService(["read-only-token"]);
    const insufficient = [
      403,
      { errors: [{ title: "Insufficient scope", detail: "The access token carries the read scope.", code: "403", status: "403" }] },
      { "www-authenticate": 'Bearer error="insufficient_scope"' },
    ] as const;
    api("read-only-token").patch(`/v3/dids/${DID}`).reply(...insufficient);
    api("read-only-token").patch(`/v3/voice_in_trunk_groups/${OTHER_GROUP}`).reply(...insufficient);
    await expect(did.create({ didId: DID, trunkId: TRUNK })).rejects.toThrow(
      `DIDWW refused PATCH /v3/dids/${DID} (403 insufficient_scope): the access token minted from the API key can ` +
        "only read (read scope), and this create has to write. For pulumi up, use an API key whose tokens may write; " +
        "read-only tokens are for didroute plan, didroute validate --online and pulumi preview.",
    );
    await expect(members.delete(OTHER_GROUP, { trunkGroupId: OTHER_GROUP, trunkIds: [TRUNK] })).rejects.toThrow(
      `DIDWW refused PATCH /v3/voice_in_trunk_groups/${OTHER_GROUP} (403 insufficient_scope): the access token minted ` +
        "from the API key can only read (read scope), and this delete has to write.",
    );
  });

  it("a supplied token that has expired fails before anything is sent, naming where it came from", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.parse("2026-12-01T10:30:00Z"));
    process.env["DIDWW_ACCESS_TOKEN"] = jwt({ exp: Date.parse("2026-12-01T10:00:00Z") / 1000 });
    useConfig({ "didww:apiVersion": VERSION });
    await expect(did.create({ didId: DID, trunkId: TRUNK })).rejects.toThrow(
      "The DIDWW access token in DIDWW_ACCESS_TOKEN expired at 2026-12-01T10:00:00.000Z (30 min ago), so nothing was " +
        "sent: supply a new one (didroute token mints one), or set didww:apiKey / DIDWW_API_KEY instead so that " +
        "tokens are minted and renewed as needed",
    );
  });

  it("a supplied token for another service fails before anything is sent", async () => {
    useConfig({ "didww:accessToken": jwt({ exp: now() + 600, aud: ["api-vin.didww.com"] }), "didww:apiVersion": VERSION });
    await expect(did.read(DID, {})).rejects.toThrow(
      'The DIDWW access token in didww:accessToken is for "api-vin.didww.com", not for DIDWW\'s API (its audience must ' +
        'list "api.didww.com"), so nothing was sent: supply one minted for it',
    );
  });

  it("a supplied token DIDWW refuses is not replaced: the message says what to do, and masks it", async () => {
    const token = jwt({ exp: now() + 600 });
    useConfig({ "didww:accessToken": token, "didww:apiVersion": VERSION, "didww:maxRequestsPerSecond": "0" });
    nock(API).patch(`/v3/dids/${DID}`).reply(...refused(`revoked: ${token}`));
    const error = (await did.create({ didId: DID, trunkId: TRUNK }).catch((e: Error) => e)) as Error;
    expect(error.message).toBe(
      `DIDWW refused the access token in didww:accessToken (401 invalid_token on PATCH /v3/dids/${DID}): it has ` +
        "expired or was revoked, was minted for the other environment or another audience, or this address is not " +
        "among the allowed IP addresses of the key it was minted with (DIDWW copies them into every token). Supply a " +
        "new one, or set didww:apiKey / DIDWW_API_KEY instead so that tokens are minted as needed. DIDWW said: revoked: [redacted]",
    );
  });

  it("an answer that echoes the token is masked in any other error too", async () => {
    useTokenVersion();
    tokenService(["echoed-token-0f3a"]);
    api("echoed-token-0f3a")
      .patch(`/v3/dids/${DID}`)
      .reply(422, { errors: [{ detail: "voice_in_trunk - is invalid for echoed-token-0f3a", source: { pointer: "/data/x" }, status: "422" }] });
    await expect(did.create({ didId: DID, trunkId: TRUNK })).rejects.toThrow(
      `DIDWW refused PATCH /v3/dids/${DID} for DID ${DID} (422): voice_in_trunk - is invalid for [redacted] (at /data/x)`,
    );
  });
});

/** One test per guess of tokenExchange (provider/didww/token.ts): the function to correct when DIDWW's page is read. */
describe("the assumed token wire format", () => {
  const settings = () => ({ apiKey: KEY, tokenEndpoint: `${AUTH}/token`, limits: { maxRequestsPerSecond: 0, requestTimeoutMs: 5000, operationTimeoutMs: 5000 } });

  it("1: POST /token with the key in Api-Key and a JSON body naming the audience, {aud: [api.didww.com]}", async () => {
    tokenService(["t1"]);
    expect((await mintAccessToken(settings())).accessToken).toBe("t1");
  });

  it('2: a read-only token is asked for with "scope": "read" in the same body', async () => {
    nock(AUTH, { reqheaders: { "api-key": KEY } })
      .post("/token", { aud: ["api.didww.com"], scope: "read" })
      .reply(200, { access_token: "read-token", scope: "read" });
    expect((await mintAccessToken(settings(), "read")).accessToken).toBe("read-token");
  });

  it("3: the answer is OAuth 2.0's, access_token and expires_in; without access_token the message lists the fields, not their values", async () => {
    nock(AUTH).post("/token").reply(200, { token: "a-token-under-another-name", expires: 900 });
    const error = (await mintAccessToken(settings()).catch((e: Error) => e)) as Error;
    expect(error.message).toBe(
      'DIDWW\'s token service answered POST /token with 200 but no access token this package can read (it expects ' +
        '"access_token"; the answer\'s fields: token, expires). The token answer\'s format is assumed (README, ' +
        "Limitations): please report this with the field names",
    );
  });

  it("4: any 2xx is a success (201 included), and the token's exp claim says when it expires", async () => {
    const exp = Math.round(now()) + 900;
    nock(AUTH).post("/token").reply(201, { access_token: jwt({ exp }) });
    expect((await mintAccessToken(settings())).expiresAt).toEqual(new Date(exp * 1000));
  });
});

import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";
import { createDidwwSandbox, type DidwwSandbox } from "../sandbox/didww";
import { createSandbox, type Sandbox } from "../sandbox/index";

/**
The sandbox's token service and the bearer rules of DIDWW API 2026-11-19 (reference: didww-2026-11-19.md): what
`POST /token` answers, which tokens the v3 endpoints accept, and the 401 and 403 they answer otherwise. Older versions
keep `Api-Key`.
*/
const KEY = "sandbox-token-key-2b7d";
const READ_ONLY_KEY = "sandbox-read-only-key-9e14";
const SECRET = "sandbox-token-test-secret";
const DID = "9df99644-f1a5-4a3c-99a4-559d758eb96b";
const TRUNK = "41b94706-325e-4704-a433-d65105758836";
const seed = { trunks: [{ id: TRUNK, name: "pbx" }], dids: [{ id: DID, number: "16091609123456797" }] };
const routeBody = JSON.stringify({
  data: { type: "dids", id: DID, relationships: { voice_in_trunk: { data: { type: "voice_in_trunks", id: TRUNK } }, voice_in_trunk_group: { data: null } } },
});

type Reply = { status: number; headers: Headers; text: string; json: any };

async function reply(response: Response): Promise<Reply> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text === "" ? undefined : JSON.parse(text) };
}

const origin = (sandbox: DidwwSandbox) => sandbox.url.replace(/\/v3$/, "");

function mint(sandbox: DidwwSandbox, key: string | null, body?: string): Promise<Reply> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (key !== null) headers["Api-Key"] = key;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return fetch(`${origin(sandbox)}/token`, { method: "POST", headers, body }).then(reply);
}

/** A v3 request of version 2026-11-19 with `credential` as the bearer token or, with `apiKey`, as `Api-Key`. */
function v3(
  sandbox: DidwwSandbox,
  credential: { token?: string; apiKey?: string },
  method = "GET",
  version = "2026-11-19",
): Promise<Reply> {
  const headers: Record<string, string> = { accept: "application/vnd.api+json", "X-DIDWW-API-Version": version };
  if (credential.token !== undefined) headers["Authorization"] = `Bearer ${credential.token}`;
  if (credential.apiKey !== undefined) headers["Api-Key"] = credential.apiKey;
  const write = method !== "GET";
  if (write) headers["Content-Type"] = "application/vnd.api+json";
  return fetch(`${sandbox.url}/dids/${DID}`, { method, headers, body: write ? routeBody : undefined }).then(reply);
}

function claims(token: string): any {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8"));
}

describe("POST /token", () => {
  const sandbox = createDidwwSandbox({
    apiKey: KEY,
    seed,
    tokens: { lifetimeSeconds: 120, readOnlyApiKeys: [READ_ONLY_KEY], secret: SECRET },
  });
  beforeAll(async () => void (await sandbox.listen()));
  afterAll(() => sandbox.close());

  it("takes the key in Api-Key and answers a JWT signed HS256 with aud, scope, iat and exp, in OAuth 2.0's fields", async () => {
    const answer = await mint(sandbox, KEY, JSON.stringify({ aud: ["api.didww.com"] }));
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/json");
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(answer.json).toEqual({ access_token: expect.any(String), token_type: "Bearer", expires_in: 120, scope: "write" });
    const [header, payload, signature] = answer.json.access_token.split(".");
    expect(JSON.parse(Buffer.from(header, "base64url").toString())).toEqual({ alg: "HS256", typ: "JWT" });
    expect(signature).toBe(createHmac("sha256", SECRET).update(`${header}.${payload}`).digest("base64url"));
    const minted = claims(answer.json.access_token);
    expect(minted).toMatchObject({ aud: ["api.didww.com"], scope: "write", sub: expect.any(String) });
    expect(minted.exp - minted.iat).toBeCloseTo(120, 6);
    // Anyone holding a JWT can read it: the key is not in it.
    expect(answer.json.access_token).not.toContain(KEY);
    expect(JSON.stringify(minted)).not.toContain(KEY);
  });

  it("an empty body gets the defaults; a read-only key gets read tokens, and any key one when it asks for scope read", async () => {
    expect(claims((await mint(sandbox, KEY)).json.access_token)).toMatchObject({ aud: ["api.didww.com"], scope: "write" });
    const readOnly = await mint(sandbox, READ_ONLY_KEY);
    expect(readOnly.json.scope).toBe("read");
    expect(claims(readOnly.json.access_token).scope).toBe("read");
    const asked = await mint(sandbox, KEY, JSON.stringify({ aud: ["api.didww.com"], scope: "read" }));
    expect(claims(asked.json.access_token).scope).toBe("read");
  });

  it("refuses a missing or wrong key (401), a bad body (400) and any method but POST (405)", async () => {
    for (const key of [null, "wrong-key"]) {
      const refused = await mint(sandbox, key);
      expect(refused.status).toBe(401);
      expect(refused.json).toEqual({ errors: [{ title: "Unauthorized", detail: "missing or invalid api-key", code: "401", status: "401" }] });
    }
    expect((await mint(sandbox, KEY, "{not json")).status).toBe(400);
    expect((await mint(sandbox, KEY, JSON.stringify({ scope: "admin" }))).json.errors[0].detail).toBe(
      '"admin" is not a scope; ask for "read" or leave it out.',
    );
    expect((await mint(sandbox, KEY, JSON.stringify({ aud: "api.didww.com" }))).status).toBe(400);
    const get = await fetch(`${origin(sandbox)}/token`, { headers: { "Api-Key": KEY } });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });
});

describe("the v3 endpoints in 2026-11-19", () => {
  const sandbox = createDidwwSandbox({ apiKey: KEY, seed, tokens: { readOnlyApiKeys: [READ_ONLY_KEY] } });
  beforeAll(async () => void (await sandbox.listen()));
  afterAll(() => sandbox.close());

  it("accept a token from /token and answer as before, meta.api_version 2026-11-19", async () => {
    const token = (await mint(sandbox, KEY)).json.access_token;
    const read = await v3(sandbox, { token });
    expect(read.status).toBe(200);
    expect(read.json.meta.api_version).toBe("2026-11-19");
    expect((await v3(sandbox, { token }, "PATCH")).status).toBe(200);
    expect(sandbox.did(DID)).toMatchObject({ trunkId: TRUNK });
  });

  it("refuse Api-Key, and anything else without a bearer token, with 401, a challenge and no body", async () => {
    for (const credential of [{ apiKey: KEY }, {}]) {
      const refused = await v3(sandbox, credential);
      expect(refused.status).toBe(401);
      expect(refused.headers.get("www-authenticate")).toBe('Bearer realm="DIDWW"');
      expect(refused.text).toBe("");
    }
  });

  it("refuse an expired, revoked, foreign or misaddressed token with 401 invalid_token and say why", async () => {
    const expired = sandbox.tokens.issue({ lifetimeSeconds: -1 });
    const otherAudience = sandbox.tokens.issue({ audience: ["api-vin.didww.com"] });
    const elsewhere = sandbox.tokens.issue({ allowedAddresses: ["192.0.2.10"] });
    const foreign = createDidwwSandbox({ apiKey: KEY }).tokens.issue();
    const cases: [string, string][] = [
      [expired, "The access token has expired."],
      [otherAudience, "The access token is not minted for api.didww.com."],
      [elsewhere, "127.0.0.1 is not among the allowed IP addresses of the API key this token was minted with."],
      [foreign, "The access token is malformed or was not minted by this sandbox."],
    ];
    for (const [token, detail] of cases) {
      const refused = await v3(sandbox, { token });
      expect(refused.status, detail).toBe(401);
      expect(refused.headers.get("www-authenticate")).toBe(`Bearer error="invalid_token", error_description="${detail}"`);
      expect(refused.json).toEqual({ errors: [{ title: "Invalid token", detail, code: "401", status: "401" }] });
    }
    const live = (await mint(sandbox, KEY)).json.access_token;
    expect((await v3(sandbox, { token: live })).status).toBe(200);
    sandbox.tokens.revokeAll();
    expect((await v3(sandbox, { token: live })).json.errors[0].detail).toBe("The access token has been revoked.");
    expect((await v3(sandbox, { token: (await mint(sandbox, KEY)).json.access_token })).status).toBe(200);
  });

  it("let a read token read, and refuse its writes with 403 insufficient_scope, changing nothing", async () => {
    const token = (await mint(sandbox, READ_ONLY_KEY)).json.access_token;
    expect((await v3(sandbox, { token })).status).toBe(200);
    const before = sandbox.did(DID);
    const refused = await v3(sandbox, { token }, "PATCH");
    expect(refused.status).toBe(403);
    expect(refused.headers.get("www-authenticate")).toBe('Bearer error="insufficient_scope"');
    expect(refused.json).toEqual({
      errors: [
        {
          title: "Insufficient scope",
          detail: "The access token carries the read scope, which does not cover this method.",
          code: "403",
          status: "403",
        },
      ],
    });
    expect(sandbox.did(DID)).toEqual(before);
  });

  it("versions before 2026-11-19 keep Api-Key and ignore a bearer token", async () => {
    expect((await v3(sandbox, { apiKey: KEY }, "GET", "2026-04-16")).status).toBe(200);
    const token = (await mint(sandbox, KEY)).json.access_token;
    expect((await v3(sandbox, { token }, "GET", "2026-04-16")).status).toBe(401);
  });
});

describe("a key's allowed IP addresses", () => {
  const sandbox = createDidwwSandbox({
    seed,
    tokens: { allowedAddresses: { "office-key": ["192.0.2.10"], "local-key": ["127.0.0.1"] } },
  });
  beforeAll(async () => void (await sandbox.listen()));
  afterAll(() => sandbox.close());

  it("refuse a token request from elsewhere (403), and are copied into the tokens minted", async () => {
    const refused = await mint(sandbox, "office-key");
    expect(refused.status).toBe(403);
    expect(refused.json.errors[0].detail).toBe("127.0.0.1 is not among the allowed IP addresses of this API key");
    const local = (await mint(sandbox, "local-key")).json.access_token;
    expect(claims(local).ips).toEqual(["127.0.0.1"]);
    expect((await v3(sandbox, { token: local })).status).toBe(200);
  });
});

describe("the combined sandbox", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = createSandbox({ seed: { didww: seed }, apiKey: KEY, didwwTokens: { lifetimeSeconds: 60 }, faults: { rate: 1 } });
    await sandbox.listen();
  });
  afterAll(() => sandbox.close());

  it("serves /token on its port; a token request and the requests made with its token share the account's budget", async () => {
    // The rate window's clock (performance.now) stands still here: however slow the machine, both requests fall in
    // the same second.
    vi.useFakeTimers({ toFake: ["performance"] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const port = new URL(sandbox.urls.didww).origin;
    // Without a credential nothing is spent nor faulted: the 401 stays a 401.
    expect((await fetch(`${port}/token`, { method: "POST" })).status).toBe(401);
    const minted = await fetch(`${port}/token`, { method: "POST", headers: { "Api-Key": KEY } }).then(reply);
    expect(minted.json.expires_in).toBe(60);
    // One request a second for the account, and the token request was it.
    const get = await fetch(`${sandbox.urls.didww}/dids/${DID}`, {
      headers: { Authorization: `Bearer ${minted.json.access_token}`, "X-DIDWW-API-Version": "2026-11-19" },
    });
    expect(get.status).toBe(429);
    expect(sandbox.didww.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /token", "POST /token", `GET /v3/dids/${DID}`]);
  });
});

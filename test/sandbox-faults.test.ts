import { afterEach, describe, expect, it, vi } from "vitest";
import { createSandbox, derivedId, exampleSeedPath, loadSeed, type Sandbox, type SandboxOptions } from "../sandbox/index";

const SEED = loadSeed(exampleSeedPath());
const DIDWW_DID = "9df99644-f1a5-4a3c-99a4-559d758eb96b";
const CARRIERX_DID = derivedId("carrierx", "did", "+15162065574");
const DIDWW_429 = '{"errors":[{"status":"429","detail":"Too Many Requests"}]}';

type Outcome = { status: number; contentType: string | null; retryAfter: string | null; text: string };

const running: Sandbox[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(running.splice(0).map((sandbox) => sandbox.close()));
});

async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = createSandbox({ seed: SEED, ...options });
  running.push(sandbox);
  await sandbox.listen();
  return sandbox;
}

async function outcome(response: Response): Promise<Outcome> {
  const { status, headers } = response;
  return { status, contentType: headers.get("content-type"), retryAfter: headers.get("retry-after"), text: await response.text() };
}

/** A DIDWW request as the provider sends it; `key: null` sends none. */
async function didww(sandbox: Sandbox, key: string | null = "key-a", init: RequestInit & { path?: string } = {}): Promise<Outcome> {
  const headers: Record<string, string> = { accept: "application/vnd.api+json" };
  if (key !== null) headers["Api-Key"] = key;
  if (init.body !== undefined) headers["Content-Type"] = "application/vnd.api+json";
  return outcome(await fetch(`${sandbox.urls.didww}${init.path ?? `/dids/${DIDWW_DID}`}`, { ...init, headers }));
}

async function carrierx(sandbox: Sandbox, token: string | null = "token-a", path = `/phonenumber/dids/${CARRIERX_DID}`): Promise<Outcome> {
  const headers: Record<string, string> = token === null ? {} : { Authorization: `Bearer ${token}` };
  return outcome(await fetch(`${sandbox.urls.carrierx}${path}`, { headers }));
}

/** The status, or "drop" when the connection died without an answer. */
const statusOrDrop = (request: Promise<Outcome>): Promise<number | "drop"> =>
  request.then((reply) => reply.status, () => "drop" as const);

const count = (values: readonly unknown[], value: unknown) => values.filter((v) => v === value).length;

describe("sandbox: one loopback port for both APIs", () => {
  it("serves DIDWW under /v3 and CarrierX under /core/v2 on the same port, with links on that port", async () => {
    const sandbox = await start();
    const { didww: didwwUrl, carrierx: carrierxUrl } = sandbox.urls;
    expect(didwwUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v3$/);
    expect(carrierxUrl).toBe(didwwUrl.replace(/\/v3$/, "/core/v2"));
    const did = await didww(sandbox);
    expect(did.status).toBe(200);
    const links = JSON.parse(did.text).data.relationships.voice_in_trunk.links;
    expect(links.related).toBe(`${didwwUrl}/dids/${DIDWW_DID}/voice_in_trunk`);
    const cx = await carrierx(sandbox);
    expect(JSON.parse(cx.text)).toMatchObject({ phonenumber: "15162065574", trunk_group_sid: derivedId("carrierx", "trunkGroup", "us-west") });
    const list = JSON.parse((await carrierx(sandbox, "token-a", "/phonenumber/dids?limit=1")).text);
    expect(list.pagination.next).toBe(`${carrierxUrl}/phonenumber/dids?limit=1&offset=1`);
    expect(sandbox.didww.requests.map((r) => r.path)).toEqual([`/v3/dids/${DIDWW_DID}`]);
    expect(sandbox.carrierx.requests.map((r) => r.path)).toEqual([`/core/v2/phonenumber/dids/${CARRIERX_DID}`, "/core/v2/phonenumber/dids"]);
  });

  it("answers 404 for every other path, and nothing reaches either API", async () => {
    const sandbox = await start();
    const origin = sandbox.urls.didww.replace(/\/v3$/, "");
    for (const path of ["/", "/v2/dids", "/v3x/dids", "/core/v1/phonenumber/dids", "/core"]) {
      const reply = await fetch(`${origin}${path}`, { headers: { "Api-Key": "k" } });
      expect(reply.status, path).toBe(404);
      expect(((await reply.json()) as { message: string }).message).toContain("DIDWW under /v3 and CarrierX under /core/v2");
    }
    expect(sandbox.didww.requests).toEqual([]);
    expect(sandbox.carrierx.requests).toEqual([]);
  });

  it("requires the configured key and token, or accepts any non-empty ones when none is configured", async () => {
    const strict = await start({ apiKey: "right-key", token: "right-token" });
    expect((await didww(strict, "wrong")).status).toBe(401);
    expect((await didww(strict, "right-key")).status).toBe(200);
    expect((await carrierx(strict, "wrong")).status).toBe(401);
    expect((await carrierx(strict, "right-token")).status).toBe(200);
    const open = await start();
    expect((await didww(open, "anything")).status).toBe(200);
    expect((await didww(open, null)).status).toBe(401);
    expect((await carrierx(open, null)).status).toBe(401);
  });

  it("changes made over HTTP show in the state accessors, and hand changes show over HTTP", async () => {
    const sandbox = await start();
    const lab = derivedId("carrierx", "trunkGroup", "lab");
    sandbox.carrierx.setDidTrunkGroup(CARRIERX_DID, lab);
    expect(JSON.parse((await carrierx(sandbox)).text).trunk_group_sid).toBe(lab);
    const body = JSON.stringify({ data: { type: "dids", id: DIDWW_DID, relationships: { voice_in_trunk_group: { data: null } } } });
    expect((await didww(sandbox, "key-a", { method: "PATCH", body })).status).toBe(200);
    expect(sandbox.didww.did(DIDWW_DID)).toMatchObject({ trunkGroupId: null, trunkId: null });
  });
});

describe("sandbox faults: rate limit", () => {
  it("accepts `rate` requests per second per credential and answers the rest 429 with DIDWW's exact body", async () => {
    const sandbox = await start({ faults: { rate: 5 } });
    const burst = await Promise.all(Array.from({ length: 8 }, () => didww(sandbox, "key-a")));
    expect(count(burst.map((r) => r.status), 200)).toBe(5);
    const refused = burst.filter((r) => r.status === 429);
    expect(refused).toHaveLength(3);
    for (const reply of refused) {
      expect(reply).toEqual({ status: 429, contentType: "application/vnd.api+json", retryAfter: null, text: DIDWW_429 });
    }
    // Another key, and CarrierX's token, have budgets of their own.
    const other = await Promise.all(Array.from({ length: 5 }, () => didww(sandbox, "key-b")));
    expect(other.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const cx = await Promise.all(Array.from({ length: 6 }, () => carrierx(sandbox, "token-a")));
    expect(count(cx.map((r) => r.status), 200)).toBe(5);
    expect(cx.find((r) => r.status === 429)).toEqual({
      status: 429, contentType: "application/json", retryAfter: null, text: '{"message":"Too Many Requests","errors":[]}',
    });
    // Every attempt is in the API's log, refused ones included.
    expect(sandbox.didww.requests).toHaveLength(13);
    expect(sandbox.carrierx.requests).toHaveLength(6);
    expect(sandbox.faults.stats()).toMatchObject({ requests: 19, throttled: 4, byStatus: { "200": 15, "429": 4 } });
  });

  it("frees the budget a second after it was used, and a refused request does not use any", async () => {
    // The window runs on the sandbox's clock (performance.now), moved here by hand: a busy machine cannot move it.
    vi.useFakeTimers({ toFake: ["performance"] });
    const sandbox = await start({ faults: { rate: 2 } });
    expect([(await didww(sandbox)).status, (await didww(sandbox)).status]).toEqual([200, 200]);
    vi.advanceTimersByTime(500);
    expect((await didww(sandbox)).status).toBe(429);
    vi.advanceTimersByTime(650);
    // The first two have left the window; had the refused one counted, only one of these would pass.
    expect([(await didww(sandbox)).status, (await didww(sandbox)).status]).toEqual([200, 200]);
    expect((await didww(sandbox)).status).toBe(429);
  });

  it("sends Retry-After only when it is set", async () => {
    const sandbox = await start({ faults: { rate: 1, retryAfter: 2 } });
    await didww(sandbox);
    const refused = await didww(sandbox);
    expect(refused).toEqual({ status: 429, contentType: "application/vnd.api+json", retryAfter: "2", text: DIDWW_429 });
    expect((await carrierx(sandbox)).status).toBe(200);
    expect((await carrierx(sandbox)).retryAfter).toBe("2");
  });

  it("leaves requests without a valid credential to the API's 401, and they use no budget", async () => {
    const sandbox = await start({ apiKey: "right", faults: { rate: 1 } });
    for (const key of [null, "", "wrong", "wrong"]) expect((await didww(sandbox, key)).status).toBe(401);
    expect((await didww(sandbox, "right")).status).toBe(200);
    expect((await didww(sandbox, "right")).status).toBe(429);
    // Throttled or not, a wrong key still reads as a wrong key.
    expect((await didww(sandbox, "wrong")).status).toBe(401);
  });
});

describe("sandbox faults: scripted", () => {
  it("applies each scripted fault to the next request, in order, and records every attempt", async () => {
    const sandbox = await start();
    sandbox.faults.next([{ status: 429, retryAfter: 3 }, { status: 503 }, { drop: true }, { latencyMs: 150 }, { status: 500 }]);
    expect(await didww(sandbox)).toEqual({ status: 429, contentType: "application/vnd.api+json", retryAfter: "3", text: DIDWW_429 });
    const unavailable = await didww(sandbox);
    expect(unavailable.status).toBe(503);
    expect(JSON.parse(unavailable.text)).toEqual({
      errors: [{ title: "Service Unavailable", detail: "Service Unavailable", code: "503", status: "503" }],
    });
    await expect(didww(sandbox)).rejects.toThrow();
    const started = performance.now();
    expect((await didww(sandbox)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    // The last scripted fault lands on CarrierX: the queue follows arrival order across both APIs.
    const cx = await carrierx(sandbox);
    expect(cx).toEqual({ status: 500, contentType: "application/json", retryAfter: null, text: '{"message":"Internal Server Error","errors":[]}' });
    expect((await didww(sandbox)).status).toBe(200);
    expect(sandbox.didww.requests).toHaveLength(5);
    expect(sandbox.carrierx.requests).toHaveLength(1);
    expect(sandbox.faults.stats()).toEqual({
      requests: 6, throttled: 1, injectedErrors: 2, dropped: 1, byStatus: { "200": 2, "429": 1, "500": 1, "503": 1 },
    });
  });

  it("a faulted update changes nothing, and is recorded with its body", async () => {
    const sandbox = await start();
    const body = { data: { type: "dids", id: DIDWW_DID, relationships: { voice_in_trunk_group: { data: null } } } };
    sandbox.faults.next([{ status: 502 }, { drop: true }]);
    expect((await didww(sandbox, "key-a", { method: "PATCH", body: JSON.stringify(body) })).status).toBe(502);
    await expect(didww(sandbox, "key-a", { method: "PATCH", body: JSON.stringify(body) })).rejects.toThrow();
    expect(sandbox.didww.did(DIDWW_DID)?.trunkGroupId).toBe(derivedId("didww", "trunkGroup", "eu-primary"));
    expect(sandbox.didww.requests).toHaveLength(2);
    for (const request of sandbox.didww.requests) {
      expect(request).toMatchObject({ method: "PATCH", path: `/v3/dids/${DIDWW_DID}`, query: {}, body });
      expect(request.headers["api-key"]).toBe("key-a");
    }
  });

  it("a lost answer: the API acts on the request, and the connection dies before its answer", async () => {
    const sandbox = await start();
    const body = { data: { type: "dids", id: DIDWW_DID, relationships: { voice_in_trunk_group: { data: null } } } };
    sandbox.faults.next([{ dropAnswer: true }]);
    await expect(didww(sandbox, "key-a", { method: "PATCH", body: JSON.stringify(body) })).rejects.toThrow();
    expect(sandbox.didww.did(DIDWW_DID)?.trunkGroupId).toBeNull();
    expect(sandbox.didww.requests).toHaveLength(1);
    expect(sandbox.faults.stats()).toMatchObject({ requests: 1, dropped: 1 });
    expect(() => sandbox.faults.next([{ dropAnswer: false } as never])).toThrow("a lost answer is {dropAnswer: true}");
  });

  it("is not used up by requests the API refuses with 401, and reset() discards what is left", async () => {
    const sandbox = await start();
    sandbox.faults.next([{ status: 504 }, { status: 504 }]);
    expect((await didww(sandbox, null)).status).toBe(401);
    expect((await carrierx(sandbox, null)).status).toBe(401);
    expect((await carrierx(sandbox)).status).toBe(504);
    sandbox.faults.reset();
    expect(sandbox.faults.stats()).toEqual({ requests: 0, throttled: 0, injectedErrors: 0, dropped: 0, byStatus: {} });
    expect((await carrierx(sandbox)).status).toBe(200);
    expect(() => sandbox.faults.next([{ status: 404 } as never])).toThrow(RangeError);
  });
});

describe("sandbox faults: random errors, drops and latency", () => {
  /** 40 sequential requests, alternating APIs; their fates in order. */
  const run = async (sandbox: Sandbox) => {
    const fates: (number | "drop")[] = [];
    for (let i = 0; i < 40; i++) fates.push(await statusOrDrop(i % 2 === 0 ? didww(sandbox) : carrierx(sandbox)));
    return fates;
  };

  it("with a seed, picks the same failing requests every run", async () => {
    const faults = { errorRate: 0.3, dropRate: 0.2, randomSeed: 42 };
    const first = await run(await start({ faults }));
    expect(count(first, 200) + count(first, 500) + count(first, 502) + count(first, 503) + count(first, "drop")).toBe(40);
    expect(count(first, "drop")).toBeGreaterThan(0);
    expect(count(first, 200)).toBeGreaterThan(0);
    expect(40 - count(first, 200) - count(first, "drop")).toBeGreaterThan(0);
    const again = await start({ faults });
    expect(await run(again)).toEqual(first);
    expect(again.didww.requests.length + again.carrierx.requests.length).toBe(40);
    expect(again.faults.stats()).toMatchObject({ requests: 40, dropped: count(first, "drop") });
    // reset() restarts the generator too, so one sandbox can replay a run.
    again.faults.reset();
    expect(await run(again)).toEqual(first);
    const otherSeed = await start({ faults: { ...faults, randomSeed: 43 } });
    expect(await run(otherSeed)).not.toEqual(first);
  });

  it("adds latencyMs before every answer, 401s included", async () => {
    const sandbox = await start({ faults: { latencyMs: 200 } });
    for (const request of [() => didww(sandbox), () => didww(sandbox, null), () => carrierx(sandbox)]) {
      const started = performance.now();
      await request();
      expect(performance.now() - started).toBeGreaterThanOrEqual(195);
    }
  });

  it("set() replaces the settings at run time, and refuses settings that mean nothing", async () => {
    const sandbox = await start();
    expect((await didww(sandbox)).status).toBe(200);
    sandbox.faults.set({ errorRate: 1 });
    expect([500, 502, 503]).toContain((await didww(sandbox)).status);
    sandbox.faults.set({ dropRate: 1 });
    expect(await statusOrDrop(carrierx(sandbox))).toBe("drop");
    sandbox.faults.set({ rate: 1 });
    expect([(await didww(sandbox)).status, (await didww(sandbox)).status]).toEqual([200, 429]);
    sandbox.faults.set({});
    expect((await didww(sandbox)).status).toBe(200);
    for (const bad of [{ errorRate: 1.5 }, { rate: -1 }, { rate: 2.5 }, { latencyMs: Number.NaN }, { errorRate: 0.6, dropRate: 0.6 }]) {
      expect(() => sandbox.faults.set(bad), JSON.stringify(bad)).toThrow(RangeError);
    }
    expect((await didww(sandbox)).status).toBe(200);
  });
});

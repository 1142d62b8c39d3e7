import nock from "nock";
import { beforeEach, describe, expect, it } from "vitest";
import { configure, resource } from "../provider";
import { backoffDelay } from "../provider/http";
import { useConfig, useNock } from "./wire";

/**
The rate limiter and the settings that tune it. Arrival times are recorded by nock; the assertions are about how
many requests share a window, never about how fast anything ran. The requests are updates' PATCHes: reads started
together would share requests (provider/batch.ts, test/shared-reads.test.ts).
*/
const DID = "9df99644-f1a5-4a3c-99a4-559d758eb96b";
const GROUP = "714e8148-0aea-4cb6-8680-bd1d06453418";
const CX_DID = "e8df62d5-07a3-4189-a67e-87585067c5fe";

const did = resource("didww:DidTrunkAssignment");
const members = resource("didww:TrunkGroupMembership");
const cx = resource("carrierx:DidTrunkGroupAssignment");

const didDocument = {
  data: {
    id: DID,
    type: "dids",
    attributes: { number: "16091609123456797" },
    relationships: { voice_in_trunk: { data: null }, voice_in_trunk_group: { data: null } },
  },
};
const groupDocument = { data: { id: GROUP, type: "voice_in_trunk_groups", attributes: {}, relationships: { voice_in_trunks: { data: [] } } } };
const cxDid = { did_sid: CX_DID, phonenumber: "15162065574", trunk_group_sid: null };
const TRUNK = "41b94706-325e-4704-a433-d65105758836";
const CX_GROUP = "c7eae0b4-5eda-4964-8998-d514903b4af0";
const cxOutputs = { didSid: CX_DID, trunkGroupSid: null, phonenumber: "15162065574" };
/** One PATCH routing the DID to TRUNK. */
const updateDid = () =>
  did.update(DID, { didId: DID, trunkId: null, trunkGroupId: null, number: "16091609123456797" }, { didId: DID, trunkId: TRUNK });

/** The most requests that arrived within any window of `ms` milliseconds (for "no limit": all at once). */
function busiestWindow(times: number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] ?? 0) - (sorted[j] ?? 0) >= ms) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

useNock();
beforeEach(() => {
  for (const name of Object.keys(process.env)) if (/^(DIDWW|CARRIERX)_/.test(name)) delete process.env[name];
});

describe("one rate limiter per endpoint and credential", () => {
  it("is shared by every DIDWW resource kind of the process, and not by CarrierX", async () => {
    useConfig({ "didww:apiKey": "shared-key", "didww:maxRequestsPerSecond": "2", "carrierx:token": "t", "carrierx:maxRequestsPerSecond": "2" });
    const didww: number[] = [];
    const carrierx: number[] = [];
    nock("https://api.didww.com")
      .patch(`/v3/dids/${DID}`).times(3).reply(200, () => (didww.push(Date.now()), didDocument))
      .patch(`/v3/voice_in_trunk_groups/${GROUP}`).times(3).reply(200, () => (didww.push(Date.now()), groupDocument));
    nock("https://api.carrierx.com")
      .patch(`/core/v2/phonenumber/dids/${CX_DID}`).times(2).reply(200, () => (carrierx.push(Date.now()), cxDid));
    await Promise.all([
      ...[1, 2, 3].map(() => updateDid()),
      ...[1, 2, 3].map(() => members.update(GROUP, { trunkGroupId: GROUP, trunkIds: [] }, { trunkGroupId: GROUP, trunkIds: [] })),
      ...[1, 2].map(() => cx.update(CX_DID, cxOutputs, { didSid: CX_DID, trunkGroupSid: CX_GROUP })),
    ]);
    // Six DIDWW requests at 2 per second, across both kinds: the sixth cannot leave before two full windows have
    // passed (arrival times trail the limiter by a few milliseconds, hence the allowance).
    didww.sort((a, b) => a - b);
    carrierx.sort((a, b) => a - b);
    expect(didww).toHaveLength(6);
    expect(didww[5]! - didww[0]!).toBeGreaterThanOrEqual(2 * 1000 - 100);
    // CarrierX has its own budget: its two requests, issued after the six DIDWW ones, did not queue behind them.
    expect(carrierx[1]!).toBeLessThan(didww[2]!);
  });

  it("0 turns it off", async () => {
    useConfig({ "didww:apiKey": "unlimited-key", "didww:maxRequestsPerSecond": "0" });
    const times: number[] = [];
    nock("https://api.didww.com").patch(`/v3/dids/${DID}`).times(12).reply(200, () => (times.push(Date.now()), didDocument));
    await Promise.all(Array.from({ length: 12 }, () => updateDid()));
    expect(busiestWindow(times, 1000)).toBe(12);
  });
});

describe("limit and timeout settings", () => {
  it.each([
    [{ "didww:maxRequestsPerSecond": "-1" }, 'didww:maxRequestsPerSecond must be a number of 0 or more (0: no limit), got "-1"'],
    [{ "didww:maxRequestsPerSecond": "ten" }, 'didww:maxRequestsPerSecond must be a number of 0 or more (0: no limit), got "ten"'],
    [{ "didww:requestTimeoutSeconds": "0" }, 'didww:requestTimeoutSeconds must be a number of seconds greater than 0, got "0"'],
    [{ "didww:operationTimeoutSeconds": "1m" }, 'didww:operationTimeoutSeconds must be a number of seconds greater than 0, got "1m"'],
  ])("refuses %j before any request", async (values, message) => {
    useConfig({ "didww:apiKey": "k", ...values });
    await expect(did.read(DID, {})).rejects.toThrow(message);
  });

  it("says when a bad value came from the environment", async () => {
    useConfig({ "carrierx:token": "t" });
    process.env["CARRIERX_MAX_REQUESTS_PER_SECOND"] = "fast";
    await expect(cx.read(CX_DID, {})).rejects.toThrow(
      'carrierx:maxRequestsPerSecond must be a number of 0 or more (0: no limit), got "fast" (from CARRIERX_MAX_REQUESTS_PER_SECOND)',
    );
  });
  it("takes a config value that is not a string as its JSON text: a number works, an object is refused by name", async () => {
    const values: Record<string, unknown> = { "didww:apiKey": "typed-key", "didww:maxRequestsPerSecond": 0 };
    configure({ get: (key) => values[key] as string | undefined });
    nock("https://api.didww.com").get(`/v3/dids/${DID}`).query(true).reply(200, didDocument);
    await expect(did.read(DID, {})).resolves.toMatchObject({ id: DID });
    values["didww:maxRequestsPerSecond"] = { fast: true };
    configure({ get: (key) => values[key] as string | undefined });
    await expect(did.read(DID, {})).rejects.toThrow(
      'didww:maxRequestsPerSecond must be a number of 0 or more (0: no limit), got "{"fast":true}"',
    );
  });
});

describe("backoff without Retry-After", () => {
  it("doubles from 0.5 s up to 8 s, stretched by at most a quarter", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((retry) => backoffDelay(retry, 0))).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
    expect([1, 2, 5].map((retry) => backoffDelay(retry, 1))).toEqual([625, 1250, 10000]);
  });
});

import { describe, expect, it } from "vitest";
import { createDidwwSandbox } from "../../sandbox/didww";
import type { RecordedRequest } from "../../sandbox";
import { MODE_LABELS, type Mode } from "../setup/projects";
import { type Declared, type Engine, type PhaseResult } from "./engine";
import { useEngineFixture } from "./fixture";
import { didwwSeed, ids } from "./didww-suite";
import { secret } from "./host";

/**
DIDWW API 2026-11-19 through @pulumi/pulumi's real dynamic-provider host, against the DIDWW sandbox's token service
(reference: didww-2026-11-19.md): bearer tokens minted from the API key (one per process, again after a refusal),
a token supplied as is, an expired one, and one that can only read, on `pulumi up`, `refresh` and `destroy`.

Every stack here has a config of its own (a credential each), so each needs its own host; the scenarios are few and
long to keep host starts low (7 for the file).
*/
const API_KEY = "didww-token-suite-key-41c8e0";
const READ_ONLY_KEY = "didww-token-suite-read-only-key-6b2d";
const VERSION = "2026-11-19";
/** Every test's sandbox signs with it, so tokens issued once for the file are good in each of them. */
const SECRET = "didww-token-suite-secret";
const DID = "didww:DidTrunkAssignment";
const MEMBERS = "didww:TrunkGroupMembership";

const issuer = createDidwwSandbox({ apiKey: API_KEY, tokens: { secret: SECRET, readOnlyApiKeys: [READ_ONLY_KEY] } }).tokens;
const WRITE_TOKEN = issuer.issue({ lifetimeSeconds: 3600 });
const READ_TOKEN = issuer.issue({ apiKey: READ_ONLY_KEY, lifetimeSeconds: 3600 });
const EXPIRED_TOKEN = issuer.issue({ lifetimeSeconds: -600 });

export function defineDidwwTokenSuite(mode: Mode): void {
  describe(`DIDWW API ${VERSION} access tokens through the dynamic-provider host (${MODE_LABELS[mode]})`, () => {
    const f = useEngineFixture({
      mode,
      sandbox: () =>
        createDidwwSandbox({ apiKey: API_KEY, seed: didwwSeed(), tokens: { secret: SECRET, readOnlyApiKeys: [READ_ONLY_KEY] } }),
      basePath: "/v3",
      config: (url) => ({ "didww:apiKey": secret(API_KEY), "didww:endpoint": url, "didww:apiVersion": VERSION }),
    });
    const program = (): Declared[] => [
      { name: "a", kind: DID, inputs: { didId: ids.didA, trunkId: ids.trunk1 } },
      { name: "b", kind: DID, inputs: { didId: ids.didB, trunkGroupId: ids.group } },
      { name: "g", kind: MEMBERS, inputs: { trunkGroupId: ids.group, trunkIds: [ids.trunk2, ids.trunk1] } },
    ];
    const routing = () => ({ dids: f.sandbox.dids(), groups: f.sandbox.trunkGroups() });
    const wire = (requests: RecordedRequest[]) => requests.map((r) => `${r.method} ${r.path}`);
    /** The bearer token of each request, "" for a token request (which carries the key). */
    const bearers = (requests: RecordedRequest[]) => requests.map((r) => /^Bearer (.+)$/.exec(r.headers["authorization"] ?? "")?.[1] ?? "");
    const patchA = `PATCH /v3/dids/${ids.didA}`;
    const patchB = `PATCH /v3/dids/${ids.didB}`;
    const patchG = `PATCH /v3/voice_in_trunk_groups/${ids.group}`;

    /** Runs a phase and returns it with the requests it sent. */
    async function phase(run: () => Promise<PhaseResult>) {
      const before = f.sandbox.requests.length;
      const result = await run();
      return { ...result, requests: f.sandbox.requests.slice(before) };
    }

    function expectNoSecrets(stack: Engine, logs: string[], secrets: string[]) {
      const state = JSON.stringify([...stack.state.values()]);
      for (const value of secrets) {
        expect(state).not.toContain(value);
        for (const log of logs) expect(log).not.toContain(value);
      }
    }

    it("minted from the API key: one token per process for every resource, a new one after a refusal, none in state or logs", async () => {
      const stack = f.engineWithNewHostsForRefreshAndDestroy();
      const up = await phase(() => stack.up(program()));
      expect(up.failures).toEqual([]);
      expect(up.steps.map((s) => s.op)).toEqual(["create", "create", "create"]);
      // One token request, with the key; then the writes with its token and no key.
      expect(wire(up.requests)).toEqual(["POST /token", patchA, patchB, patchG]);
      expect(up.requests[0]!.headers["api-key"]).toBe(API_KEY);
      const [, minted] = bearers(up.requests);
      expect(minted).toMatch(/^ey/);
      expect(bearers(up.requests).slice(1)).toEqual([minted, minted, minted]);
      for (const request of up.requests.slice(1)) {
        expect(request.headers["api-key"]).toBeUndefined();
        expect(request.headers["x-didww-api-version"]).toBe(VERSION);
      }
      expect(f.sandbox.did(ids.didA)).toMatchObject({ trunkId: ids.trunk1, trunkGroupId: null });
      expect(new Set(f.sandbox.trunkGroupMembers(ids.group))).toEqual(new Set([ids.trunk1, ids.trunk2]));

      // DIDWW stops accepting the token (expired early, revoked): the next update is refused once, a new token is
      // minted, and the update goes through, in the same process.
      f.sandbox.tokens.revokeAll();
      const moved = program();
      moved[0] = { name: "a", kind: DID, inputs: { didId: ids.didA, trunkGroupId: ids.group2 } };
      const update = await phase(() => stack.up(moved));
      expect(update.failures).toEqual([]);
      expect(update.steps.map((s) => s.op)).toEqual(["update", "same", "same"]);
      expect(wire(update.requests)).toEqual([patchA, "POST /token", patchA]);
      const [refused, , renewed] = bearers(update.requests);
      expect(refused).toBe(minted);
      expect(renewed).not.toBe(minted);
      expect(f.sandbox.did(ids.didA)).toMatchObject({ trunkId: null, trunkGroupId: ids.group2 });

      // Refresh and destroy are new processes: each mints its own token, once.
      const refresh = await phase(() => stack.refresh());
      expect(refresh.failures).toEqual([]);
      expect(wire(refresh.requests)).toEqual([
        "POST /token",
        `GET /v3/dids/${ids.didA}`,
        `GET /v3/dids/${ids.didB}`,
        `GET /v3/voice_in_trunk_groups/${ids.group}`,
      ]);
      const destroy = await phase(() => stack.destroy());
      expect(destroy.failures).toEqual([]);
      expect(wire(destroy.requests)).toEqual(["POST /token", patchG, patchB, patchA]);
      expect(f.sandbox.did(ids.didA)).toMatchObject({ trunkId: null, trunkGroupId: null });
      expect(f.sandbox.trunkGroupMembers(ids.group)).toEqual([]);

      const tokens = [...new Set(bearers(f.sandbox.requests).filter((token) => token !== ""))];
      expect(tokens).toHaveLength(4);
      expectNoSecrets(stack, [up.log, update.log, refresh.log, destroy.log], [API_KEY, ...tokens]);
    });

    it("supplied (didww:accessToken): used as is for up, refresh and destroy, nothing minted", async () => {
      const stack = f.engine({ config: { "didww:accessToken": secret(WRITE_TOKEN), "didww:endpoint": f.url, "didww:apiVersion": VERSION } });
      const up = await phase(() => stack.up(program()));
      expect(up.failures).toEqual([]);
      const refresh = await phase(() => stack.refresh());
      expect(refresh.failures).toEqual([]);
      expect(stack.output("b", DID)).toMatchObject({ trunkId: null, trunkGroupId: ids.group });
      const destroy = await phase(() => stack.destroy());
      expect(destroy.failures).toEqual([]);
      expect(stack.state.size).toBe(0);
      expect(f.sandbox.requests).toHaveLength(9);
      expect(wire(f.sandbox.requests).filter((request) => request === "POST /token")).toEqual([]);
      expect(new Set(bearers(f.sandbox.requests))).toEqual(new Set([WRITE_TOKEN]));
      expectNoSecrets(stack, [up.log, refresh.log, destroy.log], [WRITE_TOKEN]);
    });

    it("supplied and expired (DIDWW_ACCESS_TOKEN): every operation fails saying so, and nothing is sent", async () => {
      const stack = f.engine({
        config: { "didww:endpoint": f.url, "didww:apiVersion": VERSION },
        env: { HOME: process.env["HOME"], DIDWW_ACCESS_TOKEN: EXPIRED_TOKEN },
      });
      const before = routing();
      const up = await stack.up(program());
      expect(up.failures.map((failure) => failure.name)).toEqual(["a", "b", "g"]);
      for (const failure of up.failures) {
        expect(failure.message).toMatch(
          /^The DIDWW access token in DIDWW_ACCESS_TOKEN expired at \d{4}-\d\d-\d\dT[\d:.]+Z \(1\d min ago\), so nothing was sent: supply a new one/,
        );
        expect(failure.message).not.toContain(EXPIRED_TOKEN);
      }
      expect(f.sandbox.requests).toEqual([]);
      expect(routing()).toEqual(before);
      expect(stack.state.size).toBe(0);
    });

    it("a token that can only read, on pulumi up: each write refused (403) with what to use instead; nothing changes", async () => {
      const stack = f.engine({ config: { "didww:accessToken": secret(READ_TOKEN), "didww:endpoint": f.url, "didww:apiVersion": VERSION } });
      const before = routing();
      const up = await phase(() => stack.up(program()));
      expect(up.failures).toEqual([
        {
          name: "a",
          rpc: "create",
          message:
            `DIDWW refused ${patchA} (403 insufficient_scope): the access token in didww:accessToken can only read ` +
            "(read scope), and this create has to write. For pulumi up, supply a token that may write, or set " +
            "didww:apiKey / DIDWW_API_KEY instead; read-only tokens are for didroute plan, didroute validate --online " +
            "and pulumi preview.",
        },
        { name: "b", rpc: "create", message: expect.stringMatching(/^DIDWW refused PATCH \/v3\/dids\/.* \(403 insufficient_scope\)/) },
        { name: "g", rpc: "create", message: expect.stringMatching(/^DIDWW refused PATCH \/v3\/voice_in_trunk_groups\/.* \(403 insufficient_scope\)/) },
      ]);
      // Each write sent once: a 403 is final.
      expect(wire(up.requests)).toEqual([patchA, patchB, patchG]);
      expect(routing()).toEqual(before);
      expect(stack.state.size).toBe(0);
      expect(up.log).not.toContain(READ_TOKEN);
    });
  });
}

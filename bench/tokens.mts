/**
`npm run bench:tokens` (builds first): DIDWW API 2026-11-19 access tokens under load. 500 DidTrunkAssignment creates
at once through @pulumi/pulumi's real dynamic-provider host, configured with the API key (so the provider mints its
tokens), against the sandbox at 50 requests per second per account with 20 ms latency, the provider's limiter at 50:

- "lifetime 900 s": tokens that outlive the run (DIDWW says only "short-lived"): how many are minted;
- "lifetime 3 s": tokens expire several times in the middle of the run: how often the provider renews them ahead of
  expiry, whether any request is refused 401, whether any create fails;
- "revoked at 4 s": every token issued so far is refused from 4 s into the run on (DIDWW refusing a token early);
- and, for comparison under the same conditions, the same run with 2026-04-16 (`Api-Key`, no tokens).

For each: wall time, creates failed, requests to the API, token requests, 401 and 429 answers, API requests per
minted token. Writes bench/results.tokens.json. Exit 0 whenever it measured; 1 when it could not. Linux only (/proc).
*/
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { createSandbox, derivedId, type Sandbox } from "../dist/sandbox/index.js";
import type { Host } from "../test/engine/host.ts";
import { endHosts, providerTexts, root, round, sendAll, startConfiguredHost, table } from "./harness.mts";
import { API_KEY, LATENCY_MS, routingOf, trunkGroup, trunks } from "./world.mts";

const DIDS = 500;
const RATE = 50;
const KIND = "didww:DidTrunkAssignment";
const resultsPath = path.join(root, "bench", "results.tokens.json");

const dids = Array.from({ length: DIDS }, (_, i) => {
  const number = `4930${String(2_000_000 + i)}`;
  return { id: derivedId("didww", "did", number), number, trunkId: null };
});

interface Scenario {
  name: string;
  /** The API version the provider is configured with: 2026-11-19 mints tokens, 2026-04-16 sends Api-Key. */
  version: string;
  lifetimeSeconds: number;
  /** Revoke every token issued so far this many ms after the first create is sent. */
  revokeAtMs?: number;
}

const SCENARIOS: Scenario[] = [
  { name: "2026-04-16, Api-Key (baseline)", version: "2026-04-16", lifetimeSeconds: 900 },
  { name: "lifetime 900 s", version: "2026-11-19", lifetimeSeconds: 900 },
  { name: "lifetime 3 s", version: "2026-11-19", lifetimeSeconds: 3 },
  { name: "revoked at 4 s", version: "2026-11-19", lifetimeSeconds: 900, revokeAtMs: 4000 },
];

async function serve(scenario: Scenario): Promise<Sandbox> {
  const sandbox = createSandbox({
    seed: { didww: { trunks, trunkGroups: [trunkGroup], dids } },
    apiKey: API_KEY,
    didwwTokens: { lifetimeSeconds: scenario.lifetimeSeconds },
    faults: { rate: RATE, latencyMs: LATENCY_MS },
  });
  await sandbox.listen(0);
  return sandbox;
}

async function run(scenario: Scenario, providerText: string) {
  const sandbox = await serve(scenario);
  let host: Host | undefined;
  try {
    const env = { HOME: process.env["HOME"], DIDWW_API_VERSION: scenario.version };
    const started = await startConfiguredHost(sandbox, String(RATE), env);
    host = started.host;
    const { provider, Struct } = host.proto;
    const urn = (name: string) => `urn:pulumi:bench::didroute::pulumi-nodejs:dynamic/${KIND}::${name}`;
    const creates = dids.map((did, i) => {
      const { trunkId, trunkGroupId } = routingOf(i);
      const create = new provider.CreateRequest();
      create.setUrn(urn(`did-${i}`));
      const inputs = trunkId !== null ? { didId: did.id, trunkId } : { didId: did.id, trunkGroupId };
      create.setProperties(Struct.fromJavaScript({ ...inputs, __provider: providerText }));
      return { name: `did-${i}`, create };
    });
    const revoke =
      scenario.revokeAtMs === undefined ? undefined : setTimeout(() => sandbox.didww.tokens.revokeAll(), scenario.revokeAtMs);
    const burst = await sendAll(creates, (c) => c.name, async ({ create }) => void (await started.host.rpc("create", create)));
    clearTimeout(revoke);

    const requests = sandbox.didww.requests;
    const stats = sandbox.faults.stats();
    const tokenRequests = requests.filter((r) => r.path === "/token").length;
    const apiRequests = requests.length - tokenRequests;
    const minted = new Set(requests.map((r) => /^Bearer (.+)$/.exec(r.headers["authorization"] ?? "")?.[1]).filter(Boolean)).size;
    return {
      scenario: scenario.name,
      wallSeconds: round(burst.wallMs / 1000, 2),
      createsFailed: burst.failures,
      failureSamples: burst.failureSamples,
      apiRequests,
      tokenRequests,
      tokensUsed: minted,
      answered401: stats.byStatus["401"] ?? 0,
      answered429: stats.byStatus["429"] ?? 0,
      apiRequestsPerToken: minted === 0 ? null : round(apiRequests / minted, 1),
    };
  } finally {
    await endHosts(host);
    await sandbox.close();
  }
}

async function main(): Promise<number> {
  const providerText = (await providerTexts())[KIND];
  if (providerText === undefined) throw new Error(`no provider text for ${KIND}`);
  const results = [];
  for (const scenario of SCENARIOS) {
    process.stderr.write(`bench:tokens: ${scenario.name} …\n`);
    results.push(await run(scenario, providerText));
  }
  process.stdout.write(
    `${DIDS} creates at once (2026-11-19: tokens minted from the key); sandbox ${RATE}/s per account, ${LATENCY_MS} ms latency\n\n` +
      table([
        ["scenario", "wall s", "failed", "API requests", "token requests", "tokens used", "401", "429", "requests/token"],
        ...results.map((r) => [
          r.scenario,
          String(r.wallSeconds),
          String(r.createsFailed),
          String(r.apiRequests),
          String(r.tokenRequests),
          String(r.tokensUsed),
          String(r.answered401),
          String(r.answered429),
          r.apiRequestsPerToken === null ? "—" : String(r.apiRequestsPerToken),
        ]),
      ]) +
      "\n",
  );
  for (const r of results) if (r.failureSamples.length > 0) process.stdout.write(`${r.scenario}: ${r.failureSamples.join("; ")}\n`);
  writeFileSync(resultsPath, `${JSON.stringify({ dids: DIDS, rate: RATE, latencyMs: LATENCY_MS, results }, null, 2)}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:tokens: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  },
);

/**
The world both parts of the bench (run.mts, drift.mts) measure against: the trunks, the group, where each DID is
routed, and the sandbox that serves them with a rate limit and latency.
*/
import { createSandbox, derivedId, type DidwwSeed, type Sandbox } from "../dist/sandbox/index.js";

/** The DIDWW Api-Key the sandbox requires and the provider is configured with. */
export const API_KEY = "didww-bench-key-0c7d41e9a2";
/** Milliseconds the sandbox adds before every answer. */
export const LATENCY_MS = 20;

export interface Routing {
  trunkId: string | null;
  trunkGroupId: string | null;
}

export const trunks = ["pbx-frankfurt", "pbx-dublin", "pbx-paris", "pbx-madrid"].map((name) => ({
  id: derivedId("didww", "trunk", name),
  name,
}));

export const trunkGroup = { id: derivedId("didww", "trunkGroup", "eu-primary"), name: "eu-primary", trunkIds: [trunks[0]!.id] };

/** Where the i-th DID is routed: every fifth to the trunk group, the others spread over the trunks. */
export function routingOf(i: number): Routing {
  return i % 5 === 4 ? { trunkId: null, trunkGroupId: trunkGroup.id } : { trunkId: trunks[i % trunks.length]!.id, trunkGroupId: null };
}

/** A fresh sandbox, listening, with the trunks, the group and `dids`, limited to `rate` requests per second per key. */
export async function serveWorld(dids: NonNullable<DidwwSeed["dids"]>, rate: number): Promise<Sandbox> {
  const sandbox = createSandbox({
    seed: { didww: { trunks, trunkGroups: [trunkGroup], dids } },
    apiKey: API_KEY,
    faults: { rate, latencyMs: LATENCY_MS },
  });
  await sandbox.listen(0);
  return sandbox;
}

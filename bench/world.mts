/** What both parts of the bench (run.mts, drift.mts) route DIDs to, and how they round their figures. */
import { derivedId } from "../dist/sandbox/index.js";

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

export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

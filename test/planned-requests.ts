import { expect } from "vitest";
import type { PlannedChange } from "../routing/plan";

interface Api {
  urls: { didww: string; carrierx: string };
  apiKey: string;
  token: string;
}

/**
Sends a planned request to the sandbox with the headers the provider sends, as `pulumi up` would (a replacement's
DELETE first): a test that sends a plan's requests and then finds nothing left to plan shows the requests are the
right ones, and complete. Answers the status of the planned request.
*/
export async function sendPlanned(change: PlannedChange, api: Api): Promise<number> {
  const didww = change.system === "DIDWW";
  const origin = new URL(didww ? api.urls.didww : api.urls.carrierx).origin;
  const headers = didww
    ? {
        "content-type": "application/vnd.api+json",
        accept: "application/vnd.api+json",
        "api-key": api.apiKey,
        "x-didww-api-version": "2026-04-16",
      }
    : { "content-type": "application/json", accept: "application/json", authorization: `Bearer ${api.token}` };
  if (change.deletes !== undefined) {
    const deleted = await fetch(`${origin}${change.deletes.path}`, { method: "DELETE", headers });
    if (deleted.status !== 204) return deleted.status;
  }
  const response = await fetch(`${origin}${change.request.path}`, {
    method: change.request.method,
    headers,
    body: JSON.stringify(change.request.body),
  });
  return response.status;
}

/**
Applies a plan as `pulumi up` does, in the order its dependencies give: the changes that wait for nothing, then,
planned again, those that waited for objects now created (their ids now known), until nothing is left. Every request
must succeed; answers how many changes each round sent.
*/
export async function applyPlan(plan: () => Promise<PlannedChange[]>, api: Api): Promise<number[]> {
  const rounds: number[] = [];
  for (let changes = await plan(); changes.length > 0; changes = await plan()) {
    const ready = changes.filter((change) => change.waitsFor === undefined);
    expect(ready.length, "a plan whose every change waits for another").toBeGreaterThan(0);
    for (const change of ready) {
      const status = await sendPlanned(change, api);
      expect([200, 201], `${change.request.method} ${change.request.path}`).toContain(status);
    }
    rounds.push(ready.length);
    expect(rounds.length, "rounds").toBeLessThanOrEqual(5);
  }
  return rounds;
}

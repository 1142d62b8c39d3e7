import type { PlannedChange } from "../routing/plan";

/**
Sends a planned request to the sandbox with the headers the provider sends, as `pulumi up` would: a test that
sends a plan's requests and then finds nothing left to plan shows the requests are the right ones, and complete.
*/
export async function sendPlanned(
  change: PlannedChange,
  api: { urls: { didww: string; carrierx: string }; apiKey: string; token: string },
): Promise<number> {
  const didww = change.system === "DIDWW";
  const origin = new URL(didww ? api.urls.didww : api.urls.carrierx).origin;
  const response = await fetch(`${origin}${change.request.path}`, {
    method: change.request.method,
    headers: didww
      ? {
          "content-type": "application/vnd.api+json",
          accept: "application/vnd.api+json",
          "api-key": api.apiKey,
          "x-didww-api-version": "2026-04-16",
        }
      : { "content-type": "application/json", accept: "application/json", authorization: `Bearer ${api.token}` },
    body: JSON.stringify(change.request.body),
  });
  return response.status;
}

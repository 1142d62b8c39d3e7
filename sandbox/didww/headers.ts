/**
The headers of DIDWW's HTTP conventions: the `Api-Key` credential, the JSON:API media-type rules for `Accept` and
`Content-Type`, and the headers DIDWW (Rails) answers with. Request bodies and answers themselves go through the
plumbing both sandbox APIs share (../http.ts).
*/

import { headerValue, sendJson } from "../http";
import { notAcceptable, unauthorized, unsupportedMediaType } from "./errors";
import { JSON_API_MEDIA_TYPE } from "./naming";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { createHash, randomUUID } from "node:crypto";

/**
The request's API key when the sandbox accepts it (any non-empty key, or the configured one when set); undefined when
it is missing or wrong. Also what the fault layer keys rate limits by.
*/
export function acceptedApiKey(headers: IncomingHttpHeaders, apiKey: string | undefined): string | undefined {
  const sent = headerValue(headers, "api-key");
  return sent === undefined || sent === "" || (apiKey !== undefined && sent !== apiKey) ? undefined : sent;
}

export function authorize(headers: IncomingHttpHeaders, apiKey: string | undefined): void {
  if (acceptedApiKey(headers, apiKey) === undefined) throw unauthorized();
}

/** JSON:API: 406 only when every JSON:API entry of Accept carries media-type parameters. */
export function checkAccept(headers: IncomingHttpHeaders): void {
  const accept = headerValue(headers, "accept");
  if (accept === undefined) return;
  const jsonApiEntries = accept
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.toLowerCase().split(";")[0]?.trim() === JSON_API_MEDIA_TYPE);
  if (jsonApiEntries.length > 0 && jsonApiEntries.every((entry) => entry.includes(";"))) throw notAcceptable();
}

/** JSON:API: the media type must be sent without parameters (not even `charset`), otherwise 415. */
export function checkContentType(headers: IncomingHttpHeaders): void {
  const contentType = headerValue(headers, "content-type");
  if (contentType?.trim().toLowerCase() !== JSON_API_MEDIA_TYPE) throw unsupportedMediaType(contentType);
}

/**
Answers with a JSON:API document and the headers DIDWW adds: a request id, then `extraHeaders` (a 405's `Allow`),
then the caching headers.
*/
export function sendDocument(
  response: ServerResponse,
  status: number,
  document: object,
  extraHeaders: Record<string, string> = {},
): void {
  sendJson(response, status, JSON_API_MEDIA_TYPE, document, (body) => ({
    "x-request-id": randomUUID(),
    ...extraHeaders,
    ...cacheHeaders(status, body),
  }));
}

/** An answer without a body (a DELETE's 204), with DIDWW's request id. */
export function sendEmpty(response: ServerResponse, status: number): void {
  response.writeHead(status, { "x-request-id": randomUUID(), "cache-control": "no-cache" });
  response.end();
}

/** DIDWW (Rails) sends a weak ETag digest of the body and revalidation headers on success, no-cache otherwise. */
function cacheHeaders(status: number, body: string): Record<string, string> {
  if (status < 200 || status >= 300) return { "cache-control": "no-cache" };
  return {
    etag: `W/"${createHash("md5").update(body).digest("hex")}"`,
    "cache-control": "max-age=0, private, must-revalidate",
  };
}

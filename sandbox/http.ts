/**
The HTTP plumbing every sandbox API shares (DIDWW, CarrierX, the fault layer in front of them and the combined
server): header values, the request body read with a size limit and parsed as JSON, the request log entry, and JSON
answers with their content length. What differs between the APIs (credentials, media types, error documents, extra
answer headers) stays with each API.
*/

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { URL } from "node:url";

/** The largest request body a sandbox API takes; neither API needs more than a few KB. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** One request as a sandbox API received it, for tests asserting the exact wire traffic. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v3/dids/123`. */
  path: string;
  query: Record<string, string>;
  /** Header names lower-cased, values as sent (repeated headers joined with `, `). */
  headers: Record<string, string | undefined>;
  /** The parsed JSON body, or undefined when there was no body or it was not valid JSON. */
  body: unknown;
}

/** A request body read as JSON; each API decides how to refuse the two kinds that are not. */
export type JsonBody =
  | { readonly kind: "json"; readonly value: unknown }
  /** Empty, or not JSON; `reason` says which (JSON.parse's message for the latter). */
  | { readonly kind: "invalid"; readonly reason: string }
  /** Larger than MAX_BODY_BYTES. */
  | { readonly kind: "tooLarge" };

/** The `reason` of an empty body, for an API that takes one (DIDWW's token request). */
export const EMPTY_BODY = "the body is empty";

/** What a sandbox API needs of a request: read once, before any check. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: URL;
  readonly body: JsonBody;
  /** The entry for the API's request log; also the query, one value per name (the last when a name repeats). */
  readonly record: RecordedRequest;
}

/** A header's value as sent; a repeated header's values joined with `, `. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads the whole request (the body drained, never buffered past MAX_BODY_BYTES) and makes its log entry. */
export async function receive(request: IncomingMessage): Promise<ReceivedRequest> {
  const method = request.method ?? "GET";
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  const body = parseJsonBody(await readBody(request));
  const headers: Record<string, string | undefined> = {};
  for (const name of Object.keys(request.headers)) headers[name] = headerValue(request.headers, name);
  const record: RecordedRequest = {
    method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    body: body.kind === "json" ? body.value : undefined,
  };
  return { method, url, body, record };
}

/**
The request body as text, or undefined when it is larger than MAX_BODY_BYTES. An oversized body is drained to the
end but not buffered, so the client receives the API's answer (413 or 400) instead of a reset connection.
*/
function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on("end", () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function parseJsonBody(text: string | undefined): JsonBody {
  if (text === undefined) return { kind: "tooLarge" };
  if (text.trim() === "") return { kind: "invalid", reason: EMPTY_BODY };
  try {
    return { kind: "json", value: JSON.parse(text) as unknown };
  } catch (error) {
    return { kind: "invalid", reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
Answers with `document` as JSON: `content-type` and `content-length` first, then `headers` in their order. Headers
that depend on the body (DIDWW's ETag) come from a function of the serialized body.
*/
export function sendJson(
  response: ServerResponse,
  status: number,
  contentType: string,
  document: object,
  headers: Readonly<Record<string, string>> | ((body: string) => Record<string, string>) = {},
): void {
  const body = JSON.stringify(document);
  response.writeHead(status, {
    "content-type": contentType,
    "content-length": String(Buffer.byteLength(body)),
    ...(typeof headers === "function" ? headers(body) : headers),
  });
  response.end(body);
}

/**
Answers a request whose handler threw with `answer(detail)`: a bug in a sandbox must show as an answer the client
can see, not as a hung request. Once the headers are out there is no answer left to give, so the connection is cut.
*/
export function answerFailure(response: ServerResponse, error: unknown, answer: (detail: string) => void): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  answer(error instanceof Error ? error.message : String(error));
}

import { readBody } from "../body";
import { LoopbackListener } from "../loopback";
import { ApiError, malformedJson, notAcceptable, payloadTooLarge, unauthorized, unsupportedMediaType } from "./errors";
import { compareText } from "./lists";
import { JSON_API_MEDIA_TYPE, negotiateVersion } from "./naming";
import { BODY_METHODS, resolveRoute, type HandlerInput } from "./routes";
import { SandboxState, type DidRecord, type DidwwSeed } from "./state";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { createHash, randomUUID } from "node:crypto";
import { URL } from "node:url";

// ---------------------------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------------------------

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

export interface DidwwSandboxOptions {
  /** The API key every request must send in `Api-Key`; when omitted any non-empty key is accepted. */
  apiKey?: string;
  seed?: DidwwSeed;
}

export interface DidRouting {
  id: string;
  number: string;
  trunkId: string | null;
  trunkGroupId: string | null;
}

export interface TrunkSummary {
  id: string;
  name: string;
  /** The group the trunk belongs to (at most one), or null. */
  trunkGroupId: string | null;
}

export interface TrunkGroupSummary {
  id: string;
  name: string;
  /** Members in membership order. */
  trunkIds: string[];
}

export interface DidwwSandbox {
  /** Base URL including /v3, e.g. http://127.0.0.1:54321/v3 (valid after listen). */
  readonly url: string;
  /** Binds 127.0.0.1; port 0 (the default) picks a free port. Resolves to `url`. */
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
  /** Every request received, in order (for tests asserting the exact wire traffic). */
  readonly requests: RecordedRequest[];
  /** Direct access to state, to simulate hand changes ("drift") and to assert results. */
  did(id: string): DidRouting | undefined;
  setDidRouting(id: string, routing: { trunkId?: string | null; trunkGroupId?: string | null }): void;
  removeDid(id: string): void;
  /** Trunk ids currently in the group, in membership order; undefined for an unknown group. */
  trunkGroupMembers(groupId: string): string[] | undefined;
  setTrunkGroupMembers(groupId: string, trunkIds: string[]): void;
  /** Every DID ordered by number (as `sort=number` orders them, digit by digit), then id; for printing routing. */
  dids(): DidRouting[];
  /** Every trunk ordered by name, then id. */
  trunks(): TrunkSummary[];
  /** Every trunk group ordered by name, then id. */
  trunkGroups(): TrunkGroupSummary[];
  /** Answers one request as if it arrived at `baseUrl` (…/v3); lets one server carry several sandbox APIs. */
  handle(request: IncomingMessage, response: ServerResponse, baseUrl: string): Promise<void>;
}

export function createDidwwSandbox(options: DidwwSandboxOptions = {}): DidwwSandbox {
  return new DidwwSandboxServer(options.apiKey, SandboxState.fromSeed(options.seed ?? {}));
}

// ---------------------------------------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------------------------------------

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

function authorize(headers: IncomingHttpHeaders, apiKey: string | undefined): void {
  const sent = headerValue(headers, "api-key");
  if (sent === undefined || sent === "" || (apiKey !== undefined && sent !== apiKey)) throw unauthorized();
}

/** JSON:API: 406 only when every JSON:API entry of Accept carries media-type parameters. */
function checkAccept(headers: IncomingHttpHeaders): void {
  const accept = headerValue(headers, "accept");
  if (accept === undefined) return;
  const jsonApiEntries = accept
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.toLowerCase().split(";")[0]?.trim() === JSON_API_MEDIA_TYPE);
  if (jsonApiEntries.length > 0 && jsonApiEntries.every((entry) => entry.includes(";"))) throw notAcceptable();
}

/** JSON:API: the media type must be sent without parameters (not even `charset`), otherwise 415. */
function checkContentType(headers: IncomingHttpHeaders): void {
  const contentType = headerValue(headers, "content-type");
  if (contentType?.trim().toLowerCase() !== JSON_API_MEDIA_TYPE) throw unsupportedMediaType(contentType);
}

function recordedHeaders(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  const recorded: Record<string, string | undefined> = {};
  for (const name of Object.keys(headers)) recorded[name] = headerValue(headers, name);
  return recorded;
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP plumbing
// ---------------------------------------------------------------------------------------------------------------

type RawBody = { readonly kind: "complete"; readonly text: string } | { readonly kind: "tooLarge" };

async function readRawBody(request: IncomingMessage): Promise<RawBody> {
  const text = await readBody(request);
  return text === undefined ? { kind: "tooLarge" } : { kind: "complete", text };
}

type ParsedBody = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

function parseBody(text: string): ParsedBody {
  if (text.trim() === "") return { ok: false, reason: "the body is empty" };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

function queryOf(url: URL): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = value;
  return query;
}

function send(
  response: ServerResponse,
  status: number,
  document: object,
  extraHeaders: Record<string, string> = {},
): void {
  const body = JSON.stringify(document);
  const headers: Record<string, string> = {
    "content-type": JSON_API_MEDIA_TYPE,
    "content-length": String(Buffer.byteLength(body)),
    "x-request-id": randomUUID(),
    ...extraHeaders,
  };
  // DIDWW (Rails) sends a weak ETag digest of the body and revalidation headers on success, no-cache otherwise.
  if (status === 200) {
    headers["etag"] = `W/"${createHash("md5").update(body).digest("hex")}"`;
    headers["cache-control"] = "max-age=0, private, must-revalidate";
  } else {
    headers["cache-control"] = "no-cache";
  }
  response.writeHead(status, headers);
  response.end(body);
}

class DidwwSandboxServer implements DidwwSandbox {
  readonly requests: RecordedRequest[] = [];
  private readonly listener = new LoopbackListener(
    "DIDWW",
    "/v3",
    (request, response, baseUrl) => this.handle(request, response, baseUrl),
    failInternally,
  );

  constructor(
    private readonly apiKey: string | undefined,
    private readonly state: SandboxState,
  ) {}

  get url(): string {
    return this.listener.url;
  }

  listen(port = 0): Promise<string> {
    return this.listener.listen(port);
  }

  close(): Promise<void> {
    return this.listener.close();
  }

  did(id: string): DidRouting | undefined {
    const did = this.state.dids.get(id);
    return did && routingOf(did);
  }

  dids(): DidRouting[] {
    const dids = [...this.state.dids.values()];
    dids.sort((a, b) => compareText(a.number, b.number) || compareText(a.id, b.id));
    return dids.map(routingOf);
  }

  trunks(): TrunkSummary[] {
    return byName([...this.state.trunks.values()]).map((trunk) => ({
      id: trunk.id,
      name: trunk.name,
      trunkGroupId: this.state.groupOfTrunk(trunk.id)?.id ?? null,
    }));
  }

  trunkGroups(): TrunkGroupSummary[] {
    return byName([...this.state.groups.values()]).map((group) => ({
      id: group.id,
      name: group.name,
      trunkIds: [...group.trunkIds],
    }));
  }

  setDidRouting(id: string, routing: { trunkId?: string | null; trunkGroupId?: string | null }): void {
    this.state.routeDid(id, routing);
  }

  removeDid(id: string): void {
    this.state.removeDid(id);
  }

  trunkGroupMembers(groupId: string): string[] | undefined {
    const group = this.state.groups.get(groupId);
    return group && [...group.trunkIds];
  }

  setTrunkGroupMembers(groupId: string, trunkIds: string[]): void {
    this.state.assignTrunks(groupId, trunkIds);
  }

  async handle(request: IncomingMessage, response: ServerResponse, baseUrl: string): Promise<void> {
    const method = request.method ?? "GET";
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const query = queryOf(url);
    const raw = await readRawBody(request);
    const parsed = raw.kind === "complete" ? parseBody(raw.text) : undefined;
    const body = parsed?.ok ? parsed.value : undefined;
    // Recorded before any check, so tests can also assert on requests the sandbox rejects.
    this.requests.push({ method, path: url.pathname, query, headers: recordedHeaders(request.headers), body });
    try {
      authorize(request.headers, this.apiKey);
      const version = negotiateVersion(headerValue(request.headers, "x-didww-api-version"));
      const handler = resolveRoute(method, url.pathname, version.naming);
      checkAccept(request.headers);
      if (BODY_METHODS.has(method)) {
        checkContentType(request.headers);
        if (parsed === undefined) throw payloadTooLarge();
        if (!parsed.ok) throw malformedJson(parsed.reason);
      }
      const input: HandlerInput = { include: query["include"], body, query };
      send(response, 200, handler(input, { state: this.state, version, baseUrl }));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      send(response, error.status, { errors: error.errors }, error.headers);
    }
  }
}

function routingOf(did: DidRecord): DidRouting {
  return { id: did.id, number: did.number, trunkId: did.trunkId, trunkGroupId: did.trunkGroupId };
}

/** Sorts in place by name, then id (names of trunks need not be unique). */
function byName<T extends { readonly id: string; readonly name: string }>(records: T[]): T[] {
  return records.sort((a, b) => compareText(a.name, b.name) || compareText(a.id, b.id));
}

/** A bug in the sandbox must surface as a 500 the client can see, not as a hung request. */
function failInternally(response: ServerResponse, error: unknown): void {
  const detail = error instanceof Error ? error.message : String(error);
  if (response.headersSent) {
    response.destroy();
    return;
  }
  send(response, 500, { errors: [{ title: "Internal server error", detail, code: "500", status: "500" }] });
}

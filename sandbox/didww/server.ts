/**
The DIDWW sandbox as a whole: its public interface (state access for tests and demos) and the path every request
takes through it, in DIDWW's order: credential (401: `Api-Key`, or from version 2026-11-19 a bearer token, whose scope
may forbid a write, 403), route (404, 405), `Accept` (406), and for a write `Content-Type` (415) and the body (413,
400); then the handler, whose document is answered 200 (201 for a create, 204 for a delete), or whose error is answered
in DIDWW's error shape. The token
service (`POST /token`, tokens.ts) answers on the same server.
*/

import { answerFailure, headerValue, sendJson, type JsonBody } from "../http";
import { LoopbackApi, type StandaloneApi } from "../loopback";
import { ApiError, internalError, malformedJson, methodNotAllowed, payloadTooLarge } from "./errors";
import { acceptedApiKey, authorize, checkAccept, checkContentType, sendDocument, sendEmpty } from "./headers";
import { compareText } from "./lists";
import { negotiateVersion } from "./naming";
import { BODY_METHODS, resolveRoute, type HandlerInput } from "./routes";
import { SandboxState, type DidRecord, type DidwwSeed } from "./state";
import {
  accountOf,
  insufficientScope,
  READ_METHODS,
  TOKEN_PATH,
  TokenService,
  usesTokens,
  type DidwwTokenOptions,
  type DidwwTokens,
} from "./tokens";
import type { IncomingMessage, ServerResponse } from "node:http";

export interface DidwwSandboxOptions {
  /**
  The API key every request must send in `Api-Key` (from version 2026-11-19: the key tokens are minted from); when
  omitted any non-empty key is accepted.
  */
  apiKey?: string;
  seed?: DidwwSeed;
  /** The token service of version 2026-11-19 (`POST /token`): lifetime, read-only keys, allowlists, secret. */
  tokens?: DidwwTokenOptions;
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

/** A trunk as the sandbox holds it, for assertions: attributes and configuration as DIDWW renders them. */
export interface TrunkDetail {
  id: string;
  name: string;
  createdAt: string;
  /** `description` … `ringing_timeout`, snake_case. */
  attributes: Record<string, unknown>;
  /** Every configuration attribute, the generated registration credentials included. */
  configuration: { type: "sip_configurations" | "pstn_configurations"; attributes: Record<string, unknown> };
  trunkGroupId: string | null;
}

/** A change made by hand (in DIDWW's panel): DIDWW's attribute names, written without checks. */
export interface TrunkChange {
  name?: string;
  attributes?: Record<string, unknown>;
  /** Configuration attributes to overwrite (the type stays). */
  configuration?: Record<string, unknown>;
}

export interface TrunkGroupDetail extends TrunkGroupSummary {
  capacityLimit: number | null;
  externalReferenceId: string | null;
}

/** The DIDWW sandbox on its own port: `url` is the base URL including /v3, e.g. http://127.0.0.1:54321/v3. */
export interface DidwwSandbox extends StandaloneApi {
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
  /** One trunk in full (a copy); undefined when there is none. */
  trunk(id: string): TrunkDetail | undefined;
  changeTrunk(id: string, change: TrunkChange): void;
  /** One trunk group (a copy); undefined when there is none. */
  trunkGroup(id: string): TrunkGroupDetail | undefined;
  changeTrunkGroup(id: string, change: { name?: string; capacityLimit?: number | null; externalReferenceId?: string | null }): void;
  /** The token service: tokens issued directly (expired ones too), and revoking every token issued so far. */
  readonly tokens: DidwwTokens;
  /**
  Whose rate-limit budget a request spends (the account of its API key, or of the key its token was minted from), or
  undefined when it will be refused 401: what a fault layer in front keys rate limits by.
  */
  accountOf(request: IncomingMessage): string | undefined;
}

export function createDidwwSandbox(options: DidwwSandboxOptions = {}): DidwwSandbox {
  return new DidwwSandboxServer(options.apiKey, SandboxState.fromSeed(options.seed ?? {}), new TokenService(options.apiKey, options.tokens));
}

class DidwwSandboxServer extends LoopbackApi implements DidwwSandbox {
  constructor(
    private readonly apiKey: string | undefined,
    private readonly state: SandboxState,
    readonly tokens: TokenService,
  ) {
    super("DIDWW", "/v3");
  }

  accountOf(request: IncomingMessage): string | undefined {
    const path = (request.url ?? "/").split("?")[0];
    if (path === TOKEN_PATH) {
      const key = this.tokens.acceptedKey(request.headers);
      return key === undefined ? undefined : accountOf(key);
    }
    if (usesTokens(negotiateVersion(headerValue(request.headers, "x-didww-api-version")).served)) {
      return this.tokens.accountOfToken(request);
    }
    const key = acceptedApiKey(request.headers, this.apiKey);
    return key === undefined ? undefined : accountOf(key);
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

  trunk(id: string): TrunkDetail | undefined {
    const trunk = this.state.trunks.get(id);
    if (trunk === undefined) return undefined;
    return structuredClone({
      id: trunk.id,
      name: trunk.name,
      createdAt: trunk.createdAt,
      attributes: trunk.attributes,
      configuration: trunk.configuration,
      trunkGroupId: this.state.groupOfTrunk(id)?.id ?? null,
    });
  }

  changeTrunk(id: string, change: TrunkChange): void {
    const trunk = this.state.requireTrunk(id);
    if (change.name !== undefined) trunk.name = change.name;
    Object.assign(trunk.attributes, structuredClone(change.attributes ?? {}));
    Object.assign(trunk.configuration.attributes, structuredClone(change.configuration ?? {}));
  }

  trunkGroup(id: string): TrunkGroupDetail | undefined {
    const group = this.state.groups.get(id);
    if (group === undefined) return undefined;
    const { name, capacityLimit, externalReferenceId, trunkIds } = group;
    return { id, name, capacityLimit, externalReferenceId, trunkIds: [...trunkIds] };
  }

  changeTrunkGroup(id: string, change: { name?: string; capacityLimit?: number | null; externalReferenceId?: string | null }): void {
    const group = this.state.requireGroup(id);
    if (change.name !== undefined) group.name = change.name;
    if (change.capacityLimit !== undefined) group.capacityLimit = change.capacityLimit;
    if (change.externalReferenceId !== undefined) group.externalReferenceId = change.externalReferenceId;
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
    const { method, url, body, record } = await this.receive(request);
    if (url.pathname === TOKEN_PATH) return this.answerToken(request, response, method, body);
    try {
      const version = negotiateVersion(headerValue(request.headers, "x-didww-api-version"));
      if (usesTokens(version.served)) {
        const { scope } = this.tokens.verify(request);
        if (scope === "read" && !READ_METHODS.has(method)) throw insufficientScope();
      } else {
        authorize(request.headers, this.apiKey);
      }
      const handler = resolveRoute(method, url.pathname, version.naming);
      checkAccept(request.headers);
      if (BODY_METHODS.has(method)) {
        checkContentType(request.headers);
        if (body.kind === "tooLarge") throw payloadTooLarge();
        if (body.kind === "invalid") throw malformedJson(body.reason);
      }
      const input: HandlerInput = { include: record.query["include"], body: record.body, query: record.query };
      const reply = handler(input, { state: this.state, version, baseUrl });
      if (reply.document === undefined) sendEmpty(response, reply.status);
      else sendDocument(response, reply.status, reply.document);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.errors.length === 0) {
        // A request without a bearer token: the status and its challenge, no body.
        response.writeHead(error.status, { ...error.headers, "content-length": "0" }).end();
        return;
      }
      sendDocument(response, error.status, { errors: error.errors }, error.headers);
    }
  }

  /** `POST /token`, answered in JSON (the token service is not a JSON:API endpoint). */
  private answerToken(request: IncomingMessage, response: ServerResponse, method: string, body: JsonBody): void {
    try {
      if (method !== "POST") throw methodNotAllowed(method, TOKEN_PATH, ["POST"]);
      const { status, document } = this.tokens.mint(request, body);
      sendJson(response, status, "application/json", document, { "cache-control": "no-store" });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      sendJson(response, error.status, "application/json", { errors: error.errors }, error.headers);
    }
  }

  protected fail(response: ServerResponse, error: unknown): void {
    answerFailure(response, error, (detail) => sendDocument(response, 500, { errors: internalError(detail).errors }));
  }
}

function routingOf(did: DidRecord): DidRouting {
  return { id: did.id, number: did.number, trunkId: did.trunkId, trunkGroupId: did.trunkGroupId };
}

/** Sorts in place by name, then id (names of trunks need not be unique). */
function byName<T extends { readonly id: string; readonly name: string }>(records: T[]): T[] {
  return records.sort((a, b) => compareText(a.name, b.name) || compareText(a.id, b.id));
}

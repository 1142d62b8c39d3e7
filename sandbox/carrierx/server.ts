/**
The CarrierX sandbox as a whole: its public interface (state access for tests and demos) and the path every request
takes through it: credential (401), route (404, 405), scope (403 for a read-only token's update), and for an update
`Content-Type` (415) and the body (400); then the handler, whose object is answered 200, or whose error is answered
in CarrierX's error shape.
*/

import { answerFailure, sendJson } from "../http";
import { LoopbackApi, type StandaloneApi } from "../loopback";
import { ApiError, errorBody } from "./errors";
import { authorize, checkContentType, JSON_MEDIA_TYPE } from "./headers";
import { resolveRoute } from "./routes";
import {
  removeDid,
  routeDid,
  seedState,
  sortedDids,
  sortedGroups,
  type CarrierxDid,
  type CarrierxSeed,
  type State,
} from "./state";
import type { IncomingMessage, ServerResponse } from "node:http";

export interface CarrierxSandboxOptions {
  /** The token every request must send as `Authorization: Bearer <token>`; when omitted any non-empty one works. */
  token?: string;
  /**
  Tokens that authenticate but whose scopes allow only reads (phonenumber.read without phonenumber.update, say):
  GET answers as for `token`; PATCH and PUT are refused with 403 `{"message": "Forbidden", "errors": []}`, changing
  nothing. Accepted whether or not `token` is set.
  */
  readOnlyTokens?: readonly string[];
  seed?: CarrierxSeed;
}

/** The CarrierX sandbox on its own port: `url` includes /core/v2, e.g. http://127.0.0.1:54321/core/v2. */
export interface CarrierxSandbox extends StandaloneApi {
  /** A copy of the DID object, or undefined for an unknown DID. */
  did(sid: string): CarrierxDid | undefined;
  /** Copies of every DID object, ordered by `phonenumber` (the order the list endpoint serves). */
  dids(): CarrierxDid[];
  /** Every trunk group, ordered by name (the order the list endpoint serves). */
  trunkGroups(): { sid: string; name: string }[];
  /** A change made outside the API ("drift"); the group must exist. */
  setDidTrunkGroup(sid: string, trunkGroupSid: string | null): void;
  /** The DID leaves the partner's account (released): it answers 404 from then on. */
  removeDid(sid: string): void;
}

export function createCarrierxSandbox(options: CarrierxSandboxOptions = {}): CarrierxSandbox {
  return new CarrierxSandboxServer(options.token, seedState(options.seed ?? {}), options.readOnlyTokens ?? []);
}

class CarrierxSandboxServer extends LoopbackApi implements CarrierxSandbox {
  constructor(
    private readonly token: string | undefined,
    private readonly state: State,
    private readonly readOnlyTokens: readonly string[] = [],
  ) {
    super("CarrierX", "/core/v2");
  }

  did(sid: string): CarrierxDid | undefined {
    const did = this.state.dids.get(sid);
    return did && structuredClone(did);
  }

  setDidTrunkGroup(sid: string, trunkGroupSid: string | null): void {
    routeDid(this.state, sid, trunkGroupSid);
  }

  removeDid(sid: string): void {
    removeDid(this.state, sid);
  }

  dids(): CarrierxDid[] {
    return sortedDids(this.state).map((did) => structuredClone(did));
  }

  trunkGroups(): { sid: string; name: string }[] {
    return sortedGroups(this.state).map((group) => ({ ...group }));
  }

  async handle(request: IncomingMessage, response: ServerResponse, baseUrl: string): Promise<void> {
    const { method, url, body, record } = await this.receive(request);
    try {
      const access = authorize(request.headers, this.token, this.readOnlyTokens);
      const route = resolveRoute(method, url.pathname);
      // A missing scope is refused before the body or the object is looked at, so it changes nothing.
      if (access === "read" && (method === "PATCH" || method === "PUT")) throw new ApiError(403, "Forbidden");
      if (method === "PATCH" || method === "PUT") {
        checkContentType(request.headers);
        if (body.kind !== "json") throw new ApiError(400, "No JSON object could be decoded");
      }
      // The path below /core/v2, appended to the base URL the request arrived on.
      const collectionUrl = `${baseUrl}${url.pathname.slice("/core/v2".length)}`;
      const input = { state: this.state, sid: route.sid, body: record.body, query: url.searchParams, collectionUrl };
      sendJson(response, 200, JSON_MEDIA_TYPE, route.handler(input));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      sendJson(response, error.status, JSON_MEDIA_TYPE, errorBody(error.message, error.errors), error.headers);
    }
  }

  protected fail(response: ServerResponse, error: unknown): void {
    answerFailure(response, error, (detail) => sendJson(response, 500, JSON_MEDIA_TYPE, errorBody(detail)));
  }
}

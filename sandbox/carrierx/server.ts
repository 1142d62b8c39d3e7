/**
The CarrierX sandbox as a whole: its public interface (state access for tests and demos) and the path every request
takes through it: credential (401), route (404, 405), scope (403 for a read-only token's write), and for a request
with a body `Content-Type` (415) and the body (400); then the handler, whose object is answered 200 (or, for a
delete, 204 with no body), or whose error is answered in CarrierX's error shape.
*/

import { answerFailure, sendJson } from "../http";
import { LoopbackApi, type StandaloneApi } from "../loopback";
import { ApiError, errorBody } from "./errors";
import { authorize, checkContentType, JSON_MEDIA_TYPE } from "./headers";
import { resolveRoute } from "./routes";
import type { CarrierxObject } from "./objects";
import {
  editGroup,
  editTrunk,
  removeDid,
  removeGroup,
  removeTrunk,
  requireGroup,
  routeDid,
  seedState,
  sortedDids,
  sortedGroups,
  sortedTrunks,
  trunkRecord,
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
  GET answers as for `token`; POST, PATCH, PUT and DELETE are refused with 403 `{"message": "Forbidden", "errors":
  []}`, changing nothing. Accepted whether or not `token` is set.
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
  /** A copy of the trunk group object as the API answers it (without `trunks`), or undefined for an unknown group. */
  trunkGroup(sid: string): CarrierxObject | undefined;
  /** Copies of the group's trunk objects, ordered by name; the group must exist. */
  trunks(trunkGroupSid: string): CarrierxObject[];
  /** A copy of the trunk object and the sid of the group it lives in, or undefined for an unknown trunk. */
  trunk(sid: string): { trunkGroupSid: string; trunk: CarrierxObject } | undefined;
  /** A change made outside the API ("drift"); the group must exist. */
  setDidTrunkGroup(sid: string, trunkGroupSid: string | null): void;
  /** A group's fields changed by hand (API names, checked as an update is); the group must exist. */
  setTrunkGroupFields(sid: string, fields: CarrierxObject): void;
  /** A trunk's fields changed by hand; the trunk must exist. */
  setTrunkFields(sid: string, fields: CarrierxObject): void;
  /** The DID leaves the partner's account (released): it answers 404 from then on. */
  removeDid(sid: string): void;
  /** A group deleted by hand: refused, as the API refuses it, while DIDs are routed to it or it holds trunks. */
  removeTrunkGroup(sid: string): void;
  /** A trunk deleted by hand. */
  removeTrunk(sid: string): void;
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
    return sortedGroups(this.state).map(({ object }) => ({ sid: object.trunk_group_sid, name: object.name }));
  }

  trunkGroup(sid: string): CarrierxObject | undefined {
    const group = this.state.groups.get(sid);
    return group && structuredClone(group.object);
  }

  trunks(trunkGroupSid: string): CarrierxObject[] {
    return sortedTrunks(requireGroup(this.state, trunkGroupSid)).map((trunk) => structuredClone(trunk));
  }

  trunk(sid: string): { trunkGroupSid: string; trunk: CarrierxObject } | undefined {
    const found = trunkRecord(this.state, sid);
    return found && { trunkGroupSid: found.group.object.trunk_group_sid, trunk: structuredClone(found.trunk) };
  }

  setTrunkGroupFields(sid: string, fields: CarrierxObject): void {
    editGroup(this.state, sid, fields);
  }

  setTrunkFields(sid: string, fields: CarrierxObject): void {
    editTrunk(this.state, sid, fields);
  }

  removeTrunkGroup(sid: string): void {
    removeGroup(this.state, sid);
  }

  removeTrunk(sid: string): void {
    removeTrunk(this.state, sid);
  }

  async handle(request: IncomingMessage, response: ServerResponse, baseUrl: string): Promise<void> {
    const { method, url, body, record } = await this.receive(request);
    try {
      const access = authorize(request.headers, this.token, this.readOnlyTokens);
      const route = resolveRoute(method, url.pathname);
      // A missing scope is refused before the body or the object is looked at, so it changes nothing.
      if (access === "read" && method !== "GET") throw new ApiError(403, "Forbidden");
      if (method === "POST" || method === "PATCH" || method === "PUT") {
        checkContentType(request.headers);
        if (body.kind !== "json") throw new ApiError(400, "No JSON object could be decoded");
      }
      // The path below /core/v2, appended to the base URL the request arrived on.
      const collectionUrl = `${baseUrl}${url.pathname.slice("/core/v2".length)}`;
      const input = {
        state: this.state,
        sid: route.sid,
        trunkSid: route.trunkSid,
        body: record.body,
        query: url.searchParams,
        collectionUrl,
      };
      const answer = route.handler(input);
      if (answer === undefined) response.writeHead(204).end();
      else sendJson(response, 200, JSON_MEDIA_TYPE, answer);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      sendJson(response, error.status, JSON_MEDIA_TYPE, errorBody(error.message, error.errors), error.headers);
    }
  }

  protected fail(response: ServerResponse, error: unknown): void {
    answerFailure(response, error, (detail) => sendJson(response, 500, JSON_MEDIA_TYPE, errorBody(detail)));
  }
}

/**
What a CarrierX handler is given and answers. The routes table (routes.ts) maps a method and a path to one; the
handlers live with what they handle (dids.ts, groups.ts, trunks.ts).
*/

import type { State } from "./state";

/** What a handler needs from the request, once authentication, route and body have been checked. */
export interface HandlerInput {
  readonly state: State;
  /** The first sid in the path (a DID's or a trunk group's); empty for collection paths. */
  readonly sid: string;
  /** The trunk's sid in `/trunk_groups/{sid}/trunks/{trunk_sid}`; empty elsewhere. */
  readonly trunkSid: string;
  readonly body: unknown;
  readonly query: URLSearchParams;
  /** The collection's absolute URL, e.g. http://127.0.0.1:54321/core/v2/phonenumber/dids (for `pagination.next`). */
  readonly collectionUrl: string;
}

/** The object to answer with 200, or undefined for 204 No Content (a delete). */
export type Handler = (input: HandlerInput) => object | undefined;

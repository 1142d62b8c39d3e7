/**
What a CarrierX handler is given and answers. The routes table (routes.ts) maps a method and a path to one; the
handlers live with what they handle (dids.ts, groups.ts).
*/

import type { State } from "./state";

/** What a handler needs from the request, once authentication, route and body have been checked. */
export interface HandlerInput {
  readonly state: State;
  /** The sid in the path; empty for collection paths. */
  readonly sid: string;
  readonly body: unknown;
  readonly query: URLSearchParams;
  /** The collection's absolute URL, e.g. http://127.0.0.1:54321/core/v2/phonenumber/dids (for `pagination.next`). */
  readonly collectionUrl: string;
}

export type Handler = (input: HandlerInput) => object;

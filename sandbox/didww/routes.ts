/**
The DIDWW sandbox's routes: the tables of which handler answers each method on a collection (`/v3/{collection}`)
and on a member (`/v3/{collection}/{id}`), per resource kind. A method a path does not take answers 405, with `Allow`
listing the methods of its table.
*/

import { patchDid } from "./dids";
import { resourceDocument, type RequestContext } from "./documents";
import { methodNotAllowed, recordNotFound, routeNotFound } from "./errors";
import { patchGroup } from "./groups";
import { collectionDocument } from "./lists";
import { kindOfCollection, type Kind, type Naming } from "./naming";

/** What a handler needs from the request, once headers, route and body have been checked. */
export interface HandlerInput {
  readonly include: string | undefined;
  readonly body: unknown;
  /** The query string, one value per name (the last one when a name repeats, as Rails keeps it). */
  readonly query: Readonly<Record<string, string>>;
}

export type Handler = (input: HandlerInput, ctx: RequestContext) => object;
type MemberHandler = (id: string, input: HandlerInput, ctx: RequestContext) => object;

const getHandler =
  (kind: Kind): MemberHandler =>
  (id, input, ctx) => {
    if (!ctx.state.recordsOf(kind).has(id)) throw recordNotFound(id);
    return resourceDocument(kind, id, input.include, ctx);
  };

const patchDidHandler: MemberHandler = (id, input, ctx) => patchDid(id, input.body, input.include, ctx);
const patchGroupHandler: MemberHandler = (id, input, ctx) => patchGroup(id, input.body, input.include, ctx);

const listHandler =
  (kind: Kind): Handler =>
  (input, ctx) =>
    collectionDocument(kind, input.query, ctx);

/** DIDWW accepts PUT as an alias of PATCH. Trunks are read-only here: the sandbox manages routing, not trunks. */
const MEMBER_HANDLERS: Readonly<Record<Kind, Readonly<Record<string, MemberHandler>>>> = {
  dids: { GET: getHandler("dids"), PATCH: patchDidHandler, PUT: patchDidHandler },
  trunks: { GET: getHandler("trunks") },
  groups: { GET: getHandler("groups"), PATCH: patchGroupHandler, PUT: patchGroupHandler },
};

/** Lists only: DIDs are bought through orders, and the sandbox creates no trunks or groups (POST answers 405). */
const COLLECTION_HANDLERS: Readonly<Record<Kind, Readonly<Record<string, Handler>>>> = {
  dids: { GET: listHandler("dids") },
  trunks: { GET: listHandler("trunks") },
  groups: { GET: listHandler("groups") },
};

export const BODY_METHODS = new Set(["POST", "PATCH", "PUT"]);

/**
`/v3/{collection}` and `/v3/{collection}/{id}` of the generation the request's version selects; the other
generation's paths 404.
*/
export function resolveRoute(method: string, path: string, naming: Naming): Handler {
  const match = /^\/v3\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  const kind = match ? kindOfCollection(match[1] ?? "", naming) : undefined;
  if (match === null || kind === undefined) throw routeNotFound(method, path);
  const segment = match[2];
  if (segment === undefined) return handlerFor(COLLECTION_HANDLERS[kind], method, path);
  const id = safeDecode(segment);
  if (id === undefined) throw routeNotFound(method, path);
  const handler = handlerFor(MEMBER_HANDLERS[kind], method, path);
  return (input, ctx) => handler(id, input, ctx);
}

function handlerFor<T>(handlers: Readonly<Record<string, T>>, method: string, path: string): T {
  // Own keys only, so a method named like an Object.prototype member cannot resolve to one.
  const handler = Object.hasOwn(handlers, method) ? handlers[method] : undefined;
  if (handler === undefined) throw methodNotAllowed(method, path, Object.keys(handlers));
  return handler;
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

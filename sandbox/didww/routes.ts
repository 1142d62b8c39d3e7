/**
The DIDWW sandbox's routes: the tables of which handler answers each method on a collection (`/v3/{collection}`)
and on a member (`/v3/{collection}/{id}`), per resource kind. A method a path does not take answers 405, with `Allow`
listing the methods of its table.
*/

import { patchDid } from "./dids";
import { resourceDocument, type RequestContext } from "./documents";
import { methodNotAllowed, recordNotFound, routeNotFound } from "./errors";
import { createGroup, deleteGroup, patchGroup } from "./groups";
import { collectionDocument } from "./lists";
import { kindOfCollection, type Kind, type Naming } from "./naming";
import { answerProblems, type AnswerSchema } from "./schemas";
import { createTrunk, deleteTrunk, patchTrunk, type Reply } from "./trunks";

export type { Reply } from "./trunks";

/** What a handler needs from the request, once headers, route and body have been checked. */
export interface HandlerInput {
  readonly include: string | undefined;
  readonly body: unknown;
  /** The query string, one value per name (the last one when a name repeats, as Rails keeps it). */
  readonly query: Readonly<Record<string, string>>;
}

export type Handler = (input: HandlerInput, ctx: RequestContext) => Reply;
type MemberHandler = (id: string, input: HandlerInput, ctx: RequestContext) => Reply;

const ok = (document: object): Reply => ({ status: 200, document });

const getHandler =
  (kind: Kind): MemberHandler =>
  (id, input, ctx) => {
    if (!ctx.state.recordsOf(kind).has(id)) throw recordNotFound(id);
    return ok(resourceDocument(kind, id, input.include, ctx));
  };

const listHandler =
  (kind: Kind): Handler =>
  (input, ctx) =>
    ok(collectionDocument(kind, input.query, ctx));

/**
Every successful answer on trunks and groups (a document; errors are made by errors.ts in DIDWW's shape) is checked
against DIDWW's response schema for it: one that does not match is a
bug in the sandbox, answered 500 with what is wrong rather than passed to a client as if DIDWW had said it. The
schemas describe the current names, so answers under the pre-2021-12-15 names are not checked.
*/
function checked<H extends (...args: never[]) => Reply>(schema: AnswerSchema, handler: H): H {
  return ((...args: Parameters<H>) => {
    const reply = handler(...args);
    const ctx = args.at(-1) as unknown as RequestContext;
    const current = ctx.version.naming.trunks === "voice_in_trunks";
    const problems = reply.document === undefined || !current ? [] : answerProblems(schema, reply.document);
    if (problems.length > 0) throw new Error(`the sandbox's answer does not match DIDWW's ${schema}: ${problems.join("; ")}`);
    return reply;
  }) as H;
}

const patchDidHandler: MemberHandler = (id, input, ctx) => ok(patchDid(id, input.body, input.include, ctx));
const trunk = {
  get: checked("VoiceInTrunkDocument", getHandler("trunks")),
  patch: checked("VoiceInTrunkDocument", (id: string, input: HandlerInput, ctx: RequestContext) => patchTrunk(id, input.body, input.include, ctx)),
  delete: (id: string, _input: HandlerInput, ctx: RequestContext) => deleteTrunk(id, ctx),
};
const group = {
  get: checked("VoiceInTrunkGroupDocument", getHandler("groups")),
  patch: checked("VoiceInTrunkGroupDocument", (id: string, input: HandlerInput, ctx: RequestContext) => patchGroup(id, input.body, input.include, ctx)),
  delete: (id: string, _input: HandlerInput, ctx: RequestContext) => deleteGroup(id, ctx),
};

/** DIDWW accepts PUT as an alias of PATCH. */
const MEMBER_HANDLERS: Readonly<Record<Kind, Readonly<Record<string, MemberHandler>>>> = {
  dids: { GET: getHandler("dids"), PATCH: patchDidHandler, PUT: patchDidHandler },
  trunks: { GET: trunk.get, PATCH: trunk.patch, PUT: trunk.patch, DELETE: trunk.delete },
  groups: { GET: group.get, PATCH: group.patch, PUT: group.patch, DELETE: group.delete },
};

/** DIDs are bought through orders, so their list takes no POST (405). */
const COLLECTION_HANDLERS: Readonly<Record<Kind, Readonly<Record<string, Handler>>>> = {
  dids: { GET: listHandler("dids") },
  trunks: {
    GET: checked("VoiceInTrunkCollectionDocument", listHandler("trunks")),
    POST: checked("VoiceInTrunkDocument", (input: HandlerInput, ctx: RequestContext) => createTrunk(input.body, input.include, ctx)),
  },
  groups: {
    GET: checked("VoiceInTrunkGroupCollectionDocument", listHandler("groups")),
    POST: checked("VoiceInTrunkGroupDocument", (input: HandlerInput, ctx: RequestContext) => createGroup(input.body, input.include, ctx)),
  },
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

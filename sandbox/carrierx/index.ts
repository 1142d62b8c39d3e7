/**
A stateful local stand-in for the slice of the CarrierX Core API v2 that DID routing touches: DIDs
(`/phonenumber/dids` and `/phonenumber/dids/{did_sid}`), trunk groups (`/trunk_groups` and
`/trunk_groups/{trunk_group_sid}`) and the trunks inside them (`/trunk_groups/{trunk_group_sid}/trunks` and
`…/trunks/{trunk_sid}`).

It answers over real HTTP on 127.0.0.1 so that clients are exercised end to end (headers, JSON bodies, error bodies)
without a CarrierX account. Behaviour follows the project's CarrierX reference: `Authorization: Bearer` tokens,
415 for bodies sent without `application/json`, PATCH changing only the fields sent and PUT replacing the whole
object, objects shaped like the documented samples (trunk groups and trunks created with CarrierX's documented
defaults; POST answers 200, DELETE 204), and errors as `{message, errors: [{field, message,
reference_sid}]}` (the shape the reference calls plausible; CarrierX has not documented it).

Lists follow the documented envelope (`count`, `has_more`, `items`, `limit`, `offset`, `pagination.next`, `total`) and
filter syntax (`<attr> <op> <value>` joined by ` and `), narrowed to what a routing client needs: `eq` on a few
attributes. Anything else the sandbox cannot answer faithfully (another operator or attribute, `order`, cursor
paging) is refused with 400 naming it, rather than ignored, so a client never mistakes a wrong page for a real one.

Decided here where CarrierX is silent: a `trunk_group_sid` of a group the partner does not have is refused with 422
(`reference_sid` naming it), and so is a change of a read-only field or a field an object does not have; a trunk
group that DIDs are routed to or that holds trunks is not deleted (409, an error per kind of user). Names need not be
unique, as at CarrierX (a group made without one is "N/A").

Only Node built-ins are used, so the sandbox can ship inside the package.

Where things are:
- server.ts: createCarrierxSandbox, the CarrierxSandbox interface, and the path of a request
- headers.ts: bearer tokens (and which may only read), the JSON media type
- routes.ts: which handler answers which method on which path (handler.ts: what a handler is given)
- dids.ts, groups.ts, trunks.ts: the handlers of DIDs, trunk groups and trunks
- lists.ts: filter and paging of lists
- objects.ts: trunk group and trunk fields: defaults, which are writable and their values, applying a body
- state.ts: the DIDs, and the groups with their trunks, and the rules between them
- errors.ts: CarrierX's error shape
*/

export type { RecordedRequest } from "../http";
export { createCarrierxSandbox, type CarrierxSandbox, type CarrierxSandboxOptions } from "./server";
export type { CarrierxDid, CarrierxSeed } from "./state";
export type { CarrierxObject } from "./objects";
// For the combined sandbox (../index.ts), which answers for CarrierX in front of it; not part of the public API.
export { errorBody } from "./errors";
export { tokenAccess } from "./headers";

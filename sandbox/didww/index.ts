/**
A stateful local stand-in for the slice of the DIDWW API v3 that DID routing touches: DIDs, Voice IN trunks and
Voice IN trunk groups.

It answers over real HTTP on 127.0.0.1 so that clients are exercised end to end (headers, media types, JSON:API
documents, error bodies) without a DIDWW account. Behaviour follows DIDWW's documentation and recorded sandbox
traffic (see the project's DIDWW reference): `Api-Key` authentication (from version 2026-11-19 bearer tokens, minted
at `/token`), the `X-DIDWW-API-Version` header and the 2021-12-15 rename of `trunks`/`trunk_groups`, relationship
linkage only for included relationships, lists with DIDWW's filters, sort fields and `page[number]`/`page[size]`
pagination, and the jsonapi-resources error shapes and codes DIDWW emits.

One behaviour DIDWW leaves undocumented is decided here on purpose: a DID PATCH that would leave both a trunk and
a trunk group set is refused with 422, even when the request names only one side. The sandbox never clears the
other side on the client's behalf, so a client that works against it also works if the real API is strict. The
other undocumented trunk and group behaviours are decided in assumptions.ts, the same way.

Only Node built-ins and Ajv (for DIDWW's schemas) are used, so the sandbox can ship inside the package.

Where things are, in the order a request meets them:
- server.ts: createDidwwSandbox, the DidwwSandbox interface, and the path of a request (credential, version, route,
  media types, body, answer)
- headers.ts: the `Api-Key` credential, the `Accept` / `Content-Type` rules, the headers of an answer
- tokens.ts: the token service (`POST /token`) and the bearer tokens of version 2026-11-19
- naming.ts: API versions and the two naming generations (`trunks` before 2021-12-15, `voice_in_trunks` after)
- routes.ts: which handler answers which method on which path
- dids.ts, trunks.ts, groups.ts: the writes (PATCH of a DID; POST, PATCH and DELETE of trunks and trunk groups),
  reading their bodies with bodies.ts and checking trunk and group bodies and answers against DIDWW's OpenAPI schemas
  with schemas.ts (openapi.json, an extract of DIDWW's document)
- lists.ts, filters.ts: lists (filter, sort, paging, the collection document)
- documents.ts, resources.ts: rendering resources (attributes, relationships, linkage, include trees)
- state.ts: the records and the invariants between them
- assumptions.ts: what DIDWW has not published (delete semantics, PATCH merging, defaults), decided in one place
- errors.ts: the error catalogue
*/

export type { RecordedRequest } from "../http";
export {
  createDidwwSandbox,
  type DidRouting,
  type DidwwSandbox,
  type DidwwSandboxOptions,
  type TrunkChange,
  type TrunkDetail,
  type TrunkGroupDetail,
  type TrunkGroupSummary,
  type TrunkSummary,
} from "./server";
export type { DidwwSeed } from "./state";
export type { DidwwTokenOptions, DidwwTokens, IssueOptions } from "./tokens";
// For the combined sandbox (../index.ts), which answers for DIDWW in front of it; not part of the public API.
export { internalError } from "./errors";
export { JSON_API_MEDIA_TYPE } from "./naming";

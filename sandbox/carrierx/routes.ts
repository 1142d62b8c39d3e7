/**
The CarrierX sandbox's routes: the table of which handler answers each method on each path below /core/v2. A method
a path does not take answers 405, with `Allow` listing the methods of its row.
*/

import { getDid, listDids, patchDid, putDid } from "./dids";
import { ApiError } from "./errors";
import { createGroup, deleteGroup, getGroup, listGroups, patchGroup, putGroup } from "./groups";
import type { Handler } from "./handler";
import { createTrunk, deleteTrunk, getTrunk, listTrunks, patchTrunk, putTrunk } from "./trunks";

const ROUTES: { pattern: RegExp; handlers: Readonly<Record<string, Handler>> }[] = [
  { pattern: /^\/core\/v2\/phonenumber\/dids$/, handlers: { GET: listDids } },
  { pattern: /^\/core\/v2\/phonenumber\/dids\/([^/]+)$/, handlers: { GET: getDid, PATCH: patchDid, PUT: putDid } },
  { pattern: /^\/core\/v2\/trunk_groups$/, handlers: { GET: listGroups, POST: createGroup } },
  {
    pattern: /^\/core\/v2\/trunk_groups\/([^/]+)$/,
    handlers: { GET: getGroup, PATCH: patchGroup, PUT: putGroup, DELETE: deleteGroup },
  },
  { pattern: /^\/core\/v2\/trunk_groups\/([^/]+)\/trunks$/, handlers: { GET: listTrunks, POST: createTrunk } },
  {
    pattern: /^\/core\/v2\/trunk_groups\/([^/]+)\/trunks\/([^/]+)$/,
    handlers: { GET: getTrunk, PATCH: patchTrunk, PUT: putTrunk, DELETE: deleteTrunk },
  },
];

export function resolveRoute(method: string, path: string): { sid: string; trunkSid: string; handler: Handler } {
  // A collection pattern has no capture group, so `sid` is "" for it; only a trunk's path has a second one.
  for (const { pattern, handlers } of ROUTES) {
    const match = pattern.exec(path);
    if (!match) continue;
    const handler = handlers[method];
    const allow = Object.keys(handlers).join(", ");
    if (handler === undefined) throw new ApiError(405, "Method Not Allowed", [], { allow });
    try {
      return { sid: decodeURIComponent(match[1] ?? ""), trunkSid: decodeURIComponent(match[2] ?? ""), handler };
    } catch {
      break; // a malformed %-escape names no object
    }
  }
  throw new ApiError(404, "Not Found");
}

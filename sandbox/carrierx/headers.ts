/**
The headers of the CarrierX sandbox's conventions: `Authorization: Bearer` tokens, with what each may do, and the
JSON media type of bodies and answers.
*/

import { headerValue } from "../http";
import { ApiError } from "./errors";
import type { IncomingHttpHeaders } from "node:http";

export const JSON_MEDIA_TYPE = "application/json";

/**
The request's bearer token when the sandbox accepts it, and what it may do: "read" for a read-only token, "write" for
any other accepted one; undefined when it is missing or wrong. Also what the fault layer keys rate limits by.
*/
export function tokenAccess(
  headers: IncomingHttpHeaders,
  token: string | undefined,
  readOnlyTokens: readonly string[],
): { token: string; access: "read" | "write" } | undefined {
  const sent = /^Bearer (\S+)$/.exec(headerValue(headers, "authorization") ?? "")?.[1];
  if (sent === undefined) return undefined;
  if (readOnlyTokens.includes(sent)) return { token: sent, access: "read" };
  return token === undefined || sent === token ? { token: sent, access: "write" } : undefined;
}

export function authorize(
  headers: IncomingHttpHeaders,
  token: string | undefined,
  readOnlyTokens: readonly string[],
): "read" | "write" {
  const accepted = tokenAccess(headers, token, readOnlyTokens);
  if (accepted === undefined) throw new ApiError(401, "Bad credentials");
  return accepted.access;
}

/** Media-type parameters (`; charset=utf-8`) are accepted; any other type is not. */
export function checkContentType(headers: IncomingHttpHeaders): void {
  const type = headerValue(headers, "content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== JSON_MEDIA_TYPE) throw new ApiError(415, "Unsupported media type");
}

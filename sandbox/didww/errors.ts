/**
The DIDWW sandbox's error catalogue: DIDWW's JSON:API error objects (`{title, detail, code, source?, status}`) with
the codes, titles and details jsonapi-resources and DIDWW emit. Request handling throws an ApiError; the server turns
it into an `{errors: […]}` document with the error's status and headers.
*/

import { MAX_BODY_BYTES } from "../http";
import { JSON_API_MEDIA_TYPE } from "./naming";

export interface JsonApiError {
  title: string;
  detail: string;
  code: string;
  source?: { pointer: string };
  status: string;
}

/** Thrown by request handling; the dispatcher turns it into an `{errors:[…]}` document. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: JsonApiError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(errors.map((error) => error.detail).join("; "));
    this.name = "ApiError";
  }
}

function apiError(status: number, code: string, title: string, detail: string): ApiError {
  return new ApiError(status, [{ title, detail, code, status: String(status) }]);
}

export const unauthorized = (): ApiError => apiError(401, "401", "Unauthorized", "missing or invalid api-key");

export const routeNotFound = (method: string, path: string): ApiError =>
  apiError(404, "404", "Route not found", `No route matches [${method}] "${path}"`);

export const recordNotFound = (id: string): ApiError =>
  apiError(404, "404", "Record not found", `The record identified by ${id} could not be found.`);

export function methodNotAllowed(method: string, path: string, allowed: readonly string[]): ApiError {
  const error = apiError(405, "405", "Method not allowed", `${method} is not allowed on ${path}.`);
  return new ApiError(error.status, error.errors, { allow: allowed.join(", ") });
}

export const notAcceptable = (): ApiError =>
  apiError(
    406,
    "406",
    "Not acceptable",
    `All requests must accept '${JSON_API_MEDIA_TYPE}' without media type parameters.`,
  );

export const unsupportedMediaType = (contentType: string | undefined): ApiError =>
  apiError(
    415,
    "415",
    "Unsupported media type",
    `All requests that create or update must use the '${JSON_API_MEDIA_TYPE}' Content-Type. ` +
      `This request specified '${contentType ?? ""}'.`,
  );

export const payloadTooLarge = (): ApiError =>
  apiError(413, "413", "Payload too large", `The request body exceeds ${MAX_BODY_BYTES} bytes.`);

export const malformedJson = (reason: string): ApiError =>
  apiError(400, "400", "Bad request", `The request body is not valid JSON: ${reason}`);

export const paramMissing = (name: string): ApiError =>
  apiError(400, "106", "Param missing", `The required parameter, ${name}, is missing.`);

export const paramNotAllowed = (name: string): ApiError =>
  apiError(400, "105", "Param not allowed", `${name} is not allowed.`);

export const invalidDataFormat = (): ApiError => apiError(400, "122", "Invalid data format", "Data must be a hash.");

export const invalidResource = (type: string): ApiError =>
  apiError(400, "101", "Invalid resource", `${type} is not a valid resource.`);

export const keyNotInUrl = (id: string): ApiError =>
  apiError(400, "110", "Key is not included in URL", `The URL does not support the key ${id}`);

export const invalidFieldValue = (name: string, value: unknown): ApiError =>
  apiError(400, "103", "Invalid field value", `${JSON.stringify(value)} is not a valid value for ${name}.`);

export const invalidLinksObject = (): ApiError =>
  apiError(400, "115", "Invalid Links Object", "Data is not a valid Links Object.");

export const typeMismatch = (type: string): ApiError =>
  apiError(400, "116", "Type Mismatch", `${type} is not a valid type for this operation.`);

export const invalidInclude = (name: string, type: string): ApiError =>
  apiError(400, "112", "Invalid field", `${name} is not a valid includable relationship of ${type}`);

export const filterNotAllowed = (name: string): ApiError =>
  apiError(400, "102", "Filter not allowed", `${name} is not allowed.`);

/** `filter=x` instead of `filter[name]=x`. */
export const invalidFiltersSyntax = (value: string): ApiError =>
  apiError(400, "120", "Invalid filters syntax", `${value} is not a valid syntax for filtering.`);

export const invalidSortCriteria = (field: string, type: string): ApiError =>
  apiError(400, "114", "Invalid sort criteria", `${field} is not a valid sort criteria for ${type}`);

/**
jsonapi-resources answers an unknown `page[…]` key with code 105 and this title (its PageParametersNotAllowed);
117 "Invalid Page Object" belongs to a malformed `page` as a whole, not to an extra key.
*/
export const pageParamNotAllowed = (name: string): ApiError =>
  apiError(400, "105", "Page parameter not allowed", `${name} is not an allowed page parameter.`);

export const invalidPageObject = (): ApiError => apiError(400, "117", "Invalid Page Object", "Invalid Page Object.");

export const invalidPageValue = (
  name: "number" | "size",
  value: string,
  detail = `${value} is not a valid value for ${name} page parameter.`,
): ApiError => apiError(400, "118", "Invalid page value", detail);

/** DIDWW reports bad references with attribute-style pointers, even for relationships (`…/voice_in_trunk_id`). */
export function validationError(attribute: string, message: string, pointerField: string = attribute): JsonApiError {
  return {
    title: message,
    detail: `${attribute} - ${message}`,
    code: "100",
    source: { pointer: `/data/attributes/${pointerField}` },
    status: "422",
  };
}

export function throwIfInvalid(errors: JsonApiError[]): void {
  if (errors.length > 0) throw new ApiError(422, errors);
}

/** A bug in the sandbox, answered in DIDWW's error shape (DIDWW documents no 5xx body). */
export const internalError = (detail: string): ApiError => apiError(500, "500", "Internal server error", detail);

/** A delete DIDWW refuses because something still uses the record (reference §6.6, §7.4; see assumptions.ts). */
export const stillInUse = (detail: string): ApiError =>
  new ApiError(422, [{ title: "is still in use", detail, code: "100", status: "422" }]);

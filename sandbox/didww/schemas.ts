/**
DIDWW's own OpenAPI schemas for the trunk and trunk group endpoints (openapi.json, an extract made by
scripts/extract-didww-schemas.mts), checked with Ajv: a request body the schema refuses is answered the way DIDWW
answers such a body (jsonapi-resources' codes), and every answer the sandbox gives on those endpoints must match its
response schema, so the sandbox cannot drift from what DIDWW documents.

Mapping of a schema failure to DIDWW's answer:
- an attribute, relationship or configuration attribute the schema does not list: 400, code 105 "Param not allowed"
  (read-only attributes such as `incoming_auth_password` are not in a request schema, so they land here too);
- a required member missing: 400, code 106 "Param missing", except `name`, which is 422 "can't be blank";
- a value outside an enum: 422 "is not included in the list";
- any other type or format mismatch: 400, code 103 "Invalid field value";
- a malformed id in a relationship is left to the handler, which answers it as DIDWW does an unknown id (422).
*/

import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import extract from "./openapi.json";
import { ApiError, invalidFieldValue, paramMissing, paramNotAllowed, validationError } from "./errors";

export type RequestSchema =
  | "VoiceInTrunkCreateRequest"
  | "VoiceInTrunkUpdateRequest"
  | "VoiceInTrunkGroupCreateRequest"
  | "VoiceInTrunkGroupUpdateRequest";

export type AnswerSchema =
  | "VoiceInTrunkDocument"
  | "VoiceInTrunkCollectionDocument"
  | "VoiceInTrunkGroupDocument"
  | "VoiceInTrunkGroupCollectionDocument"
  | "ErrorsDocument";

type Schema = { [key: string]: unknown };

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

/** Compiled on first use: the sandbox of a test that never touches trunks pays nothing. */
function validator(name: RequestSchema | AnswerSchema): ValidateFunction {
  let validate = compiled.get(name);
  if (validate === undefined) {
    if (ajv === undefined) {
      ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
      addFormats(ajv);
      ajv.addSchema(extract);
    }
    validate = ajv.getSchema(`${extract.$id}#/definitions/${name}`);
    if (validate === undefined) throw new Error(`the DIDWW schema extract has no ${name}`);
    compiled.set(name, validate);
  }
  return validate;
}

const definitions = extract.definitions as Record<string, Schema>;

function child(schema: Schema | undefined, ...path: string[]): Schema | undefined {
  let node: Schema | undefined = schema;
  for (const key of path) node = node?.[key] as Schema | undefined;
  return node;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The request schema's `configuration` alternatives (SIP, PSTN) with the type each stands for. */
function configurationAlternatives(name: RequestSchema): { index: number; type: string; attributes: Schema }[] {
  const anyOf = child(definitions[name], "properties", "data", "properties", "attributes", "properties", "configuration", "anyOf");
  return ((anyOf ?? []) as unknown as Schema[]).map((alternative, index) => ({
    index,
    type: String((child(alternative, "properties", "type", "enum") as unknown as string[] | undefined)?.[0]),
    attributes: child(alternative, "properties", "attributes") ?? {},
  }));
}

/** Names the schema does not list, where DIDWW answers 105: attributes, configuration attributes, relationships. */
function checkNames(name: RequestSchema, data: Record<string, unknown>): number | undefined {
  const dataSchema = child(definitions[name], "properties", "data", "properties");
  const listed = (schema: Schema | undefined) => Object.keys((child(schema, "properties") ?? {}) as Schema);
  const refuseUnlisted = (value: unknown, allowed: string[]) => {
    if (!isObject(value)) return;
    for (const key of Object.keys(value)) if (!allowed.includes(key)) throw paramNotAllowed(key);
  };
  refuseUnlisted(data["attributes"], listed(child(dataSchema, "attributes")));
  refuseUnlisted(data["relationships"], listed(child(dataSchema, "relationships")));
  const configuration = isObject(data["attributes"]) ? data["attributes"]["configuration"] : undefined;
  if (!isObject(configuration)) return undefined;
  const chosen = configurationAlternatives(name).find((alternative) => alternative.type === configuration["type"]);
  if (chosen === undefined) throw invalidFieldValue("type", configuration["type"]);
  refuseUnlisted(configuration["attributes"], listed(chosen.attributes));
  return chosen.index;
}

/** The value at a JSON pointer of the body, for quoting it in a 103. */
function valueAt(body: unknown, pointer: string): unknown {
  let node = body;
  for (const segment of pointer.split("/").slice(1)) node = (node as Record<string, unknown> | undefined)?.[segment];
  return node;
}

function toApiError(error: ErrorObject, body: unknown): ApiError {
  const segments = error.instancePath.split("/").filter((segment) => segment !== "" && !/^\d+$/.test(segment));
  const field = segments.at(-1) ?? "data";
  if (error.keyword === "required") {
    const missing = String((error.params as { missingProperty?: unknown }).missingProperty);
    if (missing === "name" && error.instancePath === "/data/attributes") return new ApiError(422, [validationError("name", "can't be blank")]);
    return paramMissing(missing);
  }
  if (error.keyword === "enum") return new ApiError(422, [validationError(field, "is not included in the list")]);
  return invalidFieldValue(field, valueAt(body, error.instancePath));
}

/**
Refuses a request body the named request schema does not accept, as DIDWW would; the jsonapi envelope (`data`, its
`type` and `id`) is the caller's to check first, with DIDWW's codes for it (bodies.ts).
*/
export function checkRequest(name: RequestSchema, body: Record<string, unknown>): void {
  const data = body["data"] as Record<string, unknown>;
  const chosen = checkNames(name, data);
  const validate = validator(name);
  if (validate(body)) return;
  const relevant = (validate.errors ?? []).filter((error) => {
    if (error.keyword === "anyOf" || error.keyword === "oneOf") return false;
    const branch = /\/configuration\/anyOf\/(\d+)\//.exec(error.schemaPath);
    if (branch !== null && Number(branch[1]) !== chosen) return false;
    return !(error.keyword === "format" && error.instancePath.startsWith("/data/relationships/"));
  });
  const first = relevant[0];
  if (first !== undefined) throw toApiError(first, body);
}

/** What is wrong with an answer under the named response schema (empty when nothing). */
export function answerProblems(name: AnswerSchema, document: unknown): string[] {
  const validate = validator(name);
  if (validate(document)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message ?? error.keyword}`);
}

/**
Request bodies of the DIDWW sandbox's writes: the JSON:API `data` envelope checked the way jsonapi-resources checks
it (each refusal with DIDWW's code), writable attributes with their JSON types, and relationship linkage. What a
write then does with the values is the handler's part (dids.ts, groups.ts).
*/

import {
  invalidDataFormat,
  invalidFieldValue,
  invalidLinksObject,
  invalidResource,
  keyNotInUrl,
  paramMissing,
  paramNotAllowed,
  typeMismatch,
} from "./errors";

export type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const RESOURCE_OBJECT_KEYS = ["type", "id", "attributes", "relationships", "links", "meta"];

interface UpdateRequest {
  readonly attributes: JsonObject;
  readonly relationships: JsonObject;
}

/** Checks the `data` envelope of a PATCH the way jsonapi-resources does, and returns its members. */
export function readUpdateRequest(body: unknown, expectedType: string, urlId: string): UpdateRequest {
  if (!isObject(body) || !("data" in body)) throw paramMissing("data");
  const data = body["data"];
  if (!isObject(data)) throw invalidDataFormat();
  for (const key of Object.keys(data)) {
    if (!RESOURCE_OBJECT_KEYS.includes(key)) throw paramNotAllowed(key);
  }
  const { type, id } = data;
  if (type === undefined || type === null) throw paramMissing("type");
  if (type !== expectedType) throw invalidResource(String(type));
  if (id === undefined || id === null) throw paramMissing("id");
  if (id !== urlId) throw keyNotInUrl(String(id));
  return { attributes: optionalObject(data["attributes"]), relationships: optionalObject(data["relationships"]) };
}

/**
Checks the `data` envelope of a POST: like a PATCH's, except that an id is refused (DIDWW makes the ids; client-made
ids are not allowed by jsonapi-resources' default).
*/
export function readCreateRequest(body: unknown, expectedType: string): UpdateRequest {
  if (!isObject(body) || !("data" in body)) throw paramMissing("data");
  const data = body["data"];
  if (!isObject(data)) throw invalidDataFormat();
  for (const key of Object.keys(data)) {
    if (!RESOURCE_OBJECT_KEYS.includes(key) || key === "id") throw paramNotAllowed(key);
  }
  const type = data["type"];
  if (type === undefined || type === null) throw paramMissing("type");
  if (type !== expectedType) throw invalidResource(String(type));
  return { attributes: optionalObject(data["attributes"]), relationships: optionalObject(data["relationships"]) };
}

function optionalObject(value: unknown): JsonObject {
  if (value === undefined) return {};
  if (!isObject(value)) throw invalidDataFormat();
  return value;
}

export type FieldType = "string" | "nullableString" | "integer" | "nullableInteger" | "boolean";

function matchesFieldType(value: unknown, fieldType: FieldType): boolean {
  if (value === null) return fieldType === "nullableString" || fieldType === "nullableInteger";
  if (fieldType === "boolean") return typeof value === "boolean";
  if (fieldType === "string" || fieldType === "nullableString") return typeof value === "string";
  return Number.isInteger(value);
}

/** Returns the attributes after checking that each one is writable and of the right JSON type. */
export function readAttributes(attributes: JsonObject, writable: Readonly<Record<string, FieldType>>): JsonObject {
  for (const [name, value] of Object.entries(attributes)) {
    const fieldType = writable[name];
    if (fieldType === undefined) throw paramNotAllowed(name);
    if (!matchesFieldType(value, fieldType)) throw invalidFieldValue(name, value);
  }
  return attributes;
}

function readIdentifier(value: unknown, expectedType: string): string {
  if (!isObject(value) || typeof value["type"] !== "string" || typeof value["id"] !== "string") {
    throw invalidLinksObject();
  }
  if (value["type"] !== expectedType) throw typeMismatch(value["type"]);
  return value["id"];
}

/** `{data: {type, id}}` → id, `{data: null}` → null. */
export function readToOne(relationship: unknown, expectedType: string): string | null {
  if (!isObject(relationship) || !("data" in relationship)) throw invalidLinksObject();
  const data = relationship["data"];
  return data === null ? null : readIdentifier(data, expectedType);
}

/** `{data: [{type, id}, …]}` → ids. */
export function readToMany(relationship: unknown, expectedType: string): string[] {
  if (!isObject(relationship) || !Array.isArray(relationship["data"])) throw invalidLinksObject();
  return relationship["data"].map((item: unknown) => readIdentifier(item, expectedType));
}

import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import extract from "../sandbox/didww/openapi.json";

/**
DIDWW's OpenAPI schemas (the committed extract, sandbox/didww/openapi.json, which a test keeps equal to what the
reference document gives) in an Ajv of the tests' own: formats checked, OpenAPI's `nullable` as type unions. What a
test asserts against them is DIDWW's description, not the sandbox's reading of it.
*/
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
ajv.addSchema(extract);

export type DidwwSchema = keyof typeof extract.definitions;

/** Every way `value` breaks the named schema: `/data/attributes/port must be integer,null`; empty when none. */
export function schemaViolations(name: DidwwSchema, value: unknown): string[] {
  const validate = ajv.getSchema(`${extract.$id}#/definitions/${name}`);
  if (validate === undefined) throw new Error(`no schema ${name} in the extract`);
  if (validate(value)) return [];
  return (validate.errors ?? [])
    .filter((error) => error.keyword !== "anyOf" && error.keyword !== "oneOf")
    .map((error) => `${error.instancePath || "/"} ${error.message ?? error.keyword}`);
}

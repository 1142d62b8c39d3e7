/**
`npm run extract-schemas`: writes sandbox/didww/openapi.json, the part of DIDWW's OpenAPI document the sandbox
validates trunk and trunk group requests and answers with, from the document in the project's reference folder.

The sandbox ships in the package and cannot read that folder at run time, hence a committed extract. It holds the
request and response schemas of `/v3/voice_in_trunks` and `/v3/voice_in_trunk_groups` (and the DID update request,
which the wire tests check the client's DID bodies with), every schema they reference, and DIDWW's MIT notice.

OpenAPI 3.0 schemas are not JSON Schema, so three things are rewritten for a JSON Schema validator (Ajv):
- `nullable: true` becomes a type union (`"type": ["string", "null"]`), `null` joins an `enum`, and a nullable
  `$ref` (whose siblings JSON Schema ignores) becomes `anyOf: [{$ref}, {type: "null"}]`;
- `example` (not a JSON Schema keyword) is dropped;
- references move from `#/components/schemas/X` to `#/definitions/X`.

A document's `included` array may hold any of DIDWW's thirty-odd resource types; the extract keeps the ones the
trunk and group endpoints include (trunks, groups, points of presence), which keeps it small.

`--check` writes nothing and exits 1 when the committed extract differs from what the document gives (a test runs
it). Run by Node 24 directly (type stripping): `node scripts/extract-didww-schemas.mts [--check] [DOCUMENT]`.
*/
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DEFAULT_DOCUMENT = path.join(root, "..", "shared", "reference", "didww-openapi-2026-04-16.json");
export const EXTRACT_PATH = path.join(root, "sandbox", "didww", "openapi.json");

/** The schemas the sandbox and the tests name; everything they reference comes along. */
const ROOTS = [
  "VoiceInTrunkCreateRequest",
  "VoiceInTrunkUpdateRequest",
  "VoiceInTrunkDocument",
  "VoiceInTrunkCollectionDocument",
  "VoiceInTrunkGroupCreateRequest",
  "VoiceInTrunkGroupUpdateRequest",
  "VoiceInTrunkGroupDocument",
  "VoiceInTrunkGroupCollectionDocument",
  "DidUpdateRequest",
  "ErrorsDocument",
];

const MIT_NOTICE = `MIT License

Copyright (c) DIDWW

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated \
documentation files (the "Software"), to deal in the Software without restriction, including without limitation the \
rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to \
permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of the \
Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE \
WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR \
COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR \
OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.`;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const SCHEMA_PREFIX = "#/components/schemas/";

/** The resource types a trunk or group document can include (`include=voice_in_trunk_group,pop`, `voice_in_trunks`). */
const INCLUDED = new Set(["VoiceInTrunk", "VoiceInTrunkGroup", "Pop"]);

/** `included.items.oneOf` restricted to INCLUDED (see the module comment); every other schema as it is. */
function pruneIncluded(node: Json): Json {
  if (Array.isArray(node)) return node.map(pruneIncluded);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    const included = key === "included" && isObject(value) ? value : undefined;
    const items = included !== undefined && isObject(included["items"]) ? included["items"] : undefined;
    if (included !== undefined && items !== undefined && Array.isArray(items["oneOf"])) {
      const kept = items["oneOf"].filter(
        (alternative) => isObject(alternative) && INCLUDED.has(String(alternative["$ref"]).slice(SCHEMA_PREFIX.length)),
      );
      out[key] = { ...included, items: { ...items, oneOf: kept } };
    } else out[key] = pruneIncluded(value);
  }
  return out;
}

function referencedNames(node: Json, into: Set<string>): void {
  if (Array.isArray(node)) node.forEach((item) => referencedNames(item, into));
  else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith(SCHEMA_PREFIX)) into.add(value.slice(SCHEMA_PREFIX.length));
      else referencedNames(value, into);
    }
  }
}

/** One OpenAPI 3.0 schema as JSON Schema (see the module comment). */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "example" || key === "nullable") continue;
    if (key === "$ref" && typeof value === "string") out[key] = value.replace(SCHEMA_PREFIX, "#/definitions/");
    // `properties` maps names to schemas: a property may be called "example" or "nullable".
    else if (key === "properties" && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, toJsonSchema(schema)]));
    } else out[key] = toJsonSchema(value);
  }
  if (node["nullable"] !== true) return out;
  if (typeof out["$ref"] === "string") {
    const { $ref, ...rest } = out;
    return { ...rest, anyOf: [{ $ref }, { type: "null" }] };
  }
  if (typeof out["type"] === "string") out["type"] = [out["type"], "null"];
  if (Array.isArray(out["enum"]) && !out["enum"].includes(null)) out["enum"] = [...out["enum"], null];
  if (Array.isArray(out["anyOf"])) out["anyOf"] = [...out["anyOf"], { type: "null" }];
  return out;
}

export function extract(document: JsonObject): JsonObject {
  const components = document["components"];
  const schemas = isObject(components) && isObject(components["schemas"]) ? components["schemas"] : {};
  const info = isObject(document["info"]) ? document["info"] : {};
  const names = new Set<string>();
  const pending = [...ROOTS];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (names.has(name)) continue;
    const original = schemas[name];
    if (original === undefined) throw new Error(`the OpenAPI document has no schema ${name}`);
    const schema = pruneIncluded(original);
    names.add(name);
    const referenced = new Set<string>();
    referencedNames(schema, referenced);
    pending.push(...[...referenced].filter((other) => !names.has(other)));
  }
  const definitions: JsonObject = {};
  for (const name of [...names].sort()) definitions[name] = toJsonSchema(pruneIncluded(schemas[name]!));
  return {
    $comment:
      `Generated by scripts/extract-didww-schemas.mts; do not edit. Schemas from DIDWW's OpenAPI document for the DIDWW ` +
      `API v3, version ${String(info["version"])} (https://github.com/didww/didww-api-3-openapi, openapi/v3_api.json), ` +
      `rewritten as JSON Schema (nullable as type unions; \`included\` limited to trunks, groups and POPs). DIDWW publishes the document under the MIT License:\n\n` +
      MIT_NOTICE,
    $id: "didww-openapi",
    definitions,
  };
}

/** Stable text: two-space JSON, one trailing newline. */
export function render(extracted: JsonObject): string {
  return `${JSON.stringify(extracted, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const check = args.includes("--check");
  const source = args.find((arg) => arg !== "--check") ?? DEFAULT_DOCUMENT;
  const extracted = extract(JSON.parse(readFileSync(source, "utf8")) as JsonObject);
  const text = render(extracted);
  const target = path.relative(root, EXTRACT_PATH);
  if (!check) {
    writeFileSync(EXTRACT_PATH, text);
    process.stdout.write(`wrote ${target}: ${Object.keys(extracted["definitions"] as JsonObject).length} schemas\n`);
  } else if (readFileSync(EXTRACT_PATH, "utf8") !== text) {
    process.stderr.write(`${target} is not what ${source} gives: run npm run extract-schemas\n`);
    process.exit(1);
  }
}

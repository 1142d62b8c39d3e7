import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/**
Every Pulumi project file in the repository (the main job's and each example's) against the rules the Pulumi CLI
applies when it loads a project, before it runs anything. The stand-in engine of the other tests never reads
Pulumi.yaml, so without this a project the CLI refuses passes the suite. Pulumi's rules, from
pulumi/pulumi sdk/go/common/workspace (project.go, project.json) and the project file reference
(https://www.pulumi.com/docs/iac/concepts/projects/project-file/):

- `name`: 1 to 100 letters, digits, `-`, `_` or `.` (sdk/go/common/tokens/project.go, ValidateProjectName).
- `config`, since 3.49 (hierarchical config): a key of another namespace than the project's (`didww:apiKey` in a
  project named `didroute`) carries a value only, plain or as `{value: …}`. A `type` stops the CLI with
  "Configuration key 'didww:apiKey' is not namespaced by the project and should not define a type", a `default` or
  an object without `value` likewise (project.go, Project.Validate); pulumi/templates#477 was the same regression.
  A key of the project's own namespace declares `type`, `items`, `description`, `secret`, `default`, `value`
  (project.json, configTypeDeclaration); an array type needs `items`; not both `default` and `value`.
- `runtime`: `nodejs` (dynamic providers run on Node.js), as a string or `{name, options}` and nothing else
  (project.json); the options the Node.js language host reads are `typescript`, `production` (booleans),
  `tsconfig`, `nodeargs` (strings) and `packagemanager` (auto, npm, yarn, pnpm, bun)
  (sdk/nodejs/cmd/pulumi-language-nodejs/main.go, parseOptions).
- `main`: relative to Pulumi.yaml, defaulting to its directory. The program must be there: the file itself, or in a
  directory, its package.json `main`, else index.ts or index.js (how Node.js resolves the directory).
*/
const root = path.resolve(__dirname, "..");

const NODE_OPTIONS: Record<string, (value: unknown) => boolean> = {
  typescript: (value) => typeof value === "boolean",
  production: (value) => typeof value === "boolean",
  tsconfig: (value) => typeof value === "string",
  nodeargs: (value) => typeof value === "string",
  packagemanager: (value) => typeof value === "string" && ["auto", "npm", "yarn", "pnpm", "bun"].includes(value),
};
const CONFIG_DECLARATION = ["type", "items", "description", "secret", "default", "value"];
const CONFIG_TYPES = ["string", "integer", "boolean", "array", "object"];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Every Pulumi.yaml / Pulumi.yml outside node_modules, dist and dot-directories, relative to the repository. */
function projectFiles(dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === "node_modules" || entry.name === "dist" || entry.name.startsWith(".") ? [] : projectFiles(full);
    }
    return entry.name === "Pulumi.yaml" || entry.name === "Pulumi.yml" ? [path.relative(root, full)] : [];
  });
}

/** Where a Node.js program in `dir` starts, as Node resolves a directory: package.json `main`, else index.ts/js. */
function programEntry(dir: string): string | undefined {
  const manifest = path.join(dir, "package.json");
  if (existsSync(manifest)) {
    const main = JSON.parse(readFileSync(manifest, "utf8")).main;
    if (typeof main === "string") return existsSync(path.join(dir, main)) ? path.join(dir, main) : undefined;
  }
  return ["index.ts", "index.js"].map((file) => path.join(dir, file)).find((file) => existsSync(file));
}

/** A key of another namespace than the project's: a value only (project.go, Project.Validate). */
function foreignKeyProblems(key: string, declared: Record<string, unknown>): string[] {
  const foreign = `Configuration key '${key}' is not namespaced by the project and`;
  if (declared["type"] !== undefined) return [`${foreign} should not define a type`];
  if (declared["default"] !== undefined) return [`${foreign} should not define a default value`];
  if (declared["value"] === undefined) return [`Configuration key '${key}' is namespaced and must provide an attribute 'value'`];
  const extra = Object.keys(declared).filter((attribute) => attribute !== "value");
  return extra.length === 0 ? [] : [`${foreign} carries a value only, not ${extra.join(", ")}`];
}

/** A key of the project's own namespace: a declaration (project.json, configTypeDeclaration; Project.Validate). */
function ownKeyProblems(key: string, declared: Record<string, unknown>): string[] {
  const problems = Object.keys(declared)
    .filter((attribute) => !CONFIG_DECLARATION.includes(attribute))
    .map((attribute) => `config ${key}: '${attribute}' not allowed`);
  const type = declared["type"];
  if (type !== undefined && !CONFIG_TYPES.includes(String(type))) problems.push(`config ${key}: unknown type '${String(type)}'`);
  if (type === "array" && declared["items"] === undefined) {
    problems.push(`The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`);
  }
  if (declared["default"] !== undefined && declared["value"] !== undefined) {
    problems.push(`project config '${key}' cannot have both a 'default' and 'value' attribute`);
  }
  return problems;
}

function configProblems(name: string, config: unknown): string[] {
  if (config === undefined) return [];
  if (!isObject(config)) return ["config: must be a map of keys (a config directory is stackConfigDir)"];
  return Object.entries(config).flatMap(([key, declared]) => {
    // A plain value (or a list) is shorthand: a default for an own key, a value for another namespace's.
    if (!isObject(declared)) return [];
    const own = !key.includes(":") || key.startsWith(`${name}:`);
    return own ? ownKeyProblems(key, declared) : foreignKeyProblems(key, declared);
  });
}

function runtimeProblems(runtime: unknown): string[] {
  if (runtime === "nodejs") return [];
  if (!isObject(runtime)) return [`runtime: must be nodejs or {name: nodejs, options}, got ${JSON.stringify(runtime)}`];
  const problems = Object.keys(runtime)
    .filter((key) => key !== "name" && key !== "options")
    .map((key) => `runtime: '${key}' not allowed`);
  if (runtime["name"] !== "nodejs") problems.push(`runtime.name: must be nodejs, got ${JSON.stringify(runtime["name"])}`);
  const options = runtime["options"] ?? {};
  if (!isObject(options)) return [...problems, "runtime.options: must be a map"];
  for (const [option, value] of Object.entries(options)) {
    const valid = NODE_OPTIONS[option];
    if (valid === undefined) problems.push(`runtime.options: unknown option '${option}' (the Node.js runtime reads ${Object.keys(NODE_OPTIONS).join(", ")})`);
    else if (!valid(value)) problems.push(`runtime.options.${option}: invalid value ${JSON.stringify(value)}`);
  }
  return problems;
}

/** What the Pulumi CLI would refuse in the project file `text` of a project in `dir`, in its words where it has them. */
function projectProblems(text: string, dir: string): string[] {
  const project: unknown = parse(text);
  if (!isObject(project)) return ["expected project to be an object"];
  const name = project["name"];
  if (typeof name !== "string" || name === "") return ["project is missing a non-empty string 'name' attribute"];
  const problems: string[] = [];
  if (name.length > 100) problems.push("project names are limited to 100 characters");
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) problems.push("project names may only contain alphanumerics, hyphens, underscores, and periods");
  problems.push(...runtimeProblems(project["runtime"]), ...configProblems(name, project["config"]));
  const main = project["main"];
  if (main !== undefined && typeof main !== "string") problems.push("main: must be a path");
  const program = path.resolve(dir, typeof main === "string" ? main : ".");
  if (!existsSync(program)) problems.push(`main: ${String(main)} does not exist`);
  else if (statSync(program).isDirectory() && programEntry(program) === undefined) {
    problems.push(`main: ${path.relative(root, program) || "."} has no program (package.json main, index.ts or index.js)`);
  }
  return problems;
}

describe("Pulumi project files, as the Pulumi CLI loads them", () => {
  const files = projectFiles();

  it("finds the main job's and every example's project", () => {
    expect(files.sort()).toEqual(["Pulumi.yaml", "examples/carrierx/Pulumi.yaml", "examples/didww/Pulumi.yaml"]);
  });

  it.each(files)("%s loads: name, runtime, config and main as Pulumi accepts them", (file) => {
    expect(projectProblems(readFileSync(path.join(root, file), "utf8"), path.dirname(path.join(root, file)))).toEqual([]);
  });

  it("refuses what the Pulumi CLI refuses, in its words", () => {
    const dir = path.join(root, "examples", "didww");
    const yaml = (...lines: string[]) => projectProblems(lines.join("\n"), dir);
    // examples/didww/Pulumi.yaml before the fix.
    expect(yaml("name: didroute-didww-example", "runtime: nodejs", "config:", "  didww:apiKey:", "    type: string", "    secret: true")).toEqual([
      "Configuration key 'didww:apiKey' is not namespaced by the project and should not define a type",
    ]);
    expect(yaml("name: my project", "runtime:", "  name: nodejs", "  options:", "    typescrpt: true", "main: src/")).toEqual([
      "project names may only contain alphanumerics, hyphens, underscores, and periods",
      "runtime.options: unknown option 'typescrpt' (the Node.js runtime reads typescript, production, tsconfig, nodeargs, packagemanager)",
      "main: src/ does not exist",
    ]);
    expect(
      yaml(
        "name: p",
        "runtime: python",
        "config:",
        "  didww:endpoint: https://sandbox-api.didww.com/v3",
        "  carrierx:token: {secret: true}",
        "  didww:apiVersion: {value: 2026-04-16, description: pinned}",
        "  p:region: {default: a, value: b}",
        "  sizes: {type: array}",
      ),
    ).toEqual([
      'runtime: must be nodejs or {name: nodejs, options}, got "python"',
      "Configuration key 'carrierx:token' is namespaced and must provide an attribute 'value'",
      "Configuration key 'didww:apiVersion' is not namespaced by the project and carries a value only, not description",
      "project config 'p:region' cannot have both a 'default' and 'value' attribute",
      "The configuration key 'sizes' declares an array but does not specify the underlying type via the 'items' attribute",
    ]);
  });
});

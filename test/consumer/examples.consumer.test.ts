import { existsSync, readdirSync } from "node:fs";
import { cp, mkdir, symlink } from "node:fs/promises";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runToEnd } from "../run-to-end";
import { projectDir } from "../setup/projects";

/**
The example programs as a user who copied one out of the repository compiles them: the example's own files and
tsconfig.json (what Pulumi's TypeScript support reads), with pulumi-didroute installed from the `npm pack` tarball, so
its types come through the package's `exports` as a user's do. `npm run typecheck` also checks them, with the
repository's stricter options, but it maps pulumi-didroute straight to dist/ (tsconfig.check.json `paths`).
*/
const root = path.resolve(__dirname, "../..");
const examples = path.join(root, "examples");
const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
let project: string;

const programs = readdirSync(examples, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(path.join(examples, entry.name, "tsconfig.json")))
  .map((entry) => entry.name);

beforeAll(async () => {
  project = projectDir("consumer");
  // The examples' devDependency, as their `npm install` adds it.
  await mkdir(path.join(project, "node_modules", "@types"), { recursive: true });
  await symlink(path.join(root, "node_modules", "@types", "node"), path.join(project, "node_modules", "@types", "node"), "dir");
});

describe("the examples, copied out and compiled against the installed package", () => {
  it("are the DIDWW and CarrierX programs", () => {
    expect(programs.sort()).toEqual(["carrierx", "didww"]);
  });

  it("each type-checks with its own tsconfig.json", async () => {
    const copies = programs.map((name) => path.join(project, name));
    for (const [i, name] of programs.entries()) {
      await cp(path.join(examples, name), copies[i]!, { recursive: true, filter: (source) => path.basename(source) !== "node_modules" });
    }
    // `tsc --build` checks each project with its own options, in one process (which then reads the libraries once).
    const configs = copies.map((copy) => path.join(copy, "tsconfig.json"));
    expect(await runToEnd(process.execPath, [tsc, "--build", "--noEmit", ...configs], { cwd: project, env: process.env })).toEqual({
      code: 0,
      stdout: "",
      stderr: "",
    });
  });
});

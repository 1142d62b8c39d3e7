import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { USER_AGENT } from "../provider/http";

describe("test runtime and package metadata", () => {
  it("runs on Node 24, installed by the project's own devDependency", () => {
    // npm scripts put node_modules/.bin (the `node` package) first on PATH; the machine's Node may be older.
    expect(Number(process.versions.node.split(".")[0])).toBe(24);
  });

  it("sends the package's own version in User-Agent", () => {
    const { version } = JSON.parse(readFileSync(path.join(__dirname, "..", "package.json"), "utf8"));
    expect(USER_AGENT).toBe(`pulumi-didroute/${version}`);
  });
});

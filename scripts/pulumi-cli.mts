/**
Which Pulumi CLI `npm run demo` runs, checked to work before the demo starts anything.

1. A `pulumi` on PATH, as the user installed it. Inside `npm run`, node_modules/.bin comes first on PATH and holds the
   `pulumi` npm package's own shim, so that directory (and any other link to the package's run.js) does not count.
2. Otherwise the `pulumi` devDependency: Pulumi's official npm package, whose run.js runs the CLI of its own version
   from $PULUMI_HOME/versions/<version>/bin (default ~/.pulumi, the cache the Automation API shares) and downloads it
   there on first use (https://get.pulumi.com/install.sh).

When neither works (no CLI on PATH and no download possible), `findPulumi` returns the one line to show the user.
*/
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, realpathSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import * as path from "node:path";

export const INSTALL_DOCS = "https://www.pulumi.com/docs/iac/download-install/";

/** How to run the CLI: `command ...prefix <pulumi args>`, and where it came from, for the demo's first line. */
export interface PulumiCli {
  command: string;
  prefix: string[];
  source: string;
}

function realpathOrSelf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Every `pulumi` on PATH, in PATH order, that is not a shim of the npm package (`runJs`, when it is installed). */
function pulumisOnPath(root: string, runJs: string | undefined): string[] {
  const exe = process.platform === "win32" ? "pulumi.exe" : "pulumi";
  const projectBin = realpathOrSelf(path.join(root, "node_modules", ".bin"));
  const shim = runJs === undefined ? undefined : realpathOrSelf(runJs);
  return (process.env["PATH"] ?? "")
    .split(path.delimiter)
    .filter((dir) => dir !== "" && realpathOrSelf(dir) !== projectBin)
    .map((dir) => path.join(dir, exe))
    .filter((file) => isExecutableFile(file) && realpathOrSelf(file) !== shim);
}

/** The npm package's run.js and version, or undefined when it is not installed (`npm ci --omit=dev`). */
function npmPackage(root: string): { runJs: string; version: string } | undefined {
  const require = createRequire(path.join(root, "package.json"));
  try {
    const runJs = require.resolve("pulumi/run.js");
    const manifest = require("pulumi/package.json") as { version: string };
    // The package runs $PULUMI_VERSION instead of its own version when that is set.
    return { runJs, version: process.env["PULUMI_VERSION"] || manifest.version };
  } catch {
    return undefined;
  }
}

/** `pulumi version` through the package's run.js: exit code and stderr; a download it starts is announced on stdout. */
function runPackage(runJs: string, versionsDir: string, version: string): Promise<{ code: number; stderr: string; downloaded: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [runJs, "version"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let downloaded = false;
    child.stdout.resume();
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!downloaded && stderr.includes("Downloading pulumi v")) {
        downloaded = true;
        process.stdout.write(`Downloading the Pulumi CLI v${version} into ${path.join(versionsDir, version)} (first use of the pulumi npm package)...\n`);
      }
    });
    child.on("error", (error) => resolve({ code: 1, stderr: error.message, downloaded }));
    child.on("close", (code) => resolve({ code: code ?? 1, stderr, downloaded }));
  });
}

/** What the package said last, as one line: `pulumi: fetch failed` becomes `fetch failed`. */
function lastWords(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("Downloading pulumi v"));
  return (lines.at(-1) ?? "no message").replace(/^pulumi: /, "");
}

/** The CLI the demo will run, proven to answer `pulumi version`; or the one line saying why there is none. */
export async function findPulumi(root: string): Promise<PulumiCli | { problem: string }> {
  const pkg = npmPackage(root);
  for (const file of pulumisOnPath(root, pkg?.runJs)) {
    const probe = spawnSync(file, ["version"], { encoding: "utf8" });
    if (probe.error === undefined && probe.status === 0) {
      const version = probe.stdout.trim();
      return { command: file, prefix: [], source: `${version === "" ? "" : `${version}, `}${file} (on PATH)` };
    }
  }
  const needs = "npm run demo needs the Pulumi CLI: none is on PATH, and";
  if (pkg === undefined) {
    return { problem: `${needs} the pulumi npm package is not installed (npm ci installs it); install the CLI by hand: ${INSTALL_DOCS}` };
  }
  const versionsDir = path.join(process.env["PULUMI_HOME"] || path.join(homedir(), ".pulumi"), "versions");
  const ran = await runPackage(pkg.runJs, versionsDir, pkg.version);
  if (ran.code !== 0) {
    const what = ran.downloaded ? `could not download v${pkg.version}` : `could not run v${pkg.version}`;
    return { problem: `${needs} the pulumi npm package ${what} (${lastWords(ran.stderr)}); install the CLI by hand: ${INSTALL_DOCS}` };
  }
  return {
    command: process.execPath,
    prefix: [pkg.runJs],
    source: `v${pkg.version} from the pulumi npm package (${path.join(versionsDir, pkg.version)})`,
  };
}

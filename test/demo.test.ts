import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runToEnd, type Ended } from "./run-to-end";

/**
`npm run demo` (scripts/demo.mts) without the real Pulumi CLI, which cannot be installed here, in the three ways it finds
one: a CLI on PATH, the CLI the `pulumi` npm package keeps in $PULUMI_HOME/versions/<version>, and a download that
fails. The CLI is a stand-in that records its calls: the commands the demo runs and the environment it gives them.
Whether the real CLI applies the program is what the end-to-end suite proves through the provider host.

Nothing reaches beyond 127.0.0.1: every run has Node's environment proxy on (NODE_USE_ENV_PROXY) pointing at a loopback
proxy that refuses every tunnel, so the package's download of https://get.pulumi.com/install.sh fails there.
*/
const root = path.resolve(__dirname, "..");
const demo = path.join(root, "scripts", "demo.mts");
const nodeDir = path.dirname(process.execPath);
// npm run puts the project's node_modules/.bin first on PATH; it holds the pulumi package's own `pulumi` shim.
const projectBin = path.join(root, "node_modules", ".bin");
const packageVersion: string = JSON.parse(readFileSync(path.join(root, "node_modules", "pulumi", "package.json"), "utf8")).version;

const tunnels: string[] = [];
let proxy: Server;
let proxyUrl: string;

beforeAll(async () => {
  proxy = createServer((socket) => {
    socket.once("data", (data: Buffer) => {
      tunnels.push(data.toString().split("\r\n")[0]!);
      socket.end("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
});

const scratches: string[] = [];
function scratch(prefix: string): string {
  scratches.push(mkdtempSync(path.join(tmpdir(), prefix)));
  return scratches.at(-1)!;
}

afterAll(async () => {
  for (const dir of scratches) rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
});

/** Writes a `pulumi` into `dir` that records each call; `preview --expect-no-changes` fails as the real CLI does on changes. */
function standIn(dir: string): string {
  const log = path.join(scratch("didroute-demo-test-log-"), "calls.jsonl");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, "pulumi"),
    `#!${process.execPath}
const fs = require("node:fs");
const args = process.argv.slice(2);
const e = process.env;
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ args, backend: e.PULUMI_BACKEND_URL, passphrase: e.PULUMI_CONFIG_PASSPHRASE,
  didww: e.DIDWW_ENDPOINT, carrierx: e.CARRIERX_ENDPOINT, key: e.DIDWW_API_KEY, token: e.CARRIERX_TOKEN, cwd: process.cwd(),
  firstOnPath: e.PATH.split(${JSON.stringify(path.delimiter)})[0] }) + "\\n");
process.exit(args[0] === "preview" && args.includes("--expect-no-changes") ? 255 : 0);
`,
  );
  chmodSync(path.join(dir, "pulumi"), 0o755);
  return log;
}

interface Run extends Ended {
  /** The demo's TMPDIR, where it makes its throwaway backend. */
  tmp: string;
}

async function run(PATH: string[], pulumiHome: string): Promise<Run> {
  const tmp = scratch("didroute-demo-test-tmp-");
  const env = {
    PATH: PATH.join(path.delimiter),
    HOME: scratch("didroute-demo-test-home-"),
    PULUMI_HOME: pulumiHome,
    TMPDIR: tmp,
    NODE_USE_ENV_PROXY: "1",
    HTTPS_PROXY: proxyUrl,
    NO_PROXY: "127.0.0.1,localhost",
  };
  return { ...(await runToEnd(process.execPath, [demo], { cwd: root, env })), tmp };
}

/** What the demo did with a working CLI: the calls it made, their environment, its output, and nothing left behind. */
function expectFullRun(result: Run, log: string): { firstOnPath: string }[] {
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  const calls = readFileSync(log, "utf8").trim().split("\n").map((line) => JSON.parse(line));
  expect(calls.map((c) => c.args.join(" "))).toEqual([
    "version",
    "stack init demo --non-interactive",
    "up --yes --non-interactive --stack demo",
    "preview --refresh --expect-no-changes --non-interactive --stack demo",
    "up --refresh --yes --non-interactive --stack demo",
    "destroy --yes --non-interactive --stack demo",
    "stack rm demo --yes --non-interactive",
  ]);
  for (const call of calls.slice(1)) {
    expect(call.cwd).toBe(root);
    expect(call.backend.startsWith(`file://${path.join(result.tmp, "didroute-demo-")}`)).toBe(true);
    expect(call.passphrase).toBeTruthy();
    expect(call.didww).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v3$/);
    expect(call.carrierx).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/core\/v2$/);
    expect([call.key, call.token]).toEqual(["demo-didww-key", "demo-carrierx-token"]);
  }
  // The backend and the stack file are removed, so nothing of the demo is left in the checkout or the temp dir.
  expect(readdirSync(result.tmp)).toEqual([]);
  expect(existsSync(path.join(root, "Pulumi.demo.yaml"))).toBe(false);
  expect(result.stdout).toContain("Changed behind Pulumi's back: +16091609123456797 now rings trunk pbx-london");
  // The stand-in's `up` applies nothing, so the plan lists all of routing.yaml; the hand change is among it.
  expect(result.stdout).toContain("\n$ npx didroute plan routing.yaml --detailed-exitcode\nrouting.yaml: 10 changes, 0 in sync\n\n");
  expect(result.stdout).toContain(
    "\n~ DIDWW DID +16091609123456797 (routing.yaml:16)\n    now:   trunk pbx-london\n    wants: trunk pbx-frankfurt\n",
  );
  expect(result.stdout).toContain("didroute plan exited 2 (2: drift)");
  // The stand-in always exits 255 there, as the real CLI does on a change: this checks how the demo reports it (the
  // drift itself is found for real by didroute plan, above; the engine suites prove preview --refresh finds it).
  expect(result.stdout).toContain("pulumi preview --refresh found the drift and exited 255");
  expect(result.stdout).toMatch(/DIDWW +\+16091609123456799 +trunk pbx-lab/);
  return calls;
}

describe("npm run demo", () => {
  it("prefers a Pulumi CLI on PATH to the pulumi package's shim that npm run puts before it", async () => {
    const bin = scratch("didroute-demo-test-bin-");
    const log = standIn(bin);
    const asked = tunnels.length;

    const result = await run([projectBin, bin, nodeDir], scratch("didroute-demo-test-pulumi-home-"));
    expectFullRun(result, log);
    expect(result.stdout.split("\n")[0]).toBe(`Pulumi CLI: ${path.join(bin, "pulumi")} (on PATH)`);
    expect(tunnels.length).toBe(asked);
  });

  it("without a CLI on PATH, runs the CLI the pulumi npm package keeps in $PULUMI_HOME/versions/<its version>", async () => {
    const pulumiHome = scratch("didroute-demo-test-pulumi-home-");
    const cached = path.join(pulumiHome, "versions", packageVersion, "bin");
    const log = standIn(cached);
    const asked = tunnels.length;

    const result = await run([projectBin, nodeDir], pulumiHome);
    const calls = expectFullRun(result, log);
    // The package's run.js puts the CLI's directory first on PATH (for the language hosts beside it).
    expect(calls.map((c) => c.firstOnPath)).toEqual(calls.map(() => cached));
    expect(result.stdout.split("\n")[0]).toBe(
      `Pulumi CLI: v${packageVersion} from the pulumi npm package (${path.join(pulumiHome, "versions", packageVersion)})`,
    );
    expect(tunnels.length).toBe(asked);
  });

  it("when the CLI cannot be downloaded, says so in one line, exits 1 and starts nothing", async () => {
    const pulumiHome = scratch("didroute-demo-test-pulumi-home-");
    const asked = tunnels.length;

    const result = await run([projectBin, nodeDir], pulumiHome);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `npm run demo needs the Pulumi CLI: none is on PATH, and the pulumi npm package could not download v${packageVersion} ` +
        "(fetch failed); install the CLI by hand: https://www.pulumi.com/docs/iac/download-install/\n",
    );
    expect(result.stdout).toBe(
      `Downloading the Pulumi CLI v${packageVersion} into ${path.join(pulumiHome, "versions", packageVersion)} ` +
        "(first use of the pulumi npm package)...\n",
    );
    // The package tried get.pulumi.com, through the loopback proxy only.
    expect(tunnels.slice(asked)).toEqual(["CONNECT get.pulumi.com:443 HTTP/1.1"]);
    // Checked before anything started: no sandbox (it would have printed its URLs), no backend or install script in
    // the temp dir, no stack file, nothing in PULUMI_HOME. runToEnd returns once every process holding the demo's
    // output has ended, so nothing is left running either.
    expect(result.stdout).not.toContain("Sandbox:");
    expect(readdirSync(result.tmp)).toEqual([]);
    expect(readdirSync(pulumiHome)).toEqual([]);
    expect(existsSync(path.join(root, "Pulumi.demo.yaml"))).toBe(false);
  });
});

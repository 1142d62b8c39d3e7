/**
`npm run demo`: the product in two minutes, with no DIDWW or CarrierX account and no Pulumi account.

1. starts the embedded sandbox with the example world (examples/sandbox.yaml);
2. applies the root program (routing.yaml) to it with `pulumi up`, state in a temporary local file backend;
3. prints the routing table the sandbox now holds;
4. changes one route behind Pulumi's back, as someone in the DIDWW portal would;
5. shows `didroute plan --detailed-exitcode` and `pulumi preview --refresh --expect-no-changes` finding it (and
   failing, as a CI drift check would);
6. reverts it with `pulumi up --refresh`, destroys the demo stack and removes its state.

Runs a Pulumi CLI on PATH, or else the one the `pulumi` devDependency (Pulumi's npm package) downloads on first use
(scripts/pulumi-cli.mts). It checks the CLI answers before it starts anything: when there is none and none can be
downloaded, it says so in one line and exits 1, leaving no sandbox, temporary directory or stack file behind.
Run by Node 24 directly (type stripping).
*/
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { createSandbox, loadSeed, type Sandbox } from "../dist/sandbox/index.js";
import { findPulumi, type PulumiCli } from "./pulumi-cli.mts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const STACK = "demo";

/** Runs `pulumi …` in the project with the demo's environment; resolves to its exit code, output shown as it comes. */
function pulumi(cli: PulumiCli, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  process.stdout.write(`\n$ pulumi ${args.join(" ")}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(cli.command, [...cli.prefix, ...args], { cwd: root, env, stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

/** Runs the package's `didroute` command (the built CLI) in the project; resolves to its exit code. */
function didroute(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  process.stdout.write(`\n$ npx didroute ${args.join(" ")}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, "dist", "cli", "index.js"), ...args], { cwd: root, env, stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

async function must(cli: PulumiCli, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const code = await pulumi(cli, args, env);
  if (code !== 0) throw new Error(`pulumi ${args[0]} failed with exit code ${code}`);
}

function routingTable(sandbox: Sandbox): string {
  const trunks = new Map(sandbox.didww.trunks().map((t) => [t.id, t.name]));
  const groups = sandbox.didww.trunkGroups();
  const groupNames = new Map(groups.map((g) => [g.id, g.name]));
  const cxGroups = new Map(sandbox.carrierx.trunkGroups().map((g) => [g.sid, g.name]));
  const rows: string[][] = [["system", "number", "rings"]];
  for (const did of sandbox.didww.dids()) {
    const target = did.trunkId
      ? `trunk ${trunks.get(did.trunkId)}`
      : did.trunkGroupId
        ? `trunk group ${groupNames.get(did.trunkGroupId)}`
        : "(nothing)";
    rows.push(["DIDWW", `+${did.number}`, target]);
  }
  for (const did of sandbox.carrierx.dids()) {
    const group = did.trunk_group_sid === null ? "(nothing)" : `trunk group ${cxGroups.get(did.trunk_group_sid)}`;
    rows.push(["CarrierX", `+${did.phonenumber}`, group]);
  }
  for (const group of groups) {
    rows.push(["DIDWW", `group ${group.name}`, group.trunkIds.map((id) => trunks.get(id)).join(", ") || "(no trunks)"]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n");
}

async function main(): Promise<number> {
  const cli = await findPulumi(root);
  if ("problem" in cli) {
    process.stderr.write(`${cli.problem}\n`);
    return 1;
  }
  process.stdout.write(`Pulumi CLI: ${cli.source}\n`);
  const apiKey = "demo-didww-key";
  const token = "demo-carrierx-token";
  const sandbox = createSandbox({ seed: loadSeed(path.join(root, "examples", "sandbox.yaml")), apiKey, token });
  const urls = await sandbox.listen(0);
  const backend = mkdtempSync(path.join(tmpdir(), "didroute-demo-"));
  // The providers and the program read these when no stack config is set; nothing is written to Pulumi.demo.yaml.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: "didroute-demo",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    DIDWW_ENDPOINT: urls.didww,
    DIDWW_API_KEY: apiKey,
    CARRIERX_ENDPOINT: urls.carrierx,
    CARRIERX_TOKEN: token,
  };
  process.stdout.write(`Sandbox: DIDWW ${urls.didww}, CarrierX ${urls.carrierx}\n\nBefore:\n${routingTable(sandbox)}\n`);
  try {
    await must(cli, ["stack", "init", STACK, "--non-interactive"], env);
    await must(cli, ["up", "--yes", "--non-interactive", "--stack", STACK], env);
    process.stdout.write(`\nAfter pulumi up (routing.yaml applied):\n${routingTable(sandbox)}\n`);

    const did = sandbox.didww.dids().find((d) => d.number === "16091609123456797");
    const london = sandbox.didww.trunks().find((t) => t.name === "pbx-london");
    if (did === undefined || london === undefined) throw new Error("the example seed no longer has +16091609123456797 or pbx-london");
    sandbox.didww.setDidRouting(did.id, { trunkId: london.id, trunkGroupId: null });
    process.stdout.write("\nChanged behind Pulumi's back: +16091609123456797 now rings trunk pbx-london (routing.yaml says pbx-frankfurt)\n");

    const planned = await didroute(["plan", "routing.yaml", "--detailed-exitcode"], env);
    process.stdout.write(`\ndidroute plan exited ${planned} (2: drift), from a few batched reads and without Pulumi state\n`);
    const drift = await pulumi(cli, ["preview", "--refresh", "--expect-no-changes", "--non-interactive", "--stack", STACK], env);
    process.stdout.write(
      drift === 0
        ? "\npulumi preview --refresh did NOT find the change: this is a bug, please report it\n"
        : `\npulumi preview --refresh found the drift and exited ${drift}: a scheduled CI job fails the same way\n`,
    );
    await must(cli, ["up", "--refresh", "--yes", "--non-interactive", "--stack", STACK], env);
    process.stdout.write(`\nAfter pulumi up --refresh (drift reverted):\n${routingTable(sandbox)}\n`);
    await must(cli, ["destroy", "--yes", "--non-interactive", "--stack", STACK], env);
    await must(cli, ["stack", "rm", STACK, "--yes", "--non-interactive"], env);
    return drift === 0 || planned !== 2 ? 1 : 0;
  } finally {
    await sandbox.close();
    rmSync(backend, { recursive: true, force: true });
    rmSync(path.join(root, `Pulumi.${STACK}.yaml`), { force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

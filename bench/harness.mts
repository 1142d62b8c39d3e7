/**
What both parts of the bench (run.mts, drift.mts) measure with: dynamic-provider hosts started as the Pulumi CLI starts
them, configured for the sandbox, and ended however the bench ends; the captured provider text; requests sent all at
once and timed; and the figures (rounding, quantiles, tables, goals). Linux only (/proc).
*/
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type { Sandbox } from "../dist/sandbox/index.js";
// The tests' host launcher, reused as is: it starts the host exactly as the Pulumi CLI does.
import { captureProviders, secret, startHost, type Host } from "../test/engine/host.ts";
import { API_KEY } from "./world.mts";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// --- Processes -----------------------------------------------------------------------------------------------------

interface ProcInfo {
  pid: number;
  ppid: number;
  /** Process group. */
  pgrp: number;
  cmdline: string;
  zombie: boolean;
}

function processes(): ProcInfo[] {
  const list: ProcInfo[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // After "(comm) ": state, ppid, pgrp, ...
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ");
      list.push({ pid: Number(entry), ppid: Number(ppid), pgrp: Number(pgrp), cmdline, zombie: state === "Z" });
    } catch {
      // exited while listing
    }
  }
  return list;
}

/** Live processes of a process group. */
function members(group: number): ProcInfo[] {
  return processes().filter((p) => p.pgrp === group && !p.zombie);
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
Host launchers are started detached (their own process group, as the CLI starts them: the launcher is `sh`, the host
its child), so a Ctrl-C at the terminal does not reach them. Each group is recorded as soon as it is spawned and
removed once it is empty; whatever is left when this process exits, however it exits (end, failure, uncaught error,
SIGINT, SIGTERM, SIGHUP), is killed.
*/
const openGroups = new Set<number>();
process.on("exit", () => {
  for (const group of openGroups) kill(-group, "SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => process.exit(128 + os.constants.signals[signal]));
}

/** Starts a host, its process group recorded in openGroups from the moment it exists (spawn is synchronous). */
async function startRecordedHost(env: Record<string, string | undefined>): Promise<{ host: Host; node: number }> {
  const starting = startHost(root, env);
  const launcher = processes().find((p) => p.ppid === process.pid && p.pgrp === p.pid && !openGroups.has(p.pid));
  if (launcher !== undefined) openGroups.add(launcher.pid);
  const host = await starting;
  if (launcher === undefined) {
    await host.close();
    throw new Error("cannot find the host launcher among this process's children");
  }
  // The host is started as node itself (test/engine/host.ts); earlier through a launcher, whose child it was.
  const node = launcher.cmdline.includes("dynamic-provider")
    ? launcher
    : members(launcher.pid).find((p) => p.ppid === launcher.pid && p.cmdline.includes("dynamic-provider"));
  if (node === undefined) {
    await host.close();
    throw new Error(`cannot find the host's node process under the launcher ${launcher.pid}`);
  }
  return { host, node: node.pid };
}

/**
A host configured, as the engine configures it, for the sandbox's DIDWW API (or `endpoint`, another server in front of
it) with the provider's limiter at `maxRequestsPerSecond` ("0": off). `node` is the host's own process (the launcher
is its parent). End it with endHosts.
*/
export async function startConfiguredHost(
  sandbox: Sandbox | { endpoint: string },
  maxRequestsPerSecond: string,
  env: Record<string, string | undefined> = { HOME: process.env["HOME"] },
): Promise<{ host: Host; node: number }> {
  const started = await startRecordedHost(env);
  try {
    const { provider, Struct } = started.host.proto;
    const configure = new provider.ConfigureRequest();
    configure.setArgs(
      Struct.fromJavaScript({
        "didww:apiKey": secret(API_KEY),
        "didww:endpoint": "endpoint" in sandbox ? sandbox.endpoint : sandbox.urls.didww,
        "didww:maxRequestsPerSecond": maxRequestsPerSecond,
      }),
    );
    await started.host.rpc("configure", configure);
    return started;
  } catch (error) {
    await endHosts(started.host);
    throw error;
  }
}

/** Host processes that had to be killed after close (reported: close alone should end them). */
export const leftBehind: number[] = [];

/** Ends every host process still open: closes each host, then kills whatever of its group is still alive after 5 s. */
export async function endHosts(host: Host | undefined): Promise<void> {
  if (host !== undefined) await Promise.race([host.close().catch(() => {}), sleep(5000)]);
  for (const group of openGroups) {
    const deadline = Date.now() + (host !== undefined ? 5000 : 0);
    while (members(group).length > 0 && Date.now() < deadline) await sleep(50);
    const left = members(group);
    if (left.length > 0) {
      leftBehind.push(...left.map((p) => p.pid));
      kill(-group, "SIGKILL");
    }
    openGroups.delete(group);
  }
}

/** A process's peak resident memory (VmHWM) in MiB, or null where /proc does not say. */
export function peakMemoryMiB(pid: number): number | null {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? round(Number(match[1]) / 1024, 1) : null;
}

/** The `__provider` text of each resource kind, as a program serializes it (test/engine's capture), with API_KEY. */
export function providerTexts(): Promise<Record<string, string>> {
  return captureProviders(root, API_KEY, path.join(root, "test", "engine", "capture-providers.cjs"));
}

/** Runs Node with `args` in the repository, timed from spawn to exit. */
export function runProcess(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ wallMs: number; exitCode: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let wallMs = NaN;
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", () => (wallMs = performance.now() - started));
    child.on("close", (code) => resolve({ wallMs, exitCode: code, stdout, stderr }));
  });
}

// --- All at once ---------------------------------------------------------------------------------------------------

export interface Burst {
  /** performance.now() when the first was sent. */
  t0: number;
  /** From the first sent to the last answered. */
  wallMs: number;
  /** Of each, from sent to answered or failed, in the order they ended. */
  latencies: number[];
  failures: number;
  /** The first five failures, each as `label: why` (the gRPC details when there are some). */
  failureSamples: string[];
}

/** Sends every item at once and times them; a `send` that throws is a failure. */
export async function sendAll<T>(items: readonly T[], label: (item: T) => string, send: (item: T) => Promise<void>): Promise<Burst> {
  const latencies: number[] = [];
  const failureSamples: string[] = [];
  let failures = 0;
  let last = 0;
  const t0 = performance.now();
  await Promise.all(
    items.map(async (item) => {
      const sent = performance.now();
      try {
        await send(item);
      } catch (error) {
        failures += 1;
        if (failureSamples.length < 5) failureSamples.push(`${label(item)}: ${(error as any)?.details ?? String(error)}`);
      } finally {
        const now = performance.now();
        latencies.push(now - sent);
        last = Math.max(last, now);
      }
    }),
  );
  return { t0, wallMs: last - t0, latencies, failures, failureSamples };
}

// --- Figures -------------------------------------------------------------------------------------------------------

export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Rows (header first) as aligned columns: the first to the left, the others to the right. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ");
      return i === 0 ? `${line}\n${widths.map((w) => "-".repeat(w)).join("  ")}` : line;
    })
    .join("\n");
}

export interface Goal {
  goal: string;
  actual: string | number;
  pass: boolean;
}

/** "  PASS  goal: actual" (MISS when it is not met), after `about: ` when given. */
export function goalLine({ goal, actual, pass }: Goal, about?: string): string {
  return `  ${pass ? "PASS" : "MISS"}  ${about === undefined ? "" : `${about}: `}${goal}: ${actual}`;
}

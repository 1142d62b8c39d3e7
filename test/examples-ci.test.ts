import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { PlannedChange } from "../routing/plan";
import { createSandbox, loadSeed, type Sandbox } from "../sandbox";
import { applyPlan } from "./planned-requests";
import { runToEnd } from "./run-to-end";
import { scratchDir } from "./scratch";

/**
examples/ci/routing.yml: the triggers and jobs it promises, and the shell of its didroute steps run as GitHub would
run them (bash, a GITHUB_STEP_SUMMARY file), with `npx didroute` as the built CLI, against the
sandbox: which steps pass and fail on drift, in sync, and on an error.
*/
const root = path.resolve(__dirname, "..");
const cli = path.join(root, "dist", "cli", "index.js");
const KEY = "ci-didww-key-4e1a";
const TOKEN = "ci-carrierx-token-93b0";

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, any>;
  jobs: Record<string, { if: string; steps: Step[]; concurrency?: { group: string; "cancel-in-progress": boolean } }>;
}

const workflow = parse(readFileSync(path.join(root, "examples", "ci", "routing.yml"), "utf8")) as Workflow;

function step(job: string, name: string): Step {
  const found = workflow.jobs[job]?.steps.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no step "${name}" in job ${job}`);
  return found;
}

let sandbox: Sandbox;
let urls: { didww: string; carrierx: string };
let workspace: string;
const scratch = scratchDir("didroute-ci-");
beforeEach(async () => {
  sandbox = createSandbox({ seed: loadSeed(path.join(root, "examples", "sandbox.yaml")), apiKey: KEY, token: TOKEN });
  urls = await sandbox.listen(0);
  workspace = mkdtempSync(path.join(scratch, "ci-"));
  copyFileSync(path.join(root, "routing.yaml"), path.join(workspace, "routing.yaml"));
});
afterEach(() => sandbox?.close());

/**
A step's `run` script as GitHub runs a `bash` step (`bash --noprofile --norc -eo pipefail {0}`), in the checked-out
workspace. Without --norc, a bash whose stdin is a socket (as a child process's is here) reads ~/.bashrc.
*/
async function runStep(script: string, env: Record<string, string> = {}) {
  const summary = path.join(workspace, "summary.md");
  writeFileSync(summary, "");
  // `npx didroute …` is the package's bin; here the built CLI.
  const prelude = `npx() { [ "$1" = didroute ] || exit 99; shift; node ${JSON.stringify(cli)} "$@"; }\n`;
  const ended = await runToEnd("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", prelude + script], {
    cwd: workspace,
    env: {
      PATH: process.env["PATH"] ?? "",
      GITHUB_STEP_SUMMARY: summary,
      DIDWW_ENDPOINT: urls.didww,
      DIDWW_API_KEY: KEY,
      CARRIERX_ENDPOINT: urls.carrierx,
      CARRIERX_TOKEN: TOKEN,
      ...env,
    },
  });
  return { ...ended, summary: readFileSync(summary, "utf8") };
}

/** Brings the sandbox in line with routing.yaml by sending the plan's requests, as the apply job's `pulumi up` does. */
async function apply(): Promise<void> {
  const changes = async () => JSON.parse((await runStep("npx didroute plan routing.yaml --format json")).stdout).changes as PlannedChange[];
  // The declared trunk first; then the DID that rings it, planned again with the trunk's id.
  expect(await applyPlan(changes, { urls, apiKey: KEY, token: TOKEN })).toEqual([9, 1]);
}

describe("examples/ci/routing.yml", () => {
  it("plans on pull requests, applies on main one at a time, and checks for drift on a schedule", () => {
    expect(Object.keys(workflow.on).sort()).toEqual(["pull_request", "push", "schedule", "workflow_dispatch"]);
    expect(workflow.on["pull_request"].paths).toContain("routing.yaml");
    expect(workflow.on["push"].branches).toEqual(["main"]);
    expect(workflow.on["schedule"]).toHaveLength(1);
    expect(workflow.jobs["plan"]!.if).toBe("github.event_name == 'pull_request'");
    expect(workflow.jobs["apply"]!.if).toBe("github.event_name == 'push'");
    expect(workflow.jobs["apply"]!.concurrency).toEqual({ group: "routing-apply", "cancel-in-progress": false });
    expect(workflow.jobs["drift"]!.if).toContain("github.event_name == 'schedule'");
    const pulumi = (job: string) => workflow.jobs[job]!.steps.filter((s) => s.uses?.startsWith("pulumi/actions@"));
    expect(pulumi("plan").map((s) => s.with)).toEqual([expect.objectContaining({ command: "preview", refresh: true })]);
    expect(pulumi("apply").map((s) => s.with)).toEqual([expect.objectContaining({ command: "up", refresh: true })]);
    expect(step("plan", "Validate routing.yaml (offline, problems at their line)").run).toBe("npx didroute validate routing.yaml");
  });

  it("drift: the plan step passes and writes the Markdown; the drift step fails with an annotation; the post-apply check fails", async () => {
    const planned = await runStep(step("plan", "Plan against the live APIs").run!);
    expect(planned.code).toBe(0);
    const comment = readFileSync(path.join(workspace, "plan.md"), "utf8");
    expect(comment.split("\n")[0]).toBe("### didroute plan: 10 changes");
    expect(planned.summary).toBe(comment);

    const drift = await runStep(step("drift", "Drift check (batched reads; exit 2 on drift fails the job)").run!);
    expect(drift.code).toBe(2);
    expect(drift.stdout).toContain("::error title=Routing drift::the live routing differs from routing.yaml");
    expect(drift.summary.split("\n")[0]).toBe("### didroute plan: 10 changes");

    const check = await runStep(step("apply", "Check that the live routing now matches routing.yaml").run!);
    expect(check.code).toBe(2);
  });

  it("in sync: every step passes, and the drift job says so in its summary", async () => {
    await apply();
    const drift = await runStep(step("drift", "Drift check (batched reads; exit 2 on drift fails the job)").run!);
    expect(drift.code).toBe(0);
    expect(drift.stdout).not.toContain("::error");
    expect(drift.summary.split("\n")[0]).toBe("### didroute plan: in sync");
    expect((await runStep(step("apply", "Check that the live routing now matches routing.yaml").run!)).code).toBe(0);
    expect((await runStep(step("plan", "Plan against the live APIs").run!)).code).toBe(0);
  });

  it("an error (a refused key) fails the plan and drift steps, without a drift annotation", async () => {
    const env = { DIDWW_API_KEY: "revoked-key-0000" };
    expect((await runStep(step("plan", "Plan against the live APIs").run!, env)).code).toBe(1);
    const drift = await runStep(step("drift", "Drift check (batched reads; exit 2 on drift fails the job)").run!, env);
    expect(drift.code).toBe(1);
    expect(drift.stdout).not.toContain("::error title=Routing drift");
  });
});

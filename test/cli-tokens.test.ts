import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, loadSeed, type Sandbox } from "../sandbox";
import { runToEnd } from "./run-to-end";

/**
Least privilege in CI with DIDWW API 2026-11-19: `didroute token --scope read` mints a token that can only read, and
`didroute plan` and `didroute validate --online`, which never write, work with nothing else (no API key in their
environment). The built CLI in child processes against the sandbox, as a CI job runs it.
*/
const root = path.resolve(__dirname, "..");
const cli = path.join(root, "dist", "cli", "index.js");
const KEY = "ci-didww-key-73a1";
const CARRIERX_TOKEN = "ci-carrierx-token-0c55";

let sandbox: Sandbox;
let urls: { didww: string; carrierx: string };
beforeEach(async () => {
  sandbox = createSandbox({ seed: loadSeed(path.join(root, "examples", "sandbox.yaml")), apiKey: KEY, token: CARRIERX_TOKEN });
  urls = await sandbox.listen(0);
});
afterEach(() => sandbox?.close());

function didroute(args: string[], env: Record<string, string>) {
  const base = { PATH: process.env["PATH"] ?? "", CARRIERX_ENDPOINT: urls.carrierx, CARRIERX_TOKEN };
  return runToEnd(process.execPath, [cli, ...args], { cwd: root, env: { ...base, ...env } });
}

const claims = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8"));

describe("a read-only DIDWW token for plan and validate --online", () => {
  it("didroute token --scope read prints a read token alone; plan and validate --online work with it and write nothing", async () => {
    const minted = await didroute(["token", "--scope", "read"], { DIDWW_API_KEY: KEY, DIDWW_ENDPOINT: urls.didww });
    expect(minted.code).toBe(0);
    expect(minted.stderr).toMatch(/^didroute token: expires at \d{4}-\d\d-\d\dT[\d:.]+Z\n$/);
    const token = minted.stdout.trim();
    expect(minted.stdout).toBe(`${token}\n`);
    expect(claims(token)).toMatchObject({ scope: "read", aud: ["api.didww.com"] });
    expect(sandbox.didww.requests.map((r) => [r.path, r.body])).toEqual([["/token", { aud: ["api.didww.com"], scope: "read" }]]);

    // The CI job's environment: a token, no key.
    const job = { DIDWW_ACCESS_TOKEN: token, DIDWW_API_VERSION: "2026-11-19", DIDWW_ENDPOINT: urls.didww };
    const before = { dids: sandbox.didww.dids(), groups: sandbox.didww.trunkGroups() };
    const plan = await didroute(["plan", "routing.yaml", "--format", "json", "--detailed-exitcode"], job);
    expect(plan.stderr).toBe("");
    expect(plan.code).toBe(2);
    const changes = JSON.parse(plan.stdout).changes as { system: string; request: { method: string; path: string; body: unknown } }[];
    expect(changes.filter((c) => c.system === "DIDWW")).toHaveLength(6);
    const validate = await didroute(["validate", "routing.yaml", "--online"], job);
    expect(validate).toMatchObject({ code: 0, stderr: "" });
    expect(validate.stdout).toMatch(/^routing\.yaml: valid and resolved/);

    const reads = sandbox.didww.requests.slice(1);
    expect(reads.length).toBeGreaterThan(0);
    for (const request of reads) {
      expect(request.method).toBe("GET");
      expect(request.headers).toMatchObject({ authorization: `Bearer ${token}`, "x-didww-api-version": "2026-11-19" });
      expect(request.headers["api-key"]).toBeUndefined();
    }
    expect({ dids: sandbox.didww.dids(), groups: sandbox.didww.trunkGroups() }).toEqual(before);

    // The token is what makes this safe: the plan's own first request, sent with it, is refused.
    const write = changes.find((c) => c.system === "DIDWW")!.request;
    const refused = await fetch(`${new URL(urls.didww).origin}${write.path}`, {
      method: write.method,
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/vnd.api+json",
        "x-didww-api-version": "2026-11-19",
      },
      body: JSON.stringify(write.body),
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("www-authenticate")).toBe('Bearer error="insufficient_scope"');
  });

  it("with the API key instead, plan mints one token for its whole run; the key never reaches the API or the output", async () => {
    const plan = await didroute(["plan", "routing.yaml"], { DIDWW_API_KEY: KEY, DIDWW_API_VERSION: "2026-11-19", DIDWW_ENDPOINT: urls.didww });
    expect(plan.code).toBe(0);
    const requests = sandbox.didww.requests;
    expect(requests.filter((r) => r.path === "/token")).toHaveLength(1);
    expect(requests[0]!.headers["api-key"]).toBe(KEY);
    for (const request of requests.slice(1)) {
      expect(request.headers["api-key"]).toBeUndefined();
      expect(request.headers["authorization"]).toMatch(/^Bearer /);
    }
    expect(plan.stdout + plan.stderr).not.toContain(KEY);
  });

  it("didroute token says why it cannot mint, with exit 1, and refuses a scope it does not know, with exit 2", async () => {
    const refused = await didroute(["token"], { DIDWW_API_KEY: "wrong-key-5f", DIDWW_ENDPOINT: urls.didww });
    expect(refused).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "didroute token: DIDWW's token service refused the API key (401 on POST /token): the key is missing or " +
        "invalid, belongs to the other environment (sandbox or production), or this address is not among the key's " +
        'allowed IP addresses. Set it with "pulumi config set --secret didww:apiKey <key>" or DIDWW_API_KEY. DIDWW ' +
        "said: missing or invalid api-key\n",
    });
    const usage = await didroute(["token", "--scope", "write"], { DIDWW_API_KEY: KEY, DIDWW_ENDPOINT: urls.didww });
    expect(usage.code).toBe(2);
    expect(usage.stderr.split("\n")[0]).toBe(
      'didroute token: --scope takes only "read" (leave it out for the key\'s full access), got "write"',
    );
    expect(sandbox.didww.requests).toHaveLength(1);
  });
});

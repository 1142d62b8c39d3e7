import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { derivedId } from "../sandbox/seed";

/** The built CLI, as `npx didroute` runs it; `npm test` builds before vitest runs. */
const CLI = join(__dirname, "..", "dist", "cli", "index.js");
const DIDWW_DID = "9df99644-f1a5-4a3c-99a4-559d758eb96b";

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** How it ended, once it has and everything it printed has arrived. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once `ready()` holds after some output arrived; rejects if the process exits first. */
  until(ready: () => boolean, what: string): Promise<void>;
}

const children = new Set<ChildProcess>();

function didroute(...args: string[]): Run {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let stdout = "";
  let stderr = "";
  const waiting = new Set<() => void>();
  const arrived = () => {
    for (const check of [...waiting]) check();
  };
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    arrived();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    arrived();
  });
  // "close" rather than "exit": the process has ended and so have both pipes, so what it printed is all there.
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("close", (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  const closed = exit.then(() => undefined);
  const until = (ready: () => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!ready()) return;
        waiting.delete(check);
        resolve();
      };
      waiting.add(check);
      check();
      void closed.then(() => {
        if (!waiting.has(check)) return;
        waiting.delete(check);
        reject(new Error(`didroute ended before it printed ${what}; stdout: ${stdout} stderr: ${stderr}`));
      });
    });
  return { child, stdout: () => stdout, stderr: () => stderr, exit, until };
}

/** A JSON answer, typed loosely as tests read it. */
const json = async (response: Response): Promise<any> => response.json();

/**
The two base URLs from stdout, once the sandbox is listening and has printed its hint: the URLs go to stdout and the
hint to stderr, two pipes that arrive in either order.
*/
async function urlsOf(run: Run): Promise<{ didww: string; carrierx: string }> {
  const didww = () => /^DIDWW\s+(\S+)$/m.exec(run.stdout())?.[1];
  const carrierx = () => /^CarrierX\s+(\S+)$/m.exec(run.stdout())?.[1];
  await run.until(() => didww() !== undefined && carrierx() !== undefined && run.stderr().includes("Stop with Ctrl-C.\n"), "its URLs");
  return { didww: didww()!, carrierx: carrierx()! };
}

/** No test leaves a sandbox process behind, whatever failed. */
async function killAll(): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGKILL");
        }),
    ),
  );
  children.clear();
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first ("npm test" builds before testing)`);
});
afterEach(killAll);
afterAll(killAll);

describe("didroute sandbox", () => {
  const dir = mkdtempSync(join(tmpdir(), "didroute-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("serves both APIs of the default seed on one port, prints the URLs, and exits 0 on SIGTERM", async () => {
    const run = didroute("sandbox", "--port", "0", "--api-key", "k", "--token", "t", "--read-only-api-key", "ro", "--token-lifetime", "30");
    const urls = await urlsOf(run);
    expect(urls.didww).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v3$/);
    expect(urls.carrierx).toBe(urls.didww.replace(/\/v3$/, "/core/v2"));
    // stdout carries the URLs and nothing else, so scripts can read it.
    expect(run.stdout()).toBe(`DIDWW     ${urls.didww}\nCarrierX  ${urls.carrierx}\n`);
    expect(run.stderr()).toContain(`DIDWW_ENDPOINT=${urls.didww}`);
    expect(run.stderr()).toContain(`CARRIERX_ENDPOINT=${urls.carrierx}`);
    expect(run.stderr()).not.toContain("=k ");

    const did = await fetch(`${urls.didww}/dids/${DIDWW_DID}`, { headers: { "Api-Key": "k" } });
    expect(did.status).toBe(200);
    expect((await json(did)).data.attributes.number).toBe("442037691880");
    expect((await fetch(`${urls.didww}/dids/${DIDWW_DID}`, { headers: { "Api-Key": "other" } })).status).toBe(401);
    // DIDWW API 2026-11-19: tokens minted at /token on the same port, read-only for the read-only key.
    const token = async (key: string) => json(await fetch(`${new URL(urls.didww).origin}/token`, { method: "POST", headers: { "Api-Key": key } }));
    expect(await token("ro")).toMatchObject({ scope: "read", expires_in: 30 });
    expect(await token("k")).toMatchObject({ scope: "write", expires_in: 30 });
    const bearer = { Authorization: `Bearer ${(await token("k")).access_token}`, "X-DIDWW-API-Version": "2026-11-19" };
    expect((await fetch(`${urls.didww}/dids/${DIDWW_DID}`, { headers: bearer })).status).toBe(200);
    expect(run.stderr()).toContain("export DIDWW_API_VERSION=2026-11-19");
    const filter = encodeURIComponent('phonenumber eq "15162065574"');
    const list = await fetch(`${urls.carrierx}/phonenumber/dids?filter=${filter}`, { headers: { Authorization: "Bearer t" } });
    expect(list.status).toBe(200);
    expect((await json(list)).items[0].trunk_group_sid).toBe(derivedId("carrierx", "trunkGroup", "us-west"));

    run.child.kill("SIGTERM");
    expect(await run.exit).toEqual({ code: 0, signal: null });
  });

  it("takes a seed file and fault flags, and exits 0 on SIGINT", async () => {
    const seed = join(dir, "world.yaml");
    writeFileSync(seed, 'carrierx:\n  trunkGroups: [{ name: only }]\n  dids: [{ number: "+15550001", trunkGroup: only }]\n');
    const run = didroute("sandbox", "--port", "0", "--seed", seed, "--rate", "1", "--retry-after", "4");
    const urls = await urlsOf(run);
    const get = () => fetch(`${urls.carrierx}/phonenumber/dids`, { headers: { Authorization: "Bearer any" } });
    const first = await get();
    expect((await json(first)).items.map((did: { phonenumber: string }) => did.phonenumber)).toEqual(["15550001"]);
    const second = await get();
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toBe("4");
    // The seed's world only: DIDWW starts empty.
    expect((await fetch(`${urls.didww}/dids/${DIDWW_DID}`, { headers: { "Api-Key": "x" } })).status).toBe(404);
    run.child.kill("SIGINT");
    expect(await run.exit).toEqual({ code: 0, signal: null });
  });

  it("--help explains every option and exits 0", async () => {
    const run = didroute("sandbox", "--help");
    expect(await run.exit).toEqual({ code: 0, signal: null });
    for (const flag of ["--port", "--seed", "--api-key", "--read-only-api-key", "--token-lifetime", "--token", "--rate", "--latency", "--error-rate", "--drop-rate", "--retry-after", "--random-seed"]) {
      expect(run.stdout()).toContain(flag);
    }
    expect(run.stdout()).toContain("default 8765");
  });

  it("refuses a bad command line with exit 2 and one line naming the flag", async () => {
    const cases: [string[], string][] = [
      [["--bogus"], "Unknown option '--bogus'"],
      [["--rate", "abc"], '--rate must be a whole number of at least 0, not "abc"'],
      [["--latency=-5"], '--latency must be a number of at least 0, not "-5"'],
      [["--latency", "-5"], '--latency got a value starting with "-"'],
      [["--error-rate", "1.5"], '--error-rate must be a number from 0 to 1, not "1.5"'],
      [["--drop-rate", "0.7", "--error-rate", "0.7"], "--error-rate and --drop-rate together must not exceed 1"],
      [["--port", "65536"], '--port must be a whole number up to 65535, not "65536"'],
      [["--token-lifetime", "0"], '--token-lifetime must be a number greater than 0, not "0"'],
    ];
    for (const [args, message] of cases) {
      const run = didroute("sandbox", ...args);
      expect(await run.exit, args.join(" ")).toEqual({ code: 2, signal: null });
      expect(run.stderr()).toContain(`didroute sandbox: ${message}`);
      expect(run.stderr().trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(run.stdout()).toBe("");
    }
  });

  it("exits 1 naming the file when the seed is missing or wrong (file:line:col), or the port is taken", async () => {
    const missing = join(dir, "missing.yaml");
    const noFile = didroute("sandbox", "--port", "0", "--seed", missing);
    expect(await noFile.exit).toEqual({ code: 1, signal: null });
    expect(noFile.stderr()).toBe(`didroute sandbox: ${missing}: cannot read the seed: no such file\n`);

    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "didww:\n  dids:\n    - number: \"+1555\"\n      trunk: pbx-nowhere\n");
    const badSeed = didroute("sandbox", "--port", "0", "--seed", bad);
    expect(await badSeed.exit).toEqual({ code: 1, signal: null });
    expect(badSeed.stderr()).toBe(`didroute sandbox: ${bad}:4:14: unknown trunk "pbx-nowhere"\n`);

    const first = didroute("sandbox", "--port", "0");
    const port = new URL((await urlsOf(first)).didww).port;
    const second = didroute("sandbox", "--port", port);
    expect(await second.exit).toEqual({ code: 1, signal: null });
    expect(second.stderr()).toContain(`port ${port} is in use`);
  });
});

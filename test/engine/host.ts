import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import { promisify } from "node:util";

/**
Starts @pulumi/pulumi's dynamic-provider host as `pulumi up` does (the command its `pulumi-resource-pulumi-nodejs`
launcher runs, with the @pulumi/pulumi that `cwd`, the Pulumi project directory, resolves), and talks to it over gRPC
with the request messages the engine sends. Nothing of the provider runs in the test process.
*/
export interface Host {
  /** Sends one RPC; resolves with the response message or rejects with the gRPC error (message in `details`). */
  rpc<T = any>(method: string, request: unknown): Promise<T>;
  /** Everything the host printed after its port line, in arrival order: what the Pulumi CLI shows as its log. */
  output(): string;
  /**
  Resolves once everything the host printed before this call is in `output()`. The host's output comes through pipes
  that this process reads on its own schedule, so an RPC's answer can arrive before a line the provider printed while
  handling it.
  */
  drain(): Promise<void>;
  /** False once the host process has exited. */
  alive(): boolean;
  close(): Promise<void>;
  proto: {
    provider: any;
    Struct: any;
  };
}

/** The secret envelope the engine wraps secret config values in. */
export function secret(value: string): Record<string, string> {
  return { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value };
}

/**
Process groups of hosts not yet closed. Whatever ends this process (a file's end, a failed start, a test that never
reached its clean-up) first kills them: hosts are detached, so nothing else would.
*/
const openGroups = new Set<number>();
process.on("exit", () => {
  for (const group of openGroups) killGroup(group, "SIGKILL");
});

function killGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error; // the whole group has already gone
  }
}

export async function startHost(cwd: string, env: Record<string, string | undefined>): Promise<Host> {
  const pulumiDir = path.dirname(createRequire(path.join(cwd, "/")).resolve("@pulumi/pulumi/package.json"));
  const fromPulumi = createRequire(path.join(pulumiDir, "/"));
  // The generated stubs check `instanceof`, so the messages must come from the same copies the host uses.
  const grpc = fromPulumi("@grpc/grpc-js");
  const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb");
  const provider = fromPulumi("./proto/provider_pb");
  const { ResourceProviderClient } = fromPulumi("./proto/provider_grpc_pb");

  // What @pulumi/pulumi's launcher, pulumi-resource-pulumi-nodejs, runs: `node <the dynamic-provider host that the
  // project resolves> <engine address>`, in the project directory. The launcher finds that path with a `node -e`
  // of its own, which cost a tenth of each host's start; the path is the one resolved here.
  const hostScript = fromPulumi.resolve("./cmd/dynamic-provider/index.js");
  const child: ChildProcess = spawn(process.execPath, [hostScript, "127.0.0.1:0"], {
    cwd,
    env: {
      ...env,
      // The host may start `node` from PATH (the CLI passes the user's): make it this Node (24).
      PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env["PATH"] ?? ""}`,
      // Node's on-disk cache of compiled modules (vitest.config.mts sets it): loading @pulumi/pulumi is most of a
      // host's start, and the cache changes how fast the same code loads, nothing else.
      ...(process.env["NODE_COMPILE_CACHE"] ? { NODE_COMPILE_CACHE: process.env["NODE_COMPILE_CACHE"] } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so closing ends it and anything it started.
    detached: true,
  });
  openGroups.add(child.pid!);
  // "close" rather than "exit": it also waits for the pipes (the node host holds them), so output() is complete.
  const closed = new Promise((resolve) => child.once("close", resolve)).finally(() => openGroups.delete(child.pid!));
  // Until the port line arrives stdout is only that; afterwards both streams go to the log as they arrive.
  let portLine: string | undefined = "";
  let log = "";
  const markers = new Set<() => void>();
  let drains = 0;
  const started = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not start:\n${portLine}\n${log}`)), 20_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      if (portLine === undefined) {
        log += chunk.toString();
        return;
      }
      portLine += chunk.toString();
      const newline = portLine.indexOf("\n");
      if (newline >= 0) {
        clearTimeout(timer);
        log += portLine.slice(newline + 1);
        resolve(Number(portLine.slice(0, newline)));
        portLine = undefined;
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      for (const check of [...markers]) check();
    });
    child.on("exit", (code) => reject(new Error(`host exited with ${code}:\n${portLine ?? ""}\n${log}`)));
  });
  const port = await started.catch((error: unknown) => {
    killGroup(child.pid!, "SIGKILL");
    throw error;
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

  return {
    proto: { provider, Struct },
    rpc: (method, request) =>
      new Promise((resolve, reject) => {
        client[method](request, (error: unknown, response: any) => (error ? reject(error) : resolve(response)));
      }),
    output: () => log,
    alive,
    drain: async () => {
      // A Check whose provider text throws makes the host print `<error>: <stack>` to stderr, synchronously (stderr
      // is a pipe) and before it answers. Without a stack it is one short line, written at once. When that line has
      // arrived, so has everything printed before it; the line itself is cut out.
      const marker = `pulumi-didroute-test-drain-${++drains}`;
      const line = `Error: ${marker}: \n`;
      const arrived = new Promise<void>((resolve) => {
        const check = () => {
          const at = log.indexOf(line);
          if (at < 0) return;
          log = log.slice(0, at) + log.slice(at + line.length);
          markers.delete(check);
          resolve();
        };
        markers.add(check);
      });
      const request = new provider.CheckRequest();
      request.setUrn("urn:pulumi:test::didroute::pulumi-nodejs:dynamic:Drain::drain");
      request.setOlds(Struct.fromJavaScript({}));
      request.setNews(Struct.fromJavaScript({ __provider: `throw Object.assign(new Error(${JSON.stringify(marker)}), { stack: "" });` }));
      await new Promise<void>((resolve) => client.check(request, () => resolve()));
      // A host that has exited prints nothing more: once its pipes have closed, output() is all there is.
      await Promise.race([arrived, closed]);
    },
    close: async () => {
      client.close();
      killGroup(child.pid!, "SIGTERM");
      await closed;
    },
  };
}

/**
The `__provider` text of each kind (`didww:DidTrunkAssignment`, ...), as a program run under Pulumi's mocks in `cwd`
serializes it (capture-providers.cjs), with `secretValue` as every credential. `script` is for callers that Node
runs as ES modules (the bench), where `__dirname` does not exist.
*/
export async function captureProviders(
  cwd: string,
  secretValue: string,
  script: string = path.join(__dirname, "capture-providers.cjs"),
): Promise<Record<string, string>> {
  const { stdout } = await promisify(execFile)(process.execPath, [script], {
    cwd,
    env: { ...process.env, CAPTURE_SECRET: secretValue, DIDWW_API_KEY: secretValue, CARRIERX_TOKEN: secretValue },
  });
  const byType = JSON.parse(stdout) as Record<string, string>;
  const providers: Record<string, string> = {};
  for (const [type, text] of Object.entries(byType)) {
    // pulumi-nodejs:dynamic/didww:DidTrunkAssignment -> didww:DidTrunkAssignment
    providers[type.replace(/^pulumi-nodejs:dynamic\//, "")] = text;
  }
  return providers;
}

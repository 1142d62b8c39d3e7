import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import { promisify } from "node:util";

/**
Starts @pulumi/pulumi's dynamic-provider host exactly as `pulumi up` does, through the `pulumi-resource-pulumi-nodejs`
launcher of the @pulumi/pulumi that `cwd` (the Pulumi project directory) resolves, and talks to it over gRPC with the
request messages the engine sends. Nothing of the provider runs in the test process.
*/
export interface Host {
  /** Sends one RPC; resolves with the response message or rejects with the gRPC error (message in `details`). */
  rpc<T = any>(method: string, request: unknown): Promise<T>;
  /** Everything the host printed after its port line: what the Pulumi CLI shows as the provider's log. */
  output(): string;
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

export async function startHost(cwd: string, env: Record<string, string | undefined>): Promise<Host> {
  const pulumiDir = path.dirname(createRequire(path.join(cwd, "/")).resolve("@pulumi/pulumi/package.json"));
  const fromPulumi = createRequire(path.join(pulumiDir, "/"));
  // The generated stubs check `instanceof`, so the messages must come from the same copies the host uses.
  const grpc = fromPulumi("@grpc/grpc-js");
  const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb");
  const provider = fromPulumi("./proto/provider_pb");
  const { ResourceProviderClient } = fromPulumi("./proto/provider_grpc_pb");

  const child: ChildProcess = spawn("sh", [path.join(pulumiDir, "pulumi-resource-pulumi-nodejs"), "127.0.0.1:0"], {
    cwd,
    // The launcher runs `node` from PATH: make it this Node (24), as the CLI would find the user's.
    env: { ...env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env["PATH"] ?? ""}` },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: the launcher is `sh`, and the host is its child; closing must end both.
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not start:\n${stdout}\n${stderr}`)), 20_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const first = stdout.split("\n");
      if (first.length > 1) {
        clearTimeout(timer);
        resolve(Number(first[0]));
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => reject(new Error(`host exited with ${code}:\n${stdout}\n${stderr}`)));
  });
  const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

  return {
    proto: { provider, Struct },
    rpc: (method, request) =>
      new Promise((resolve, reject) => {
        client[method](request, (error: unknown, response: any) => (error ? reject(error) : resolve(response)));
      }),
    output: () => stdout.slice(stdout.indexOf("\n") + 1) + stderr,
    close: async () => {
      client.close();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        // Signal the group, not just `sh`: killing the launcher alone leaves the node host running.
        process.kill(-child.pid!, "SIGTERM");
        await exited;
      }
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

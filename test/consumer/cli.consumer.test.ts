import { execFile, spawn } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { projectDir } from "../setup/projects";

/** The didroute command as an installed package ships it: its bin, the routing file checks and the default seed. */
const exec = promisify(execFile);
let project: string;
let cli: string;

beforeAll(async () => {
  project = projectDir("consumer");
  const manifest = JSON.parse((await exec(process.execPath, ["-p", "JSON.stringify(require('pulumi-didroute/package.json'))"], { cwd: project })).stdout);
  cli = path.join(project, "node_modules", "pulumi-didroute", manifest.bin.didroute);
});

describe("didroute installed from the npm pack tarball", () => {
  it("validates a routing file", async () => {
    const { stdout } = await exec(process.execPath, [cli, "validate"], { cwd: project });
    expect(stdout).toBe("routing.yaml: valid (1 DIDWW trunk, 5 DIDWW DIDs, 2 DIDWW trunk groups, 2 CarrierX DIDs)\n");
  });

  it("serves the sandbox with the default seed the package ships", async () => {
    const child = spawn(process.execPath, [cli, "sandbox", "--port", "0"], { cwd: project, stdio: ["ignore", "pipe", "pipe"] });
    try {
      const urls = await new Promise<string[]>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const lines = out.split("\n").filter((line) => line.startsWith("DIDWW") || line.startsWith("CarrierX"));
          if (lines.length === 2) resolve(lines.map((line) => line.split(/\s+/)[1]!));
        });
        child.on("exit", (code) => reject(new Error(`the sandbox exited with ${code}`)));
      });
      const response = await fetch(`${urls[0]}/dids?filter[number]=16091609123456799&include=voice_in_trunk`, {
        headers: { "Api-Key": "any" },
      });
      const body = (await response.json()) as { data: unknown[]; included: { attributes: { name: string } }[] };
      expect(body.data).toHaveLength(1);
      expect(body.included[0]?.attributes.name).toBe("pbx-lab");
    } finally {
      child.kill("SIGTERM");
    }
  });
});

import { execFile } from "node:child_process";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);
const root = path.resolve(__dirname, "../..");

/**
A Pulumi project in `project` with pulumi-didroute installed from the `npm pack` tarball: the tarball is unpacked into
the project's node_modules as npm installs it, so the package's files are exactly the published ones and live under
node_modules, where Pulumi's serializer and Node's resolution treat them differently from a checkout.

The package's own dependencies (got, @pulumi/pulumi) are linked from the repository's node_modules rather than
installed: an offline `npm install` resolves ranges against whatever npm's cache happens to hold and fails on a
fresh machine, and tests must not reach the registry.
*/
export async function installPackedPackage(tarball: string, project: string): Promise<string> {
  const installed = path.join(project, "node_modules", "pulumi-didroute");
  await mkdir(installed, { recursive: true });
  await exec("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"]);
  await writeFile(
    path.join(project, "package.json"),
    JSON.stringify({ name: "consumer", private: true, dependencies: { "pulumi-didroute": `file:${tarball}` } }, null, 2),
  );

  const manifest = JSON.parse(await readFile(path.join(installed, "package.json"), "utf8"));
  const needed = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})];
  for (const name of needed) {
    const link = path.join(project, "node_modules", name);
    await mkdir(path.dirname(link), { recursive: true });
    await symlink(path.join(root, "node_modules", name), link, "dir");
  }
  return project;
}

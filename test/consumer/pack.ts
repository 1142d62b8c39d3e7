import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";

const exec = promisify(execFile);
const root = path.resolve(__dirname, "../..");

declare module "vitest" {
  export interface ProvidedContext {
    /** The `npm pack` tarball of this checkout, made once per run (see installPackedPackage). */
    tarball: string;
  }
}

/**
Global set-up: packs the package once per test run, before any test file starts, for every file that installs it
(test/consumer/). `npm pack` costs a few seconds and packs the same files each time.
*/
export default async function packOnce(project: TestProject): Promise<() => Promise<void>> {
  const work = await mkdtemp(path.join(tmpdir(), "didroute-pack-"));
  // --ignore-scripts: dist/ is built by `npm test` before the tests start; prepack would rebuild it.
  await exec("npm", ["pack", "--ignore-scripts", "--pack-destination", work], { cwd: root });
  const tarball = (await readdir(work)).find((file) => file.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${work}`);
  project.provide("tarball", path.join(work, tarball));
  return () => rm(work, { recursive: true, force: true });
}

import { execFile } from "node:child_process";
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";
import { captureProviders } from "../engine/host";
import { installPackedPackage } from "./install";
import { CAPTURE_SECRET, type Projects } from "./projects";

const exec = promisify(execFile);
const root = path.resolve(__dirname, "../..");

/**
Global set-up, once per test run before any file starts: the project that installs the package from its `npm pack`
tarball, and the `__provider` text of every kind as a program serializes it in each project. Packing, installing and
capturing cost a few seconds each time and give the same result for every file, so the files share them
(test/setup/projects.ts hands them out).
*/
export default async function setUp(project: TestProject): Promise<() => Promise<void>> {
  const work = await mkdtemp(path.join(tmpdir(), "didroute-pack-"));
  // --ignore-scripts: dist/ is built by `npm test` before the tests start; prepack would rebuild it.
  await exec("npm", ["pack", "--ignore-scripts", "--pack-destination", work], { cwd: root });
  const tarball = (await readdir(work)).find((file) => file.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${work}`);
  const consumer = await installPackedPackage(path.join(work, tarball), path.join(work, "project"));
  // What the main job runs (its program and routing file), as a team's repository holds them next to the package.
  await cp(path.join(root, "program"), path.join(consumer, "program"), { recursive: true });
  await cp(path.join(root, "routing.yaml"), path.join(consumer, "routing.yaml"));

  const [repository, installed] = await Promise.all([captureProviders(root, CAPTURE_SECRET), captureProviders(consumer, CAPTURE_SECRET)]);
  const projects: Projects = { repository: root, consumer, providers: { repository, consumer: installed } };
  project.provide("projects", projects);
  return () => rm(work, { recursive: true, force: true });
}

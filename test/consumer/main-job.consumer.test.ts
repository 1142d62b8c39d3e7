import { cp } from "node:fs/promises";
import * as path from "node:path";
import { defineMainJobSuite } from "../e2e/main-job-suite";
import { installPackedPackage } from "./install";

/** The same main job in a project that installed the npm pack tarball, with the repository's program and file. */
defineMainJobSuite("installed from the npm pack tarball", async () => {
  const project = await installPackedPackage();
  const root = path.resolve(__dirname, "..", "..");
  await cp(path.join(root, "program"), path.join(project, "program"), { recursive: true });
  await cp(path.join(root, "routing.yaml"), path.join(project, "routing.yaml"));
  return project;
});

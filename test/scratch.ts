import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll } from "vitest";

/**
A new directory under the system's temporary one for the calling test file (`prefix` names it, e.g. "didroute-plan-"),
removed with everything in it once the file's tests have run.
*/
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

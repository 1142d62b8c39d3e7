import { inject } from "vitest";

/**
The two Pulumi projects the engine-facing suites run in, made once per run by the global set-up (global.ts):
- "repository": this checkout, where the package resolves by its own name (self-reference) to dist/;
- "consumer": a project outside the repository that installed the package from its `npm pack` tarball, with the
  main job's program and routing file, where the package's files are exactly the published ones and live under
  node_modules (Pulumi's serializer and Node's resolution treat them differently from a checkout).
*/
export type Mode = "repository" | "consumer";

/** For the suites' titles. */
export const MODE_LABELS: Record<Mode, string> = {
  repository: "repository checkout",
  consumer: "installed from the npm pack tarball",
};

export interface Projects {
  repository: string;
  consumer: string;
  /** The `__provider` text of each kind (`didww:DidTrunkAssignment`, …) as a program in each project serializes it. */
  providers: Record<Mode, Record<string, string>>;
}

declare module "vitest" {
  export interface ProvidedContext {
    projects: Projects;
  }
}

/** Every credential of the program that serialized the providers: the texts must not hold it. */
export const CAPTURE_SECRET = "capture-secret-credential-7e41b09c";

export function projectDir(mode: Mode): string {
  return inject("projects")[mode];
}

export function providersOf(mode: Mode): Record<string, string> {
  return inject("projects").providers[mode];
}

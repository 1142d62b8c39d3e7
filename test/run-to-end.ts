import { execFile } from "node:child_process";

export interface Ended {
  code: number;
  stdout: string;
  stderr: string;
}

/**
Runs a command in a child process to its end, as CI runs it: what it printed and its exit code. A non-zero exit is a
result to assert on, not an error.
*/
export function runToEnd(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: Record<string, string | undefined> },
): Promise<Ended> {
  return new Promise((resolve) => {
    execFile(command, args, options, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

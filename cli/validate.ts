/**
`didroute validate [FILE] [--online]`: checks a routing file the way `routing.fromFile` will, before a pull request
is merged. Offline by default (no credentials, no network); `--online` also resolves every number and name against
the APIs, with the same credentials and endpoints the resources use from the environment.
*/
import { parseArgs } from "node:util";
import { formatProblem, type RoutingFile } from "../routing/file";
import { HELP, problemCount, readFileArgs, resolveLive, type FileCommand } from "./file-command";

export const VALIDATE_USAGE = `usage: didroute validate [FILE] [--online]

Checks a routing file (default: routing.yaml) and prints each problem as FILE:LINE:COL: message.

  --online   also resolve every number, trunk and trunk group name and id against the APIs, using
             DIDWW_API_KEY (or, from DIDWW API 2026-11-19, DIDWW_ACCESS_TOKEN: a read-only token is
             enough), DIDWW_ENDPOINT, DIDWW_API_VERSION, CARRIERX_TOKEN and CARRIERX_ENDPOINT
             (only the API the file uses needs credentials)
  --help     show this help

Exit codes: 0 valid, 1 problems found (or an API could not be asked), 2 wrong usage.`;

const VALIDATE: FileCommand = { name: "validate", usage: VALIDATE_USAGE, usageExit: 2 };

export async function runValidate(args: string[]): Promise<number> {
  const options = { online: { type: "boolean", default: false }, help: HELP } as const;
  const parsed = readFileArgs(VALIDATE, () => parseArgs({ args, allowPositionals: true, options }));
  if (typeof parsed === "number") return parsed;
  const { values, path, file, problems } = parsed;
  if (problems.length === 0 && values.online) {
    const resolved = await resolveLive(VALIDATE, path, file);
    if (typeof resolved === "number") return resolved;
    problems.push(...resolved.problems);
  }
  for (const problem of problems) process.stdout.write(`${formatProblem(path, problem)}\n`);
  if (problems.length > 0) {
    process.stderr.write(`${path}: ${problemCount(problems)}\n`);
    return 1;
  }
  process.stdout.write(`${path}: valid${values.online ? " and resolved" : ""} (${summary(file)})\n`);
  return 0;
}

function summary(file: RoutingFile): string {
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return [
    count(file.didww.dids.length, "DIDWW DID", "DIDWW DIDs"),
    count(file.didww.trunkGroups.length, "DIDWW trunk group", "DIDWW trunk groups"),
    count(file.carrierx.dids.length, "CarrierX DID", "CarrierX DIDs"),
  ].join(", ");
}

/**
`didroute validate [FILE] [--online]`: checks a routing file the way `routing.fromFile` will, before a pull request
is merged. Offline by default (no credentials, no network); `--online` also resolves every number and name against
the APIs, with the same credentials and endpoints the resources use from the environment.
*/
import { parseArgs } from "node:util";
import { carrierxClient } from "../provider/carrierx/client";
import { didwwClient } from "../provider/didww/client";
import { configure } from "../provider/settings";
import { formatProblem, readRoutingFile, type RoutingFile } from "../routing/file";
import { resolveRouting } from "../routing/resolve";

export const VALIDATE_USAGE = `usage: didroute validate [FILE] [--online]

Checks a routing file (default: routing.yaml) and prints each problem as FILE:LINE:COL: message.

  --online   also resolve every number, trunk and trunk group name and id against the APIs, using
             DIDWW_API_KEY, DIDWW_ENDPOINT, DIDWW_API_VERSION, CARRIERX_TOKEN and CARRIERX_ENDPOINT
             (only the API the file uses needs credentials)
  --help     show this help

Exit codes: 0 valid, 1 problems found (or an API could not be asked), 2 wrong usage.`;

export async function runValidate(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { online: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } },
    });
  } catch (error) {
    process.stderr.write(`didroute validate: ${(error as Error).message}\n${VALIDATE_USAGE}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${VALIDATE_USAGE}\n`);
    return 0;
  }
  if (parsed.positionals.length > 1) {
    process.stderr.write(`didroute validate: one file at a time, got ${parsed.positionals.length}\n${VALIDATE_USAGE}\n`);
    return 2;
  }
  const path = parsed.positionals[0] ?? "routing.yaml";
  const { file, problems } = readRoutingFile(path);
  if (problems.length === 0 && parsed.values.online) {
    // No Pulumi stack here: the environment is the only source, as for a provider with no stack config.
    configure(undefined);
    try {
      problems.push(...(await resolveRouting(file, { didww: didwwClient, carrierx: carrierxClient })).problems);
    } catch (error) {
      process.stderr.write(`didroute validate: ${path}: ${(error as Error).message}\n`);
      return 1;
    }
  }
  for (const problem of problems) process.stdout.write(`${formatProblem(path, problem)}\n`);
  if (problems.length > 0) {
    process.stderr.write(`${path}: ${problems.length === 1 ? "1 problem" : `${problems.length} problems`}\n`);
    return 1;
  }
  process.stdout.write(`${path}: valid${parsed.values.online ? " and resolved" : ""} (${summary(file)})\n`);
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

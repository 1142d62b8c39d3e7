/**
`didroute plan [FILE] [--format text|markdown|json] [--detailed-exitcode]`: the drift check and pull-request plan.
Reads the routing file and the live routing with batched requests (a few for a thousand numbers), and prints every
difference with the request `pulumi up` would send for it.
*/
import { parseArgs } from "node:util";
import { formatProblem } from "../routing/file";
import { formatPlan, planRouting, type PlanFormat } from "../routing/plan";
import { CLIENTS, HELP, problemCount, readFileArgs, resolveLive, type FileCommand } from "./file-command";

export const PLAN_USAGE = `usage: didroute plan [FILE] [--format text|markdown|json] [--detailed-exitcode]

Compares a routing file (default: routing.yaml) with the live routing at DIDWW and CarrierX and prints, for each
difference, the number or group, what it is routed to now, what the file wants, and the request pulumi up sends.
Credentials and endpoints come from DIDWW_API_KEY (or, from DIDWW API 2026-11-19, DIDWW_ACCESS_TOKEN: a read-only
token is enough), DIDWW_ENDPOINT, DIDWW_API_VERSION, CARRIERX_TOKEN and CARRIERX_ENDPOINT (only the API the file uses
needs credentials).

  --format text       for a terminal (default)
  --format markdown   for a pull-request comment
  --format json       {"file", "inSync", "unchanged", "changes": [{"system", "kind", "target", "from", "to",
                      "request": {"method", "path", "body"}, "line"}]}
  --detailed-exitcode 0 in sync, 2 drift, 1 error (as terraform plan -detailed-exitcode)
  --help              show this help

Exit codes without --detailed-exitcode: 0 planned (in sync or not), 1 error (a problem in the file, an API that
could not be asked, wrong usage).`;

const FORMATS: readonly PlanFormat[] = ["text", "markdown", "json"];

const PLAN: FileCommand = { name: "plan", usage: PLAN_USAGE, usageExit: 1 };

export async function runPlan(args: string[]): Promise<number> {
  const options = {
    format: { type: "string", default: "text" },
    "detailed-exitcode": { type: "boolean", default: false },
    help: HELP,
  } as const;
  const parsed = readFileArgs(
    PLAN,
    () => parseArgs({ args, allowPositionals: true, options }),
    ({ format }) =>
      FORMATS.includes(format as PlanFormat) ? undefined : `--format must be text, markdown or json, got "${format}"`,
  );
  if (typeof parsed === "number") return parsed;
  const { values, path, file, problems } = parsed;
  if (problems.length === 0) {
    const resolved = await resolveLive(PLAN, path, file);
    if (typeof resolved === "number") return resolved;
    if (resolved.problems.length === 0) {
      const plan = planRouting(resolved.routing, CLIENTS);
      // One of FORMATS: readFileArgs checked it.
      process.stdout.write(formatPlan(plan, path, values.format as PlanFormat));
      return values["detailed-exitcode"] && plan.changes.length > 0 ? 2 : 0;
    }
    problems.push(...resolved.problems);
  }
  // Problems go to stderr, so that stdout holds nothing but a plan (JSON output stays parseable).
  for (const problem of problems) process.stderr.write(`${formatProblem(path, problem)}\n`);
  process.stderr.write(`${path}: ${problemCount(problems)}; nothing planned\n`);
  return 1;
}

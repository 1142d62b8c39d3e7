/**
`didroute plan [FILE] [--format text|markdown|json] [--detailed-exitcode]`: the drift check and pull-request plan.
Reads the routing file and the live routing with batched requests (a few for a thousand numbers), and prints every
difference with the request `pulumi up` would send for it.
*/
import { parseArgs } from "node:util";
import { carrierxClient } from "../provider/carrierx/client";
import { didwwClient } from "../provider/didww/client";
import { configure } from "../provider/settings";
import { formatProblem, readRoutingFile } from "../routing/file";
import { formatPlan, planRouting, type PlanFormat } from "../routing/plan";
import { resolveRouting } from "../routing/resolve";

export const PLAN_USAGE = `usage: didroute plan [FILE] [--format text|markdown|json] [--detailed-exitcode]

Compares a routing file (default: routing.yaml) with the live routing at DIDWW and CarrierX and prints, for each
difference, the number or group, what it is routed to now, what the file wants, and the request pulumi up sends.
Credentials and endpoints come from DIDWW_API_KEY, DIDWW_ENDPOINT, DIDWW_API_VERSION, CARRIERX_TOKEN and
CARRIERX_ENDPOINT (only the API the file uses needs credentials).

  --format text       for a terminal (default)
  --format markdown   for a pull-request comment
  --format json       {"file", "inSync", "unchanged", "changes": [{"system", "kind", "target", "from", "to",
                      "request": {"method", "path", "body"}, "line"}]}
  --detailed-exitcode 0 in sync, 2 drift, 1 error (as terraform plan -detailed-exitcode)
  --help              show this help

Exit codes without --detailed-exitcode: 0 planned (in sync or not), 1 error (a problem in the file, an API that
could not be asked, wrong usage).`;

const FORMATS: readonly PlanFormat[] = ["text", "markdown", "json"];

export async function runPlan(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        format: { type: "string", default: "text" },
        "detailed-exitcode": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
  if (parsed.values.help) {
    process.stdout.write(`${PLAN_USAGE}\n`);
    return 0;
  }
  const format = parsed.values.format as PlanFormat;
  if (!FORMATS.includes(format)) return usageError(`--format must be text, markdown or json, got "${format}"`);
  if (parsed.positionals.length > 1) return usageError(`one file at a time, got ${parsed.positionals.length}`);

  const path = parsed.positionals[0] ?? "routing.yaml";
  const { file, problems } = readRoutingFile(path);
  if (problems.length === 0) {
    // No Pulumi stack here: the environment is the only source, as for a provider with no stack config.
    configure(undefined);
    try {
      const resolved = await resolveRouting(file, { didww: didwwClient, carrierx: carrierxClient });
      if (resolved.problems.length === 0) {
        const plan = planRouting(resolved.routing, { didww: didwwClient, carrierx: carrierxClient });
        process.stdout.write(formatPlan(plan, path, format));
        return parsed.values["detailed-exitcode"] && plan.changes.length > 0 ? 2 : 0;
      }
      problems.push(...resolved.problems);
    } catch (error) {
      process.stderr.write(`didroute plan: ${path}: ${(error as Error).message}\n`);
      return 1;
    }
  }
  // Problems go to stderr, so that stdout holds nothing but a plan (JSON output stays parseable).
  for (const problem of problems) process.stderr.write(`${formatProblem(path, problem)}\n`);
  process.stderr.write(`${path}: ${problems.length === 1 ? "1 problem" : `${problems.length} problems`}; nothing planned\n`);
  return 1;
}

/** Wrong usage is an error (1), never 2, which --detailed-exitcode reserves for drift. */
function usageError(message: string): number {
  process.stderr.write(`didroute plan: ${message}\n${PLAN_USAGE}\n`);
  return 1;
}

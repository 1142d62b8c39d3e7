/**
What `didroute plan` and `didroute validate` share: a routing FILE argument (default routing.yaml) with options, the
file read and checked offline, its resolution against the live APIs, and the messages and exit codes of wrong usage
and of an API that could not be asked.
*/
import { carrierxClient } from "../provider/carrierx/client";
import { didwwClient } from "../provider/didww/client";
import { configure } from "../provider/settings";
import { readRoutingFile, type Problem, type RoutingFile } from "../routing/file";
import { resolveRouting, type ResolvedRouting } from "../routing/resolve";
import { secretRefsIn, secretsFromEnvironment } from "../routing/secrets";

export interface FileCommand {
  /** As typed after `didroute`. */
  name: string;
  usage: string;
  /** The exit code of wrong usage: 1 for plan, where --detailed-exitcode keeps 2 for drift; 2 for validate. */
  usageExit: number;
}

/** -h/--help, for the command's parseArgs options. */
export const HELP = { type: "boolean", short: "h", default: false } as const;

/** The environment's API clients, asked for only when the file uses that API. */
export const CLIENTS = { didww: didwwClient, carrierx: carrierxClient };

export interface FileArgs<V> {
  values: V;
  /** As the user named it. */
  path: string;
  file: RoutingFile;
  /** What the offline checks found (empty: valid). */
  problems: Problem[];
}

/**
Parses the arguments with `parse` (the command's own parseArgs call, so its options keep their types) and reads the
file they name. A number instead is the exit code of a command already done: help printed (0), or wrong usage said on
stderr with the usage. `check` refuses option values with a message, before the count of files is checked.
*/
export function readFileArgs<V extends { help: boolean }>(
  command: FileCommand,
  parse: () => { values: V; positionals: string[] },
  check: (values: V) => string | undefined = () => undefined,
): FileArgs<V> | number {
  let parsed;
  try {
    parsed = parse();
  } catch (error) {
    return usageError(command, (error as Error).message);
  }
  if (parsed.values.help) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  const { values, positionals } = parsed;
  const wrong = check(values) ?? (positionals.length > 1 ? `one file at a time, got ${positionals.length}` : undefined);
  if (wrong !== undefined) return usageError(command, wrong);
  const path = positionals[0] ?? "routing.yaml";
  return { values, path, ...readRoutingFile(path) };
}

function usageError(command: FileCommand, message: string): number {
  process.stderr.write(`didroute ${command.name}: ${message}\n${command.usage}\n`);
  return command.usageExit;
}

/**
Resolves the file's numbers and names against the live APIs, reads what it declares, and takes the values of its
secrets (`{ config: KEY }`) from the environment (DIDROUTE_CONFIG_<KEY>: see routing/secrets.ts). A number instead is
the exit code (1) when an API could not be asked (401, network), said on stderr.
*/
export async function resolveLive(
  command: FileCommand,
  path: string,
  file: RoutingFile,
): Promise<{ routing: ResolvedRouting; secrets: Map<string, string>; problems: Problem[] } | number> {
  // No Pulumi stack here: the environment is the only source, as for a provider with no stack config.
  configure(undefined);
  const secrets = secretsFromEnvironment(secretRefsIn(file), process.env);
  try {
    const resolved = await resolveRouting(file, CLIENTS, { readDeclared: true });
    const problems = [...resolved.problems, ...secrets.problems].sort((a, b) => a.line - b.line || a.col - b.col);
    return { routing: resolved.routing, secrets: secrets.values, problems };
  } catch (error) {
    process.stderr.write(`didroute ${command.name}: ${path}: ${(error as Error).message}\n`);
    return 1;
  }
}

export function problemCount(problems: readonly Problem[]): string {
  return problems.length === 1 ? "1 problem" : `${problems.length} problems`;
}

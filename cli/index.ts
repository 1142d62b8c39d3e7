#!/usr/bin/env node
/**
`didroute`: the command-line side of pulumi-didroute. Each command lives in its own module and returns the process
exit code, so the commands can also be run (and tested) in-process.
*/
/**
Each command's module is loaded when that command runs, not before: the sandbox alone (ajv and the DIDWW schemas it
compiles) costs as much start-up as the rest of the CLI, which `didroute validate` or `plan` would otherwise pay on
every run. (`import()` of a CommonJS file gives its exports as named exports.)
*/
const COMMANDS: Record<string, { summary: string; run: (args: string[]) => Promise<number> }> = {
  export: {
    summary: "write the routing file of the account as it is routed now (to bring it under code)",
    run: async (args) => (await import("./export.js")).runExport(args),
  },
  plan: {
    summary: "show what pulumi up would change: a routing file against the live APIs (drift check)",
    run: async (args) => (await import("./plan.js")).runPlan(args),
  },
  sandbox: {
    summary: "serve the embedded DIDWW and CarrierX sandbox API on 127.0.0.1",
    run: async (args) => (await import("./sandbox.js")).runSandbox(args),
  },
  token: {
    summary: "mint a DIDWW access token (API 2026-11-19), e.g. a read-only one for CI",
    run: async (args) => (await import("./token.js")).runToken(args),
  },
  validate: {
    summary: "check a routing file (offline; --online also resolves names)",
    run: async (args) => (await import("./validate.js")).runValidate(args),
  },
};

export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(10)}${summary}`);
  return ["usage: didroute <command> [options]", "", "commands:", ...lines, "", "didroute <command> --help for options"].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`didroute: unknown command "${name}"\n${usage()}\n`);
    return 1;
  }
  return command.run(args);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`didroute: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

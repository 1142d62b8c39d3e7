// Runs a Pulumi TypeScript program as Pulumi's Node.js language host does (transpile to CommonJS, require it, call
// the exported function, await the stack outputs), under Pulumi's mocks, and prints JSON: every resource it
// registered ({type, name, inputs}, `__provider` included) and the stack outputs.
// Usage: node run-program.cjs <program file>, with the Pulumi project directory as cwd and the stack config as JSON
// in PROGRAM_CONFIG. The program fails as Pulumi would report it: the message on stderr, exit code 1.
const Module = require("node:module");
const fs = require("node:fs");
const path = require("node:path");

const projectRequire = Module.createRequire(path.join(process.cwd(), "/"));
const pulumi = projectRequire("@pulumi/pulumi");
// The compiler belongs to the runner (the Pulumi CLI brings its own), not to the project.
const ts = require("typescript");

for (const [key, value] of Object.entries(JSON.parse(process.env.PROGRAM_CONFIG || "{}"))) {
  pulumi.runtime.setConfig(key, value);
}
const registered = [];
pulumi.runtime.setMocks(
  {
    newResource(args) {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs });
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: () => ({}),
  },
  "didroute",
  "e2e",
  false,
);

async function main() {
  const file = path.resolve(process.argv[2]);
  const output = ts.transpileModule(fs.readFileSync(file, "utf8"), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true },
  }).outputText;
  const program = new Module(file, module);
  program.filename = file;
  program.paths = Module._nodeModulePaths(path.dirname(file));
  program._compile(output, file);
  const exported = typeof program.exports === "function" ? program.exports() : program.exports;
  const outputs = await new Promise((resolve) => pulumi.output(exported).apply(resolve));
  process.stdout.write(JSON.stringify({ registered, outputs }));
}

main().catch((error) => {
  process.stderr.write(String(error && error.message ? error.message : error));
  process.exit(1);
});

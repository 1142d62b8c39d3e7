// Prints the `__provider` text Pulumi serializes for each resource kind, as a program in the directory given as the
// first argument produces it: run with that directory as cwd, so the package and @pulumi/pulumi resolve as they
// would for that Pulumi project (a repository checkout, or a project that installed the package from a tarball).
// Credentials are present in config and environment on purpose: the serialized text must not contain them.
const { createRequire } = require("node:module");
const path = require("node:path");

const projectRequire = createRequire(path.join(process.cwd(), "/"));
const pulumi = projectRequire("@pulumi/pulumi");
const providers = {};
pulumi.runtime.setConfig("didww:apiKey", process.env.CAPTURE_SECRET);
pulumi.runtime.setConfig("carrierx:token", process.env.CAPTURE_SECRET);
pulumi.runtime.setMocks(
  {
    newResource(args) {
      providers[args.type] = args.inputs.__provider;
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call() {
      return {};
    },
  },
  "capture",
  "test",
  false,
);
const didroute = projectRequire("pulumi-didroute");
const uuid = "9df99644-f1a5-4a3c-99a4-559d758eb96b";
new didroute.didww.DidTrunkAssignment("a", { didId: uuid, trunkId: uuid });
new didroute.didww.TrunkGroupMembership("b", { trunkGroupId: uuid, trunkIds: [uuid] });
new didroute.didww.VoiceInTrunk("vi-trunk", { name: "capture", sip: { host: "pbx.example.com", authPassword: process.env.CAPTURE_SECRET } });
new didroute.didww.VoiceInTrunkGroup("vi-group", { name: "capture", trunkIds: [uuid] });
let expected = 4;
if (didroute.carrierx) {
  new didroute.carrierx.DidTrunkGroupAssignment("c", { didSid: uuid, trunkGroupSid: uuid });
  expected += 1;
}
new didroute.carrierx.TrunkGroup("cx-group", { name: "capture" });
new didroute.carrierx.Trunk("cx-trunk", { trunkGroupSid: uuid, name: "capture" });
expected += 2;
// Registration is asynchronous (serialization happens while the resource registers).
const started = Date.now();
const timer = setInterval(() => {
  if (Object.keys(providers).length === expected) {
    clearInterval(timer);
    process.stdout.write(JSON.stringify(providers));
  } else if (Date.now() - started > 20000) {
    clearInterval(timer);
    process.stderr.write(`captured only ${Object.keys(providers).join(", ")}`);
    process.exit(1);
  }
}, 20);

import type * as pulumi from "@pulumi/pulumi";

/**
The provider object Pulumi serializes into every resource's state (`__provider`).

It is deliberately a forwarder: it captures only the resource kind and loads the implementation by package name,
`pulumi-didroute/provider`, when the dynamic-provider host calls it. That keeps the serialized text about 1.5 KB,
free of credentials (they are read in `configure` or from the environment), free of module paths that differ
between a repository checkout and an installed package, and valid across upgrades: state written by an older
version runs the installed version's code for refresh and destroy.

Resolution starts from the host's working directory, the Pulumi project directory, where the program found this
package too. `createRequire` gives the lookup a real parent path, which Node needs to resolve a package by its own
name inside its own repository (self-reference); the plain `require` the host offers has none.

Everything inside this function is serialized as source text: it must reference nothing but `kind`, `load` and
globals, and must stay parseable by the TypeScript 3.8 parser Pulumi falls back to.
*/
export function providerFor(kind: string): pulumi.dynamic.ResourceProvider {
  const load = () => require("module").createRequire(process.cwd() + "/")("pulumi-didroute/provider");
  return {
    configure: async (req) => {
      load().configure(req.config);
    },
    check: (olds, news) => load().resource(kind).check(olds, news),
    diff: (id, olds, news) => load().resource(kind).diff(id, olds, news),
    create: (inputs) => load().resource(kind).create(inputs),
    read: (id, props) => load().resource(kind).read(id, props),
    update: (id, olds, news) => load().resource(kind).update(id, olds, news),
    delete: (id, props) => load().resource(kind).delete(id, props),
  };
}

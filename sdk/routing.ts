/**
Declares a whole routing file (`routing.yaml`) as resources: the way most teams use pulumi-didroute, with a reviewed
file applied by `pulumi up`. See README, "The routing file".
*/
import * as pulumi from "@pulumi/pulumi";
import { carrierxClient } from "../provider/carrierx/client";
import { didwwClient } from "../provider/didww/client";
import { DidrouteError } from "../provider/errors";
import { configure } from "../provider/settings";
import { carrierxTrunkResourceName, digitsOf, formatProblem, readRoutingFile, type Problem, type RoutingFile } from "../routing/file";
import { resolveRouting, type ResolvedRouting, type Target } from "../routing/resolve";
import { secretRefsIn, withSecrets, type SecretRef } from "../routing/secrets";
import { DidTrunkGroupAssignment } from "./carrierx/didTrunkGroupAssignment";
import { Trunk } from "./carrierx/trunk";
import { TrunkGroup } from "./carrierx/trunkGroup";
import { DidTrunkAssignment } from "./didww/didTrunkAssignment";
import { TrunkGroupMembership } from "./didww/trunkGroupMembership";
import { VoiceInTrunk, type VoiceInTrunkArgs } from "./didww/voiceInTrunk";
import { VoiceInTrunkGroup } from "./didww/voiceInTrunkGroup";

export interface FromFileOptions {
  /**
  Put in front of every resource name, so that several routing files can be applied by one program. Changing it
  renames every resource (harmless: see README, "Refactoring"), so choose it once.
  */
  namePrefix?: string;
  /** Options given to every resource declared (`parent`, `protect`, `retainOnDelete`, ...). */
  resourceOptions?: pulumi.CustomResourceOptions;
}

export interface RoutingResources {
  didww: {
    /** The declared trunks (`didww.trunks`) and groups (`didww.trunkGroups` entries with `name:`). */
    trunks: VoiceInTrunk[];
    declaredGroups: VoiceInTrunkGroup[];
    dids: DidTrunkAssignment[];
    /** Existing groups' memberships (`didww.trunkGroups` entries with `group:`). */
    trunkGroups: TrunkGroupMembership[];
  };
  carrierx: { trunkGroups: TrunkGroup[]; trunks: Trunk[]; dids: DidTrunkGroupAssignment[] };
}

/**
Reads the routing file at `path` (relative to the program's working directory, the Pulumi project directory),
checks it, resolves its numbers and names to ids (one lookup per distinct name, using the stack's `didww:*` and
`carrierx:*` config or their environment variables, as the resources do), and declares one resource per entry.

The file's own trunks and trunk groups are declared as resources too, and what names them (a DID's `trunk`, a group's
`trunks`) takes the declared resource's id, so Pulumi creates them first and deletes them last; they are not looked
up. A secret written `{ config: KEY }` is the stack's config KEY (`pulumi config set --secret KEY …`), as a secret.

Resource names come from what the file names (`didww-did-16091609123456797`, `didww-group-eu-primary`,
`didww-trunk-pbx-frankfurt`, `carrierx-did-15162065574`, `carrierx-group-us-east`, `carrierx-trunk-us-east-pbx-1`),
never from positions, so reordering the file renames nothing.

Rejects with a DidrouteError listing every problem as `routing.yaml:LINE:COL: message` when the file is invalid,
names something the account does not have, or reads config the stack does not have; nothing is declared then, so
`pulumi up` changes nothing.
*/
export async function fromFile(path: string, opts: FromFileOptions = {}): Promise<RoutingResources> {
  const { file, problems } = readRoutingFile(path);
  if (problems.length > 0) throw fileError(path, problems);
  const secrets = secretsFromConfig(file);
  if (secrets.problems.length > 0) throw fileError(path, secrets.problems);
  // The program runs outside the provider host, so it reads the same stack config the host is configured with.
  configure({ get: (key) => pulumi.runtime.getConfig(key) });
  const resolved = await resolveRouting(file, { didww: didwwClient, carrierx: carrierxClient });
  if (resolved.problems.length > 0) throw fileError(path, resolved.problems);
  return declare(resolved.routing, secrets.values, opts);
}

/** Each `{ config: KEY }` of the file as the stack's secret config KEY; a problem where a key the stack lacks is. */
function secretsFromConfig(file: RoutingFile): { values: Map<string, pulumi.Output<string>>; problems: Problem[] } {
  const values = new Map<string, pulumi.Output<string>>();
  const problems: Problem[] = [];
  const refs: SecretRef[] = [...file.didww.trunks.flatMap((trunk) => secretRefsIn(trunk.inputs))];
  for (const ref of refs) {
    const [namespace, key] = ref.config.includes(":") ? ref.config.split(":", 2) : [undefined, ref.config];
    const value = new pulumi.Config(namespace).getSecret(key!);
    if (value === undefined) {
      problems.push({
        ...ref.at,
        message: `${ref.what} reads the stack config ${ref.config}, which this stack does not have: set it with "pulumi config set --secret ${ref.config} <value>"`,
      });
      continue;
    }
    values.set(ref.config, value);
  }
  return { values, problems };
}

function fileError(path: string, problems: Problem[]): DidrouteError {
  const lines = problems.map((problem) => formatProblem(path, problem));
  const count = problems.length === 1 ? "a problem" : `${problems.length} problems`;
  return new DidrouteError(`${path} has ${count}; nothing was declared:\n${lines.join("\n")}`, { problems: lines });
}

function declare(routing: ResolvedRouting, secrets: ReadonlyMap<string, pulumi.Output<string>>, opts: FromFileOptions): RoutingResources {
  const prefix = opts.namePrefix ?? "";
  const options = opts.resourceOptions ?? {};

  // Declared objects first: what names them takes their ids (Outputs), which makes Pulumi create them first.
  const trunks = new Map<string, VoiceInTrunk>();
  for (const { entry } of routing.didww.trunks) {
    const args = withSecrets(entry.inputs, (ref) => secrets.get(ref.config)) as VoiceInTrunkArgs;
    trunks.set(entry.name.value, new VoiceInTrunk(`${prefix}didww-trunk-${entry.name.value}`, args, options));
  }
  const trunkId = (target: Target): pulumi.Input<string> => (target.declared === undefined ? target.id : trunks.get(target.declared)!.id);

  const declaredGroups = new Map<string, VoiceInTrunkGroup>();
  for (const { entry, want } of routing.didww.declaredGroups) {
    const args = { name: entry.name.value, ...entry.attributes, trunkIds: want.map(trunkId) };
    declaredGroups.set(entry.name.value, new VoiceInTrunkGroup(`${prefix}didww-group-${entry.name.value}`, args, options));
  }

  const memberships = new Map<string, TrunkGroupMembership>();
  const trunkGroups = routing.didww.trunkGroups.map(({ entry, live, want }) => {
    const resource = new TrunkGroupMembership(
      `${prefix}didww-group-${entry.group.value}`,
      { trunkGroupId: live.id, trunkIds: want.map(trunkId) },
      options,
    );
    memberships.set(live.id, resource);
    return resource;
  });

  const dids = routing.didww.dids.map(({ entry, live, want }) => {
    const { target } = want;
    let routed: pulumi.Input<string>;
    let dependsOn: pulumi.Resource | undefined;
    if (want.kind === "trunk") {
      routed = trunkId(target);
    } else if (target.declared !== undefined) {
      routed = declaredGroups.get(target.declared)!.id;
    } else {
      routed = target.id;
      // A DID routed to a group of this file rings only once the group has its trunks.
      dependsOn = memberships.get(target.id);
    }
    return new DidTrunkAssignment(
      `${prefix}didww-did-${nameOf(entry.did)}`,
      { didId: live.id, ...(want.kind === "trunk" ? { trunkId: routed } : { trunkGroupId: routed }) },
      dependsOn === undefined ? options : { ...options, dependsOn: mergeDependsOn(options.dependsOn, dependsOn) },
    );
  });

  const carrierxGroups = new Map<string, TrunkGroup>();
  const carrierxTrunks: Trunk[] = [];
  for (const { entry } of routing.carrierx.trunkGroups) {
    const group = new TrunkGroup(`${prefix}carrierx-group-${entry.name.value}`, entry.inputs as { name: string }, options);
    carrierxGroups.set(entry.name.value, group);
    for (const trunk of entry.trunks) {
      const args = { ...(trunk.inputs as { name: string }), trunkGroupSid: group.id };
      carrierxTrunks.push(new Trunk(`${prefix}${carrierxTrunkResourceName(entry.name.value, trunk.name.value)}`, args, options));
    }
  }

  const carrierxDids = routing.carrierx.dids.map(
    ({ entry, live, want }) =>
      new DidTrunkGroupAssignment(
        `${prefix}carrierx-did-${nameOf(entry.did)}`,
        { didSid: live.didSid, trunkGroupSid: want.declared === undefined ? want.id : carrierxGroups.get(want.declared)!.id },
        options,
      ),
  );

  return {
    didww: { trunks: [...trunks.values()], declaredGroups: [...declaredGroups.values()], dids, trunkGroups },
    carrierx: { trunkGroups: [...carrierxGroups.values()], trunks: carrierxTrunks, dids: carrierxDids },
  };
}

/** A DID's part of its resource name: the number's digits, or the id or sid as written. */
function nameOf(did: { by: string; value: string }): string {
  return did.by === "number" ? digitsOf(did.value) : did.value;
}

function mergeDependsOn(
  given: pulumi.CustomResourceOptions["dependsOn"],
  extra: pulumi.Resource,
): pulumi.Input<pulumi.Input<pulumi.Resource>[]> {
  if (given === undefined) return [extra];
  return pulumi.output(given).apply((list) => [...(Array.isArray(list) ? list : [list]), extra]);
}

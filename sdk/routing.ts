/**
Declares a whole routing file (`routing.yaml`) as resources: the way most teams use pulumi-didroute, with a reviewed
file applied by `pulumi up`. See README, "The routing file".
*/
import * as pulumi from "@pulumi/pulumi";
import { carrierxClient } from "../provider/carrierx/client";
import { didwwClient } from "../provider/didww/client";
import { DidrouteError } from "../provider/errors";
import { configure } from "../provider/settings";
import { digitsOf, formatProblem, readRoutingFile, type Problem } from "../routing/file";
import { resolveRouting, type ResolvedRouting } from "../routing/resolve";
import { DidTrunkGroupAssignment } from "./carrierx/didTrunkGroupAssignment";
import { DidTrunkAssignment } from "./didww/didTrunkAssignment";
import { TrunkGroupMembership } from "./didww/trunkGroupMembership";

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
  didww: { dids: DidTrunkAssignment[]; trunkGroups: TrunkGroupMembership[] };
  carrierx: { dids: DidTrunkGroupAssignment[] };
}

/**
Reads the routing file at `path` (relative to the program's working directory, the Pulumi project directory),
checks it, resolves its numbers and names to ids (one lookup per distinct name, using the stack's `didww:*` and
`carrierx:*` config or their environment variables, as the resources do), and declares one resource per entry.

Resource names come from what the file names (`didww-did-16091609123456797`, `didww-group-eu-primary`,
`carrierx-did-15162065574`), never from positions, so reordering the file renames nothing.

Rejects with a DidrouteError listing every problem as `routing.yaml:LINE:COL: message` when the file is invalid or
names something the account does not have; nothing is declared then, so `pulumi up` changes nothing.
*/
export async function fromFile(path: string, opts: FromFileOptions = {}): Promise<RoutingResources> {
  const { file, problems } = readRoutingFile(path);
  if (problems.length > 0) throw fileError(path, problems);
  // The program runs outside the provider host, so it reads the same stack config the host is configured with.
  configure({ get: (key) => pulumi.runtime.getConfig(key) });
  const resolved = await resolveRouting(file, { didww: didwwClient, carrierx: carrierxClient });
  if (resolved.problems.length > 0) throw fileError(path, resolved.problems);
  return declare(resolved.routing, opts);
}

function fileError(path: string, problems: Problem[]): DidrouteError {
  const lines = problems.map((problem) => formatProblem(path, problem));
  const count = problems.length === 1 ? "a problem" : `${problems.length} problems`;
  return new DidrouteError(`${path} has ${count}; nothing was declared:\n${lines.join("\n")}`, { problems: lines });
}

function declare(routing: ResolvedRouting, opts: FromFileOptions): RoutingResources {
  const prefix = opts.namePrefix ?? "";
  const options = opts.resourceOptions ?? {};

  const groupResources = new Map<string, TrunkGroupMembership>();
  const trunkGroups = routing.didww.trunkGroups.map(({ entry, live, wantTrunkIds }) => {
    const resource = new TrunkGroupMembership(
      `${prefix}didww-group-${entry.group.value}`,
      { trunkGroupId: live.id, trunkIds: wantTrunkIds },
      options,
    );
    groupResources.set(live.id, resource);
    return resource;
  });

  const dids = routing.didww.dids.map(({ entry, live, want }) => {
    // A DID routed to a group of this file rings only once the group has its trunks.
    const group = want.trunkGroupId === null ? undefined : groupResources.get(want.trunkGroupId);
    const target = want.trunkId !== null ? { trunkId: want.trunkId } : { trunkGroupId: want.trunkGroupId ?? "" };
    return new DidTrunkAssignment(
      `${prefix}didww-did-${nameOf(entry.did)}`,
      { didId: live.id, ...target },
      group === undefined ? options : { ...options, dependsOn: mergeDependsOn(options.dependsOn, group) },
    );
  });

  const carrierxDids = routing.carrierx.dids.map(
    ({ entry, live, wantTrunkGroupSid }) =>
      new DidTrunkGroupAssignment(
        `${prefix}carrierx-did-${nameOf(entry.did)}`,
        { didSid: live.didSid, trunkGroupSid: wantTrunkGroupSid },
        options,
      ),
  );

  return { didww: { dids, trunkGroups }, carrierx: { dids: carrierxDids } };
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

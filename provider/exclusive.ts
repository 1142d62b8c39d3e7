/**
Creates by name, one at a time per name. The resources that create an object by its name (DIDWW trunks and trunk
groups, CarrierX trunk groups and trunks) look the name up and then POST: not atomic, and Pulumi runs a deployment's
creates at once, so two resources declaring the same name would both find none and both create one. A second create
of a name while the first is under way in this provider process is refused instead; once the first ends, a look-up
by name sees what it made.
*/
import { DidrouteError, type ApiSystem } from "./errors";

const creating = new Set<string>();

/** Runs `create` of the `what` (`voice in trunk "pbx-1"`) for a `resource` (`VoiceInTrunk`) unless one is running. */
export async function exclusively<T>(system: ApiSystem, resource: string, what: string, create: () => Promise<T>): Promise<T> {
  const key = `${system} ${resource} ${what}`;
  if (creating.has(key)) {
    throw new DidrouteError(`two ${resource} resources of this deployment declare the ${what}; declare it once`, { system });
  }
  creating.add(key);
  try {
    return await create();
  } finally {
    creating.delete(key);
  }
}

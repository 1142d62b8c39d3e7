/**
How VoiceInTrunk and VoiceInTrunkGroup create: never a duplicate, never someone else's trunk or group taken over
without being asked.

1. Look the name up first. DIDWW keeps names unique, so a trunk or group of that name already in the account means
   either someone else's (a create would fail with "name has already been taken", or worse, on an API that allowed
   duplicates, make a second one) or one to bring under management. Without `adopt: true` the create stops with an
   error saying so and how to adopt; with it, the existing one is updated to the declaration.
2. POST. The HTTP layer repeats a POST only when the API certainly did not act on it (provider/http.ts).
3. When the POST failed without telling whether it created anything (the connection dropped, the attempt timed out,
   a 5xx), look the name up again: it did not exist a moment ago, so one there now is the one this POST created,
   and the create continues with it instead of failing and leaving a trunk no state knows about.
*/

import { DidrouteError } from "../errors";
import { exclusively } from "../exclusive";
import { unsent } from "../http";
import { notice } from "../resource";

export interface Creation<Live extends { id: string }> {
  /** For messages: `voice in trunk "pbx-frankfurt"`. */
  what: string;
  /** The resource kind, for messages: `VoiceInTrunk`. */
  resource: string;
  adopt: boolean;
  /** The existing ones with the declared name. */
  find(): Promise<Live[]>;
  create(): Promise<Live>;
  /** Brings an existing one to the declaration (adoption). */
  update(id: string): Promise<Live>;
  /** Said after DIDWW's own words when it answers that the name is taken although the lookup found none. */
  nameTakenHint: string;
  /**
  The error as it may be shown: without the declaration's secrets, which DIDWW's answer can quote. The resource masks
  what it throws itself; this is for what is logged on the way.
  */
  shown(error: unknown): unknown;
}

export function createOrAdopt<Live extends { id: string }>(creation: Creation<Live>): Promise<Live> {
  // Two resources of one deployment declaring the same name would both find none and both POST.
  return exclusively("DIDWW", creation.resource, creation.what, () => create(creation));
}

async function create<Live extends { id: string }>(creation: Creation<Live>): Promise<Live> {
  const { what, resource } = creation;
  const [existing] = await creation.find();
  if (existing !== undefined) {
    if (!creation.adopt) {
      throw new DidrouteError(
        `${what} already exists in this DIDWW account (id ${existing.id}). ${resource} creates one and does not take ` +
          "over an existing one silently. To manage that one with this resource, set adopt: true on it (the next " +
          "pulumi up updates it to the declaration; deleting the resource then deletes it); otherwise choose another name.",
        { system: "DIDWW" },
      );
    }
    notice(`adopting ${what} (id ${existing.id}): adopt is true; updating it to the declaration`);
    return creation.update(existing.id);
  }
  try {
    return await creation.create();
  } catch (error) {
    if (isNameTaken(error)) {
      throw new DidrouteError(`${(error as Error).message}. ${creation.nameTakenHint}`, (error as DidrouteError).details);
    }
    if (!mayHaveCreated(error)) throw error;
    let found: Live | undefined;
    try {
      [found] = await creation.find();
    } catch (lookup) {
      throw new DidrouteError(
        `${(error as Error).message}; whether it created ${what} could not be checked: ${(lookup as Error).message}`,
        (error as DidrouteError).details,
      );
    }
    if (found === undefined) throw error;
    const lost = (creation.shown(error) as Error).message;
    notice(`the answer to creating ${what} was lost (${lost}); it was created as ${found.id}, which this resource now manages`);
    return found;
  }
}

/** A failure after which the API may have acted: no answer at all (other than no connection), or a 5xx. */
function mayHaveCreated(error: unknown): boolean {
  if (!(error instanceof DidrouteError)) return false;
  const { status, code } = error.details;
  if (status !== undefined) return status >= 500;
  return code === undefined || !unsent(undefined, code);
}

function isNameTaken(error: unknown): boolean {
  return (
    error instanceof DidrouteError &&
    error.status === 422 &&
    (error.details.errors ?? []).some((item) => item.pointer === "/data/attributes/name" && /taken/i.test(item.detail))
  );
}

/**
What the DIDWW API calls things on the wire: its media type, the API versions a request can select with
`X-DIDWW-API-Version`, and the two naming generations those versions use. Before 2021-12-15 trunks are `trunks`
(`/v3/trunks`, relationship `trunk`) and groups `trunk_groups` (`/v3/trunk_groups`, relationship `trunk_group`);
from then on `voice_in_trunks` and `voice_in_trunk_groups`. Everything else asks this module for the name.
*/

export const JSON_API_MEDIA_TYPE = "application/vnd.api+json";
/** Served when the client sends no usable version header (DIDWW would use the account's configured version). */
const LATEST_API_VERSION = "2026-04-16";
/** First version with the `voice_in_trunks` / `voice_in_trunk_groups` names. */
const RENAME_VERSION = "2021-12-15";

/**
Names that changed in 2021-12-15. The trunk collection name doubles as its resource type and as the group's
to-many relationship; the group's to-one relationship name is used both by DIDs and by trunks.
*/
export interface Naming {
  readonly trunks: string;
  readonly trunkGroups: string;
  readonly trunk: string;
  readonly trunkGroup: string;
}

const CURRENT_NAMING: Naming = {
  trunks: "voice_in_trunks",
  trunkGroups: "voice_in_trunk_groups",
  trunk: "voice_in_trunk",
  trunkGroup: "voice_in_trunk_group",
};

const LEGACY_NAMING: Naming = {
  trunks: "trunks",
  trunkGroups: "trunk_groups",
  trunk: "trunk",
  trunkGroup: "trunk_group",
};

export interface ApiVersion {
  /** Echoed as `meta.api_version`. */
  readonly served: string;
  readonly naming: Naming;
}

/** DIDWW ignores an invalid version header, so only a real calendar date selects a version. */
export function negotiateVersion(header: string | undefined): ApiVersion {
  const requested = header?.trim();
  if (requested === undefined || !isCalendarDate(requested)) {
    return { served: LATEST_API_VERSION, naming: CURRENT_NAMING };
  }
  // ISO dates compare correctly as strings.
  return { served: requested, naming: requested < RENAME_VERSION ? LEGACY_NAMING : CURRENT_NAMING };
}

function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

// ---------------------------------------------------------------------------------------------------------------
// The resources the sandbox models, and their names under a naming generation
// ---------------------------------------------------------------------------------------------------------------

export type Kind = "dids" | "trunks" | "groups";

export function typeOf(kind: Kind, naming: Naming): string {
  if (kind === "dids") return "dids";
  return kind === "trunks" ? naming.trunks : naming.trunkGroups;
}

export function kindOfCollection(segment: string, naming: Naming): Kind | undefined {
  if (segment === "dids") return "dids";
  if (segment === naming.trunks) return "trunks";
  if (segment === naming.trunkGroups) return "groups";
  return undefined;
}

/**
DIDWW renamed trunks and trunk groups in API version 2021-12-15 (reference: didww-api.md §3.3). The version a request
is served with decides which names the API understands, so every path, type and relationship name comes from here.
*/
export interface DidwwNames {
  /** Relationship of a DID to its trunk (to-one) and JSON:API type of a trunk. */
  didTrunk: string;
  trunkType: string;
  /** Relationship of a DID to its trunk group (to-one) and JSON:API type (and collection path) of a group. */
  didTrunkGroup: string;
  trunkGroupType: string;
  /** Relationship of a group to its trunks (to-many). */
  groupTrunks: string;
  /** The DID list filters by trunk and by trunk group (`filter[voice_in_trunk.id]`). */
  didTrunkFilter: string;
  didTrunkGroupFilter: string;
}

const CURRENT: DidwwNames = {
  didTrunk: "voice_in_trunk",
  trunkType: "voice_in_trunks",
  didTrunkGroup: "voice_in_trunk_group",
  trunkGroupType: "voice_in_trunk_groups",
  groupTrunks: "voice_in_trunks",
  didTrunkFilter: "voice_in_trunk.id",
  didTrunkGroupFilter: "voice_in_trunk_group.id",
};

const LEGACY: DidwwNames = {
  didTrunk: "trunk",
  trunkType: "trunks",
  didTrunkGroup: "trunk_group",
  trunkGroupType: "trunk_groups",
  groupTrunks: "trunks",
  didTrunkFilter: "trunk.id",
  didTrunkGroupFilter: "trunk_group.id",
};

export const RENAME_VERSION = "2021-12-15";

/** Versions are ISO dates, so string order is date order. */
export function namesFor(apiVersion: string): DidwwNames {
  return apiVersion < RENAME_VERSION ? LEGACY : CURRENT;
}

export { DidTrunkAssignment, type DidTrunkAssignmentArgs } from "./didTrunkAssignment";
export { TrunkGroupMembership, type TrunkGroupMembershipArgs } from "./trunkGroupMembership";
export { VoiceInTrunk, type PstnSettings, type SipSettings, type VoiceInTrunkArgs } from "./voiceInTrunk";
export { VoiceInTrunkGroup, type VoiceInTrunkGroupArgs } from "./voiceInTrunkGroup";

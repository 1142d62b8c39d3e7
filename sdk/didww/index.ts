export { DidTrunkAssignment, type DidTrunkAssignmentArgs } from "./didTrunkAssignment";
export { TrunkGroupMembership, type TrunkGroupMembershipArgs } from "./trunkGroupMembership";

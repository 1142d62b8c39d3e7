export { DidTrunkGroupAssignment, type DidTrunkGroupAssignmentArgs } from "./didTrunkGroupAssignment";
export { TrunkGroup, type TrunkGroupArgs } from "./trunkGroup";
export { Trunk, type TrunkArgs } from "./trunk";

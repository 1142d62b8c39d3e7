export { DidTrunkGroupAssignment, type DidTrunkGroupAssignmentArgs } from "./didTrunkGroupAssignment";

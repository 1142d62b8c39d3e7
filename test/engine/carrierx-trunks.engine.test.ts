import { defineCarrierxTrunksEngineSuite } from "./carrierx-trunks-suite";

defineCarrierxTrunksEngineSuite("repository");

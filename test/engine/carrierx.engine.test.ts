import { defineCarrierxEngineSuite } from "./carrierx-suite";

defineCarrierxEngineSuite("repository");

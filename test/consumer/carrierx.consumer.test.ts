import { defineCarrierxEngineSuite } from "../engine/carrierx-suite";

defineCarrierxEngineSuite("consumer");

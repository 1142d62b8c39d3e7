import { defineCarrierxEngineSuite } from "../engine/carrierx-suite";
import { installPackedPackage } from "./install";

defineCarrierxEngineSuite("installed from the npm pack tarball", installPackedPackage);

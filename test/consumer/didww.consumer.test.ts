import { defineDidwwEngineSuite } from "../engine/didww-suite";
import { installPackedPackage } from "./install";

defineDidwwEngineSuite("installed from the npm pack tarball", installPackedPackage);

import { defineSharedReadsEngineSuite } from "./shared-reads-suite";

defineSharedReadsEngineSuite("repository");

import { defineDidwwEngineSuite } from "./didww-suite";

defineDidwwEngineSuite("repository");

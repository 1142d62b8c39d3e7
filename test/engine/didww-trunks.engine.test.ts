import { defineDidwwTrunksEngineSuite } from "./didww-trunks-suite";

defineDidwwTrunksEngineSuite("repository");

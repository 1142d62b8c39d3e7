import { defineDidwwEngineSuite } from "../engine/didww-suite";

defineDidwwEngineSuite("consumer");

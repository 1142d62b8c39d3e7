import { defineDidwwTokenSuite } from "./didww-tokens-suite";

defineDidwwTokenSuite("repository");

import * as path from "node:path";
import { defineCarrierxEngineSuite } from "./carrierx-suite";

// The repository checkout as the Pulumi project: the package resolves by its own name (self-reference) to dist/.
defineCarrierxEngineSuite("repository checkout", async () => path.resolve(__dirname, "../.."));

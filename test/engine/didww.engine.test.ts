import * as path from "node:path";
import { defineDidwwEngineSuite } from "./didww-suite";

// The repository checkout as the Pulumi project: the package resolves by its own name (self-reference) to dist/.
defineDidwwEngineSuite("repository checkout", async () => path.resolve(__dirname, "../.."));

import * as path from "node:path";
import { defineMainJobSuite } from "./main-job-suite";

defineMainJobSuite("this repository", async () => path.resolve(__dirname, "..", ".."));

import { defineMainJobSuite } from "./main-job-suite";

defineMainJobSuite("repository");

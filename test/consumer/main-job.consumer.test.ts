import { defineMainJobSuite } from "../e2e/main-job-suite";

/** The same main job in a project that installed the npm pack tarball, with the repository's program and file. */
defineMainJobSuite("consumer");

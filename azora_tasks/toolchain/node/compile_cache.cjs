// Preloaded (`node --require`) into every Node process azora-tasks starts for Prisma: turns on
// Node's on-disk compile cache where Node has one (22.1+), so the CLI's ~1,500 modules are not
// parsed and compiled again in every process. NODE_COMPILE_CACHE chooses the folder;
// NODE_DISABLE_COMPILE_CACHE=1 turns it off. Older Node: nothing happens.
"use strict";
const mod = require("node:module");
if (typeof mod.enableCompileCache === "function") {
  try {
    mod.enableCompileCache();
  } catch {
    // a cache that cannot be set up (read-only tmp) only costs speed
  }
}

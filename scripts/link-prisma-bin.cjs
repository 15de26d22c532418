// Keep `npx prisma` on the project's Prisma 6 CLI.
//
// package.json also pins Prisma 7 under the npm alias `prisma7`; both packages declare a `prisma` bin, and
// npm links the alias's last, so without this `npx prisma` (the seed's loops, people's habits) would run
// Prisma 7, which rejects every Prisma 6 schema. Runs as the root package's postinstall (npm ci / install).
const fs = require("fs");
const path = require("path");

const bin = path.join(__dirname, "..", "node_modules", ".bin", "prisma");
const target = path.join("..", "prisma", "build", "index.js");
if (fs.existsSync(path.join(path.dirname(bin), target))) {
  fs.rmSync(bin, { force: true });
  fs.symlinkSync(target, bin);
}

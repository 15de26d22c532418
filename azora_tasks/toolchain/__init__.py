"""The Prisma toolchain: everything that knows where Node, the Prisma CLI and its modules are, and how to run them.

- `prisma_cli`: locate the pinned Prisma CLI, refuse unsupported majors, the offline engine environment and a
  service's `env(...)` URLs (from `azora_tasks/database.py`);
- `versions`: which Prisma (CLI + major) each service uses; `prisma_config`: the CommonJS `--config` of a
  Prisma 7 service;
- `worker`: one long-lived Node process speaking JSON lines, started through the run's `ProcessGroup`;
  `schema_worker`, `client_worker` and `migrate_worker` are its batch users (validate, clients, migrate);
- `node_command`: which Node runs Prisma (the project's pinned one, else PATH) and how (`--liftoff-only`: short-lived
  wasm engines, no TurboFan; the compile cache preloaded);
- `packages`: the npm packages the tool needs (pins in `node_env/package.json`, shipped in the wheel);
- `node/`: the JavaScript side (workers, the Prisma config with driver adapters, the `_prisma_migrations` DDL).

Tasks import from here; nothing here imports a task.
"""

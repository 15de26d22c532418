"""A synthetic "foreign" monorepo: schemas the tool did not write, as found in the wild.

Hand-written over months: `cuid()` ids, no timestamps, the same models copied
from service to service, no `output` in the generator block (so every client
would land in `node_modules/.prisma/client`), mostly PostgreSQL with some
SQLite, one literal URL instead of `env()`. Plus the clutter a real tree has:
a `node_modules` and a dot folder under `services/`, and a case variant of a
service folder.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import REPO_ROOT

COPIED_MODELS = """\
model AuditLog {
  id        String @id @default(cuid())
  actor     String
  action    String
  payload   String?
}

model Setting {
  id    String @id @default(cuid())
  key   String @unique
  value String
}
"""


def foreign_schema(name: str, provider: str, *, literal_url: bool = False) -> str:
    url = '"postgresql://postgres@127.0.0.1:5432/legacy_i12"' if literal_url else 'env("DATABASE_URL")'
    model = "".join(part.capitalize() for part in name.replace("-", "_").split("_"))
    return f"""// {name}: hand-written
datasource db {{
  provider = "{provider}"
  url      = {url}
}}

generator client {{
  provider = "prisma-client-js"
}}

model {model}Item {{
  id    String  @id @default(cuid())
  title String
  notes String?
  owner String
}}

{COPIED_MODELS}"""


def build_foreign_monorepo(root: Path, count: int = 52, *, link_node_modules: bool = True) -> list[str]:
    """Write `count` services (every 4th SQLite, one literal URL); returns their names."""
    names = []
    for index in range(count):
        name = f"svc-{index:03d}" if index else "auth"
        provider = "sqlite" if index % 4 == 3 else "postgresql"
        schema = root / "services" / name / "prisma" / "schema.prisma"
        schema.parent.mkdir(parents=True, exist_ok=True)
        schema.write_text(foreign_schema(name, provider, literal_url=index == 5))
        names.append(name)
    (root / "services" / "Auth").mkdir()  # a case variant of `auth`
    (root / "services" / "node_modules" / "left-pad").mkdir(parents=True)
    (root / "services" / ".turbo").mkdir()
    if link_node_modules:
        (root / "node_modules").symlink_to(REPO_ROOT / "node_modules")
    return names

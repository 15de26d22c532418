"""`migrate`: Prisma migrations for every service, each on its own database.

One module per job (which database, masked, is `azora_tasks/database.py`): `history` (the
migrations folder and what a SQLite database has applied), `engine` (the
pinned Prisma CLI driven through the tool's own JS config), `statusreport`
(reading `prisma migrate status`), `guard` (destructive-change scan of new
SQL) and `locks` (services that share a migration lock never run together).
"""

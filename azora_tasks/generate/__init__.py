"""`generate`: checklist-conformant Prisma schemas from compact model descriptions.

spec        parse and check the `models`/`enums` tables of a service (or an archetype)
archetypes  the category archetypes under templates/ for services without descriptions
render      turn a checked spec into schema text, formatted exactly like `prisma format`
header      the "generated, sha256=..." marker that lets re-runs tell generated from hand-edited
"""

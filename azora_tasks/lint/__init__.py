"""Schema-quality linter for Prisma schemas (placeholder, filled below)."""

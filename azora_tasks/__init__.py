"""azora-tasks: Prisma schema work across every service of a monorepo, as nox sessions.

Public API (kept small on purpose):

    import azora_tasks
    azora_tasks.register_sessions(manifest="services.toml")

registers `validate`, `generate`, ... as nox sessions in the calling noxfile.
The same commands exist as the `azora-tasks` console script.
"""

from __future__ import annotations

from azora_tasks.version import __version__

__all__ = ["__version__", "register_sessions"]


def register_sessions(*args, **kwargs):  # type: ignore[no-untyped-def,unused-ignore]
    """Register the azora-tasks nox sessions; see `azora_tasks.nox_sessions.register_sessions`.

    Imported on call so the console script never pays for importing nox.
    """
    from azora_tasks.nox_sessions import register_sessions as register

    return register(*args, **kwargs)

"""The package version, in a module of its own: `pyproject.toml` reads it (setuptools `attr:`),
and `cache.py` / `cli.py` import it without importing the package's `__init__`, which would
otherwise sit in the middle of their import chains."""

__version__ = "0.1.0"

"""Tasks: what to do to one service. Each module builds a `work(service)` function.

A task never loops over services itself -- the runner does -- so every task
gets parallelism, failure isolation and Ctrl-C handling for free.
"""

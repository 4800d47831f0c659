"""Benchmarks of clerk-client against Clerk's official SDK and hand-written floors.

Run them with ``scripts/bench`` (``--quick``, ``--only W2,W3``); see ``benchmarks/run.py``.
"""

"""Clerk in web frameworks: one small module per framework, each thin over the shared core
(``authenticate_request``, ``decide_access``). Import the one you use; none imports another
framework, and this package imports nothing.
"""

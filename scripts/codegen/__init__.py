"""The code generator: Clerk's OpenAPI spec -> models, resources, operation table, API reference.

Run it with ``scripts/generate``. ``config`` holds every hand-made decision (names, aliases, spec
patches); ``spec`` reads and patches; ``schemas`` and ``operations`` build the model; the
``render_*`` modules write Python and Markdown; ``generate`` formats, writes and checks.
"""

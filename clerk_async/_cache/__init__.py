"""The cache's pure parts, shared by ``clerk_async.cache`` and ``clerk_sync.cache``: entries and the
rules that change them, the kinds of cached objects, the near (in-process) layer, webhook events
turned into changes, single flight and batching, store health and the metrics. No I/O here."""

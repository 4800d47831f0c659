"""The rate-limit policy as Redis runs it: :func:`clerk_async._ratelimit.book` in Lua.

A limiter's state is one Redis hash of the two moments of :class:`~clerk_async._ratelimit.Pacing`,
``n`` (next send) and ``p`` (paused until), in seconds of Redis's own clock (``TIME``), so that
processes on machines whose clocks differ still agree. Each script runs atomically: a booking by
one process is seen by the next, whichever machine it runs on. A hash expires once its moments are
past, when it means what an absent one does. Every script takes ``now`` as its last argument, empty
for Redis's clock (a test passes its own, to compare the bookings with ``book``'s). Numbers go in
and out as text: Redis turns a Lua number it returns into an integer. Pure and shared.
"""

from __future__ import annotations

__all__ = ["BOOK", "PAUSE", "PAUSED_FOR"]

_NOW = """
local now = tonumber(ARGV[#ARGV])
if not now then
  local time = redis.call('TIME')
  now = tonumber(time[1]) + tonumber(time[2]) / 1000000
end
local function text(seconds) return string.format('%.6f', seconds) end
local function keep(next_send, paused_until)
  local left = math.max(next_send, paused_until) - now
  redis.call('PEXPIRE', KEYS[1], math.ceil(left * 1000) + 1000)
end
"""

#: Book a send: ``ARGV`` = spacing, burst tolerance (``(burst - 1) * spacing``), now. Returns the
#: slot and now.
BOOK = (
    _NOW
    + """
local state = redis.call('HMGET', KEYS[1], 'n', 'p')
local next_send = tonumber(state[1]) or now
local paused_until = tonumber(state[2]) or now
local spacing = tonumber(ARGV[1])
local slot = math.max(now, next_send - tonumber(ARGV[2]), paused_until)
next_send = math.max(next_send, slot) + spacing
redis.call('HSET', KEYS[1], 'n', text(next_send))
keep(next_send, paused_until)
return {text(slot), text(now)}
"""
)

#: Hold every send back: ``ARGV`` = seconds, now. Returns the moment the pause ends.
PAUSE = (
    _NOW
    + """
local state = redis.call('HMGET', KEYS[1], 'n', 'p')
local paused_until = math.max(tonumber(state[2]) or now, now + tonumber(ARGV[1]))
redis.call('HSET', KEYS[1], 'p', text(paused_until))
keep(tonumber(state[1]) or now, paused_until)
return text(paused_until)
"""
)

#: Seconds left of a pause (0: none): ``ARGV`` = now.
PAUSED_FOR = (
    _NOW
    + """
local paused_until = tonumber(redis.call('HGET', KEYS[1], 'p')) or now
return text(math.max(0, paused_until - now))
"""
)

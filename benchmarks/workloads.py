"""The workloads W1-W5, one function per contender, each run in a fresh process by ``child``.

Every function sets up its client, warms it up (connections open, decoders and models built),
then measures only the workload: client CPU (``getrusage(RUSAGE_SELF)`` user + sys) and wall time.
The floors are what a hand-written client would minimally do with the same library.
"""

from __future__ import annotations

import asyncio
import gc
import http.client
import importlib
import json
import resource
import tracemalloc
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import urllib3

from benchmarks import fixtures
from benchmarks.measurement import Measurement, Meter, Params
from benchmarks.tokens import W7_CONTENDERS, W7_FLOOR

__all__ = ["FLOORS", "WORKLOADS"]

SECRET_KEY = "sk_test_benchmark_0123456789abcdef"
HEADERS = {
    "Authorization": "Bearer " + SECRET_KEY,
    "Accept": "application/json",
    "User-Agent": "bench-floor/1.0",
}
JSON_HEADERS = {**HEADERS, "Content-Type": "application/json"}
#: Requests made before measuring: every connection of the pool opened, every cache built.
WARMUP_REQUESTS = 256


def user_ids(count: int) -> list[str]:
    """Distinct ids for the requests and the warm-up before them."""
    return [f"user_2bench{index:016d}" for index in range(max(count, WARMUP_REQUESTS))]


async def run_concurrently(
    count: int, concurrency: int, call: Callable[[int], Awaitable[object]]
) -> None:
    """``call(0..count-1)`` from ``concurrency`` tasks sharing one counter."""
    indexes = iter(range(count))

    async def worker() -> None:
        for index in indexes:
            await call(index)

    await asyncio.gather(*(worker() for _ in range(concurrency)))


def _orjson_loads() -> Callable[[bytes], Any]:
    """``orjson.loads``, imported at run time: orjson comes with the bench extra only, and the type
    check of this module must not need it."""
    loads: Callable[[bytes], Any] = importlib.import_module("orjson").loads
    return loads


def _check(status: int, body: bytes) -> bytes:
    if status != 200:
        raise RuntimeError(f"unexpected status {status}: {body[:200]!r}")
    return body


# W1: decode one 500-user page ----------------------------------------------------------------


def _decode_loop(p: Params, decode: Callable[[bytes], Any]) -> Measurement:
    page = fixtures.page_bytes(p.page_size)
    for _ in range(3):
        decode(page)
    with Meter() as meter:
        for _ in range(p.count):
            decode(page)
    return meter.result(p.count, bytes=len(page))


def w1_ours(p: Params) -> Measurement:
    from clerk_async._operations import GET_USER_LIST
    from clerk_async._response import response_decoder
    from clerk_async.models import User

    # The cached bytes -> Page[User] function clerk.users.list decodes with.
    decode = response_decoder(User, GET_USER_LIST.pagination)
    if len(decode(fixtures.page_bytes(p.page_size))) != p.page_size:
        raise RuntimeError("the page did not decode into every user")
    return _decode_loop(p, decode)


def w1_official(p: Params) -> Measurement:
    from clerk_backend_api import models
    from clerk_backend_api.utils.serializers import unmarshal_json

    users_type = list[models.User]

    def decode(body: bytes) -> Any:
        # unmarshal_json_response(List[User], http_res) minus its try/except: http_res.text, then
        # pydantic validation.
        return unmarshal_json(body.decode("utf-8"), users_type)

    return _decode_loop(p, decode)


def w1_orjson(p: Params) -> Measurement:
    return _decode_loop(p, _orjson_loads())


def w1_json(p: Params) -> Measurement:
    return _decode_loop(p, json.loads)


# W2: async users.get, 64 concurrent tasks ----------------------------------------------------


async def _timed_async(
    p: Params, call: Callable[[int], Awaitable[object]], warmup: int = WARMUP_REQUESTS
) -> Measurement:
    await run_concurrently(warmup, p.concurrency, call)
    with Meter() as meter:
        await run_concurrently(p.count, p.concurrency, call)
    return meter.result(p.count)


def w2_ours(p: Params) -> Measurement:
    from clerk_async import Clerk

    ids = user_ids(p.count)

    async def main() -> Measurement:
        async with Clerk(bearer_auth=SECRET_KEY, server_url=p.url) as clerk:

            async def call(index: int) -> object:
                return await clerk.users.get(ids[index])

            return await _timed_async(p, call)

    return asyncio.run(main())


def w2_official(p: Params) -> Measurement:
    from clerk_backend_api import Clerk

    ids = user_ids(p.count)

    async def main() -> Measurement:
        async with Clerk(bearer_auth=SECRET_KEY, server_url=p.url) as sdk:

            async def call(index: int) -> object:
                return await sdk.users.get_async(user_id=ids[index])

            return await _timed_async(p, call)

    return asyncio.run(main())


def _w2_aiohttp(p: Params, decode: Callable[[bytes], Any] | None) -> Measurement:
    urls = [p.url + "/users/" + user_id for user_id in user_ids(p.count)]

    async def main() -> Measurement:
        async with aiohttp.ClientSession(headers=HEADERS) as session:

            async def call(index: int) -> object:
                async with session.get(urls[index]) as response:
                    body = _check(response.status, await response.read())
                return body if decode is None else decode(body)

            return await _timed_async(p, call)

    return asyncio.run(main())


def w2_aiohttp(p: Params) -> Measurement:
    return _w2_aiohttp(p, None)


def w2_aiohttp_json(p: Params) -> Measurement:
    return _w2_aiohttp(p, json.loads)


# W3: sequential sync users.get ---------------------------------------------------------------


def _timed_sync(p: Params, call: Callable[[int], object], warmup: int = 50) -> Measurement:
    for index in range(warmup):
        call(index)
    with Meter() as meter:
        for index in range(p.count):
            call(index)
    return meter.result(p.count)


def w3_ours(p: Params) -> Measurement:
    from clerk_sync import Clerk

    ids = user_ids(p.count)
    with Clerk(bearer_auth=SECRET_KEY, server_url=p.url) as clerk:
        return _timed_sync(p, lambda index: clerk.users.get(ids[index]))


def w3_official(p: Params) -> Measurement:
    from clerk_backend_api import Clerk

    ids = user_ids(p.count)
    with Clerk(bearer_auth=SECRET_KEY, server_url=p.url) as sdk:
        return _timed_sync(p, lambda index: sdk.users.get(user_id=ids[index]))


def w3_urllib3(p: Params) -> Measurement:
    urls = [p.url + "/users/" + user_id for user_id in user_ids(p.count)]
    pool = urllib3.PoolManager()

    def call(index: int) -> bytes:
        response = pool.request("GET", urls[index], headers=HEADERS)
        return _check(response.status, response.data)

    try:
        return _timed_sync(p, call)
    finally:
        pool.clear()


def w3_http_client(p: Params) -> Measurement:
    parts = urlsplit(p.url)
    paths = [parts.path + "/users/" + user_id for user_id in user_ids(p.count)]
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port)

    def call(index: int) -> bytes:
        connection.request("GET", paths[index], headers=HEADERS)
        response = connection.getresponse()
        return _check(response.status, response.read())

    try:
        return _timed_sync(p, call)
    finally:
        connection.close()


# W4: walk every user in pages of 500 ---------------------------------------------------------


async def _walk(
    p: Params, walk: Callable[[], Awaitable[int]], warm: Callable[[], Awaitable[object]]
) -> Measurement:
    await warm()
    if p.trace_memory:
        gc.collect()
        tracemalloc.start()
        walked = await walk()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        _expect_walked(p, walked)
        return Measurement(walked, 0.0, 0.0, {"peak_mb": peak / 2**20})
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with Meter() as meter:
        walked = await walk()
    _expect_walked(p, walked)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    return meter.result(walked, maxrss_delta_mb=grown / 1024)


def _expect_walked(p: Params, walked: int) -> None:
    if walked != p.count:
        raise RuntimeError(f"walked {walked} users, expected {p.count}")


def w4_ours(p: Params) -> Measurement:
    from clerk_async import Clerk

    async def main() -> Measurement:
        async with Clerk(bearer_auth=SECRET_KEY, server_url=p.walk_url) as clerk:

            async def walk() -> int:
                walked = 0
                async for user in clerk.paginate(clerk.users.list, page_size=p.page_size):
                    walked += user.id is not None
                return walked

            return await _walk(p, walk, lambda: clerk.users.list(limit=p.page_size))

    return asyncio.run(main())


def w4_official(p: Params) -> Measurement:
    from clerk_backend_api import Clerk

    async def main() -> Measurement:
        async with Clerk(bearer_auth=SECRET_KEY, server_url=p.walk_url) as sdk:

            async def page(offset: int) -> list[Any]:
                users: list[Any] = await sdk.users.list_async(
                    request={"limit": p.page_size, "offset": offset}
                )
                return users

            async def walk() -> int:
                walked = offset = 0
                while True:
                    users = await page(offset)
                    for user in users:
                        walked += user.id is not None
                    if len(users) < p.page_size:
                        return walked
                    offset += len(users)

            return await _walk(p, walk, lambda: page(0))

    return asyncio.run(main())


def _w4_aiohttp(p: Params, decode: Callable[[bytes], Any]) -> Measurement:
    async def main() -> Measurement:
        async with aiohttp.ClientSession(headers=HEADERS) as session:

            async def page(offset: int) -> list[Any]:
                url = f"{p.walk_url}/users?limit={p.page_size}&offset={offset}"
                async with session.get(url) as response:
                    items: list[Any] = decode(_check(response.status, await response.read()))
                    return items

            async def walk() -> int:
                walked = offset = 0
                while True:
                    users = await page(offset)
                    for user in users:
                        walked += user["id"] is not None
                    if len(users) < p.page_size:
                        return walked
                    offset += len(users)

            return await _walk(p, walk, lambda: page(0))

    return asyncio.run(main())


def w4_aiohttp_json(p: Params) -> Measurement:
    return _w4_aiohttp(p, json.loads)


def w4_aiohttp_orjson(p: Params) -> Measurement:
    return _w4_aiohttp(p, _orjson_loads())


# W5: async users.create, 64 concurrent tasks -------------------------------------------------


def _bodies(count: int) -> list[dict[str, Any]]:
    return [fixtures.create_body(index) for index in range(max(count, WARMUP_REQUESTS))]


def w5_ours(p: Params) -> Measurement:
    from clerk_async import Clerk

    bodies = _bodies(p.count)

    async def main() -> Measurement:
        async with Clerk(bearer_auth=SECRET_KEY, server_url=p.url) as clerk:

            async def call(index: int) -> object:
                return await clerk.users.create(**bodies[index])

            return await _timed_async(p, call)

    return asyncio.run(main())


def w5_official(p: Params) -> Measurement:
    from clerk_backend_api import Clerk

    bodies = _bodies(p.count)

    async def main() -> Measurement:
        async with Clerk(bearer_auth=SECRET_KEY, server_url=p.url) as sdk:

            async def call(index: int) -> object:
                return await sdk.users.create_async(**bodies[index])

            return await _timed_async(p, call)

    return asyncio.run(main())


def _w5_aiohttp(p: Params, decode: Callable[[bytes], Any] | None) -> Measurement:
    bodies = _bodies(p.count)
    url = p.url + "/users"

    async def main() -> Measurement:
        async with aiohttp.ClientSession(headers=JSON_HEADERS) as session:

            async def call(index: int) -> object:
                data = json.dumps(bodies[index]).encode()
                async with session.post(url, data=data) as response:
                    body = _check(response.status, await response.read())
                return body if decode is None else decode(body)

            return await _timed_async(p, call)

    return asyncio.run(main())


def w5_aiohttp(p: Params) -> Measurement:
    return _w5_aiohttp(p, None)


def w5_aiohttp_json(p: Params) -> Measurement:
    return _w5_aiohttp(p, json.loads)


Contender = Callable[[Params], Measurement]

#: workload -> contender -> function, in the order the report lists them.
WORKLOADS: dict[str, dict[str, Contender]] = {
    "W1": {
        "ours": w1_ours,
        "official SDK": w1_official,
        "orjson.loads": w1_orjson,
        "json.loads": w1_json,
    },
    "W2": {
        "ours": w2_ours,
        "official SDK": w2_official,
        "aiohttp": w2_aiohttp,
        "aiohttp + json.loads": w2_aiohttp_json,
    },
    "W3": {
        "ours": w3_ours,
        "official SDK": w3_official,
        "urllib3": w3_urllib3,
        "http.client": w3_http_client,
    },
    "W4": {
        "ours": w4_ours,
        "official SDK": w4_official,
        "aiohttp + json.loads": w4_aiohttp_json,
        "aiohttp + orjson.loads": w4_aiohttp_orjson,
    },
    "W5": {
        "ours": w5_ours,
        "official SDK": w5_official,
        "aiohttp": w5_aiohttp,
        "aiohttp + json.loads": w5_aiohttp_json,
    },
    "W7": W7_CONTENDERS,  # token verification, no server: benchmarks/tokens.py
}

#: The floor each workload's ratios are taken against (measured in the same run).
FLOORS = {
    "W1": "orjson.loads",
    "W2": "aiohttp",
    "W3": "urllib3",
    "W4": "aiohttp + json.loads",
    "W5": "aiohttp",
    "W7": W7_FLOOR,
}

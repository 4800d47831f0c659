"""The queue between a run's feeder and its workers: order, room, and the workers' end."""

from __future__ import annotations

import anyio

from clerk_async.migrate.work_queue import EMPTY, WorkQueue


async def test_offer_and_poll_hand_items_over_in_order_without_waiting() -> None:
    queue: WorkQueue[int] = WorkQueue(2)
    assert queue.poll() is EMPTY
    assert queue.offer(1) and queue.offer(2)
    assert not queue.offer(3)  # full: the caller waits with put()
    assert [queue.poll(), queue.poll(), queue.poll()] == [1, 2, EMPTY]
    queue.close(1)
    assert queue.poll() is None  # a worker's end, after the items


async def test_a_waiting_worker_and_feeder_are_woken() -> None:
    queue: WorkQueue[int] = WorkQueue(1)
    got: list[int | None] = []

    async def worker() -> None:
        while (item := await queue.get()) is not None:
            got.append(item)

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(worker)
        await anyio.sleep(0)  # the worker waits for an item
        for item in range(5):
            if not queue.offer(item):
                await queue.put(item)  # waits for the worker to take the one before
        queue.close(1)
    assert got == [0, 1, 2, 3, 4]

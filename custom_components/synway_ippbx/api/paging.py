"""Fetching every page of a paged answer (ext_status, cdrs), a few pages at a time."""

import asyncio
from collections.abc import Awaitable, Callable, Iterable
import math
from typing import Final

from .calls import CdrPage
from .exceptions import SynwayError, SynwayResponseError
from .extensions import ExtensionStatusPage

_MAX_PAGES: Final = 1_000


def bounded_last_page(
    max_page: int | None, total: int | None, page_size: int
) -> int | None:
    """The last page worth asking for: ``max_page``, but never past what ``total`` needs.

    A PBX (or anything posing as one) claiming 10,000 pages for 30 records gets 1 page.
    """
    if total is None or total < 0 or page_size <= 0:
        return max_page
    needed = max(1, math.ceil(total / page_size))
    return needed if max_page is None else min(max_page, needed)


def _page_items(page: ExtensionStatusPage | CdrPage) -> int:
    if isinstance(page, ExtensionStatusPage):
        return len(page.extensions)
    return len(page.records)


async def remaining_pages[P: (ExtensionStatusPage, CdrPage)](
    first: P,
    max_page: int | None,
    concurrency: int,
    fetch: Callable[[int], Awaitable[P]],
) -> list[P]:
    """Fetch pages 2..max_page with a bound; without max_page, walk until a short page."""
    pages = [first]
    if max_page is not None:
        last = min(max_page, _MAX_PAGES)
        if last > 1:
            pages.extend(await _gather_bounded(fetch, range(2, last + 1), concurrency))
        return pages
    page_size = _page_items(first)
    page = first
    number = 1
    while page_size and _page_items(page) >= page_size and number < _MAX_PAGES:
        number += 1
        page = await fetch(number)
        if not _page_items(page):
            break
        pages.append(page)
    return pages


async def _gather_bounded[P](
    fetch: Callable[[int], Awaitable[P]], numbers: Iterable[int], concurrency: int
) -> list[P]:
    semaphore = asyncio.Semaphore(concurrency)

    async def one(number: int) -> P:
        async with semaphore:
            return await fetch(number)

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(number)) for number in numbers]
    except* SynwayError as errors:
        raise errors.exceptions[0] from None
    return [task.result() for task in tasks]


def check_complete(
    endpoint: str, pages: list[ExtensionStatusPage], collected: int
) -> None:
    """Refuse a paged answer that does not add up: a page missing, or fewer than ``total``.

    Only a complete list may say that something is gone; an incomplete one would make
    the integration remove the devices it left out.
    """
    first = pages[0]
    last = len(pages)
    for number, page in enumerate(pages[:-1], start=1):
        if not page.extensions:
            raise SynwayResponseError(
                f"{endpoint}: page {number} of {last} came back empty"
            )
    if first.total is not None and collected != first.total:
        raise SynwayResponseError(
            f"{endpoint}: the PBX counts {first.total} but its pages list {collected}"
        )

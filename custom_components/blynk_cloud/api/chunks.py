"""Splitting uploads at the server's per-request limits."""

from collections.abc import Awaitable, Callable, Sequence

from .errors import BlynkChunkError, BlynkError
from .models import UploadResult


def chunked[T](items: Sequence[T], size: int) -> list[Sequence[T]]:
    """Consecutive slices of at most `size` items; none for no items."""
    return [items[start : start + size] for start in range(0, len(items), size)]


async def upload_chunks[T](
    items: Sequence[T], size: int, send: Callable[[Sequence[T]], Awaitable[object]]
) -> UploadResult:
    """Send `items` in chunks, in order; stop at the first failure and say how far it got."""
    chunks = chunked(items, size)
    accepted = 0
    for chunk in chunks:
        try:
            await send(chunk)
        except BlynkError as err:
            raise BlynkChunkError(accepted, err) from err
        accepted += len(chunk)
    return UploadResult(points=accepted, requests=len(chunks))

"""Typed keys of the aiohttp application of one emulated region."""

from collections.abc import Callable

from aiohttp import web

from .model import Emulator

EMULATOR_KEY = web.AppKey("emulator", Emulator)
REGION_KEY = web.AppKey("region", str)
URL_FOR_KEY: web.AppKey[Callable[[str], str]] = web.AppKey("url_for")


def emulator_of(request: web.Request) -> Emulator:
    """Return the emulator behind a request."""
    return request.app[EMULATOR_KEY]

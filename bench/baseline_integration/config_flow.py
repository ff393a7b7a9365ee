"""No flow: Home Assistant imports this module before it sets an entry up."""

from homeassistant.config_entries import ConfigFlow

from . import DOMAIN


class BaselineConfigFlow(ConfigFlow, domain=DOMAIN):
    """The benchmark creates the entries itself."""

    VERSION = 1

"""Readings of the Blynk documentation the real server may take: the one list of them.

Where the docs leave the server's behaviour open, or the docs, their change history and
public clients disagree, the emulator can play every plausible reading. Each
:class:`Variant` names its readings, the default (what the docs say) and the source of
each reading: a doc page (``/work/shared/blynk-docs`` or docs.blynk.io, i.e. the
``blynkkk/docs`` repository), a changelog date, a public client, or "inference".

A scenario chooses readings in its ``variants`` section (``{"token_refusal": "401"}``);
the control API reads and sets them (``GET``/``POST /_emulator/variants``) and the command
line takes ``--variant name=reading``. Every emulator behaviour that depends on a reading
asks :meth:`Variants.is_` or :meth:`Variants.reading`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ScenarioError

OAS = "OpenAPI pages of the Platform API (docs.blynk.io platform-https-api; blynk-docs/002, 004)"


@dataclass(frozen=True, slots=True)
class Reading:
    """One way the server may behave, and where that reading comes from."""

    name: str
    behaviour: str
    source: str


@dataclass(frozen=True, slots=True)
class Variant:
    """A behaviour the docs leave open, with every plausible reading of it."""

    name: str
    question: str
    readings: tuple[Reading, ...]
    default: str

    def reading(self, name: str) -> Reading:
        """Return the reading called ``name``; ValueError if there is none."""
        for reading in self.readings:
            if reading.name == name:
                return reading
        known = ", ".join(reading.name for reading in self.readings)
        raise ValueError(f"variant {self.name!r} has no reading {name!r} (known: {known})")


TOKEN_REFUSAL = "token_refusal"  # noqa: S105 - a variant name
PAGE_SIZE = "page_size"
DEVICE_GET_KEYS = "device_get_keys"
EXPORT_DELIVERY = "export_delivery"
EXPORT_TIMESTAMPS = "export_timestamps"
EXPORT_QUOTA = "export_quota"
BOOLEAN_WRITES = "boolean_writes"
VALUE_SHAPES = "value_shapes"
TEMPLATE_BOUNDS = "template_bounds"
IMPORT_AGE = "import_age"
REDIRECT = "redirect"
ENUM_ANSWERS = "enum_answers"
VALUE_TIMESTAMPS = "value_timestamps"

VARIANTS: tuple[Variant, ...] = (
    Variant(
        TOKEN_REFUSAL,
        "How the Platform API refuses a missing, expired or revoked access token.",
        (
            Reading(
                "403",
                "403 Forbidden without a body",
                f"{OAS}: every operation lists a bare `403 Forbidden`, and none lists 401",
            ),
            Reading(
                "403_body",
                '403 with `{"error":{"message":"Forbidden."}}`',
                "inference: Blynk's error shape around the status text",
            ),
            Reading(
                "401",
                "401 `Unauthorized.` with `WWW-Authenticate: Bearer`",
                "inference: RFC 6750 section 3.1; blynk-api-reference.md section 9",
            ),
        ),
        default="403",
    ),
    Variant(
        PAGE_SIZE,
        "How paged reads (devices, templates, history) treat the requested page `size`.",
        (
            Reading(
                "honoured",
                "`size` items a page (1..1000); more than 1000 is a 400",
                f"{OAS}: `size` 1..1000, default 50",
            ),
            Reading(
                "capped_100",
                "at most 100 items a page; a larger size is served as 100",
                "older Platform API pages (blynkkk/docs 89f30f5): size 1 to 100",
            ),
            Reading(
                "strict_100",
                "at most 100 items a page; a larger size answers 400 `Bad request - requested "
                "page size is too big`",
                f"{OAS}: the 400 text for a size above the limit; the older pages and the current "
                "get-devices-in-organization.md: size 1 to 100",
            ),
            Reading(
                "capped_2",
                "at most 2 items a page",
                "inference: a server with small pages",
            ),
            Reading(
                "ignored",
                "`size` is ignored: 50 items a page, the documented default",
                "inference",
            ),
        ),
        default="honoured",
    ),
    Variant(
        DEVICE_GET_KEYS,
        "What the Device API's `get` does with a pin sent as `v1=` instead of the bare key `v1`.",
        (
            Reading(
                "bare_only",
                "bare keys (`get?token=…&v1&v2`) only; `v1=` answers 400 `Wrong pin format.`",
                "get-multiple-datastream-values.md and every public client send bare keys; "
                "the answer to `v1=` is inference",
            ),
            Reading(
                "lenient",
                "`v1` and `v1=` alike",
                "inference: common query-string decoders read both as an empty value",
            ),
        ),
        default="bare_only",
    ),
    Variant(
        EXPORT_DELIVERY,
        "What the Device API's export (`/external/api/data/get`) answers.",
        (
            Reading(
                "link_zip",
                '`{"link": ".../device_data_….zip"}`: a zip holding one CSV file',
                "get-device-report.md 200 example; `output=JSON` dropped 2025-01-27 (e8fece3)",
            ),
            Reading(
                "link_gzip",
                "a link to a gzip-compressed CSV file",
                "inference",
            ),
            Reading(
                "link_csv",
                "a link to a plain CSV file",
                "inference",
            ),
            Reading(
                "json",
                'the rows in the body: `{"meta", "data": [{"ts", "value"}], "rows"}`',
                "get-device-report.md before 2025-01-27 (`output=JSON`); changelog 2026-07-15 "
                '"streaming JSON responses"',
            ),
        ),
        default="link_zip",
    ),
    Variant(
        EXPORT_TIMESTAMPS,
        "How an export writes `ts` (format `TS`).",
        (
            Reading(
                "seconds",
                "unix seconds, a number",
                "get-device-report.md JSON example: `ts` typed `UInt32`; CSV rows reported in "
                "unix seconds",
            ),
            Reading(
                "milliseconds", "epoch milliseconds, a number", "inference: Blynk's other APIs"
            ),
            Reading(
                "seconds_text",
                "unix seconds, a string",
                "inference: ClickHouse-style JSON quotes integers",
            ),
            Reading(
                "milliseconds_text",
                "epoch milliseconds, a string",
                "inference: ClickHouse-style JSON quotes 64-bit integers",
            ),
        ),
        default="seconds",
    ),
    Variant(
        EXPORT_QUOTA,
        "How the export refuses a request over the daily limit (limits.md: 10 per device).",
        (
            Reading(
                "429",
                "429 `Daily limit of {n} data exports per device is reached.`",
                "inference: limits.md gives the limit, not the answer",
            ),
            Reading(
                "500_no_data_text",
                "500 `No data exports left for today (limit {n}).`, which starts like `No data`",
                "inference: get-device-report.md answers an empty period with 500 `No data`",
            ),
        ),
        default="429",
    ),
    Variant(
        BOOLEAN_WRITES,
        "Whether Platform API writes and imports accept JSON `true`/`false` as a value.",
        (
            Reading(
                "refused",
                "refused: 400 `Invalid value.` (one value, import); skipped (several values)",
                f"{OAS}: DataStreamRawValue is a string, a number or [lon, lat]",
            ),
            Reading(
                "accepted",
                "accepted as 1 and 0",
                "inference: the Device API's timestamped upload documents `[[ts, true]]`",
            ),
        ),
        default="refused",
    ),
    Variant(
        VALUE_SHAPES,
        "How reads (Platform batch and v2 reads, Device `getAll`) shape the values.",
        (
            Reading(
                "typed",
                "numbers as numbers, strings as strings, locations as [lon, lat]",
                f"{OAS}: DataStreamRawValue",
            ),
            Reading(
                "text",
                'every value as text: `"21.5"`, `"1"`, `"[13.4,52.5]"`',
                "inference: the Device API's single `get` answers text; public clients parse "
                "values defensively (blynk-api-reference.md section 3)",
            ),
            Reading(
                "one_malformed",
                "typed, but the first numeric value of the first device of each answer is "
                '`{"unexpected": true}`',
                "inference",
            ),
        ),
        default="typed",
    ),
    Variant(
        TEMPLATE_BOUNDS,
        "Whether template datastream definitions carry `min` and `max`.",
        (
            Reading(
                "absent",
                "no `min`/`max` (the server still clamps to them)",
                f"{OAS}: TemplateDataStream shows none; the older example "
                '`[{"id":1,"label":"DS 1",…}]` neither',
            ),
            Reading(
                "present",
                "`min`/`max` as set in the console",
                "inference from the console docs (min-value.md, max-value.md)",
            ),
        ),
        default="absent",
    ),
    Variant(
        IMPORT_AGE,
        "How old imported points may be (Platform import and Device timestamped upload).",
        (
            Reading(
                "three_months",
                "up to 90 days in the past",
                "changelog 2026-04-20: the import handler's minimum timestamp extended from 1 "
                "to 3 months (a month taken as 30 days: inference)",
            ),
            Reading(
                "one_month",
                "up to 30 days in the past; older points answer 400",
                "import-datastream-values.md and upload-set-of-data-with-timestamps-api.md: "
                '"only one month in the past"',
            ),
        ),
        default="three_months",
    ),
    Variant(
        REDIRECT,
        "Which status sends a request to the right region.",
        (
            Reading(
                "308",
                "308 Permanent Redirect, empty body, `Location`",
                "device-https-api/troubleshooting.md",
            ),
            Reading("301", "301 Moved Permanently", "inference"),
            Reading("302", "302 Found", "inference"),
            Reading("307", "307 Temporary Redirect", "inference"),
        ),
        default="308",
    ),
    Variant(
        ENUM_ANSWERS,
        "How reads answer an ENUM datastream's value.",
        (
            Reading(
                "number",
                "its number (`2`)",
                f"{OAS}: DataStreamRawValue; getAll and the multi-pin `get` answer the numeric "
                "code (github.com/adeaux/windmill-assistant- README @bc8c3b3)",
            ),
            Reading(
                "label",
                'its label where the template names one (`"Cool"`), in every read',
                "github.com/johnanthonyeletto/homebridge-windmill-ac "
                "src/services/WindmillService.ts @a6dee55 (a single `get` of the mode answers "
                "Fan/Cool/Eco); github.com/nuance/homebridge-windmill-ac 82ef995 (the server "
                "answered numbers and labels at different times); in every read: inference",
            ),
        ),
        default="number",
    ),
    Variant(
        VALUE_TIMESTAMPS,
        "Whether value reads (Platform batch and v2 reads) tell when each value was set.",
        (
            Reading(
                "present",
                "`updatedAt` (epoch ms) with every value that was ever set",
                f"{OAS}: DataStreamValue's optional `updatedAt` (the v2 read); the batch "
                "answer's items are not shown (blynk-api-reference.md section 2.5): inference",
            ),
            Reading(
                "absent",
                "no `updatedAt`: values without their time",
                "inference: the batch answer's inner shape is not documented",
            ),
        ),
        default="present",
    ),
)
"""Every variant, in one place."""

CATALOG: Mapping[str, Variant] = {variant.name: variant for variant in VARIANTS}


class Variants:
    """The reading in force for every variant: the defaults, then a scenario's choices."""

    def __init__(self, chosen: Mapping[str, Any] | None = None) -> None:
        """Start from the defaults; ``chosen`` overrides some (ValueError if invalid)."""
        self._readings = {variant.name: variant.default for variant in VARIANTS}
        self.update(chosen or {})

    def update(self, chosen: Mapping[str, Any]) -> None:
        """Set the readings in ``chosen``; nothing changes if one is invalid."""
        checked = {}
        for name, reading in chosen.items():
            variant = CATALOG.get(name)
            if variant is None:
                raise ValueError(f"no variant {name!r} (known: {', '.join(CATALOG)})")
            if not isinstance(reading, str):
                raise ValueError(f"variant {name!r}: the reading must be a string")  # noqa: TRY004
            checked[name] = variant.reading(reading).name
        self._readings.update(checked)

    def reading(self, name: str) -> str:
        """Return the reading in force for variant ``name``."""
        return self._readings[name]

    def is_(self, name: str, reading: str) -> bool:
        """Return whether ``reading`` of variant ``name`` is in force (both must exist)."""
        CATALOG[name].reading(reading)
        return self._readings[name] == reading

    def as_dict(self) -> dict[str, str]:
        """Return every variant's reading."""
        return dict(self._readings)


def scenario_variants(section: Any) -> Variants:
    """Return the readings of a scenario's ``variants`` section; ScenarioError if invalid."""
    if section is None:
        return Variants()
    if not isinstance(section, dict):
        raise ScenarioError("scenario: 'variants' must be an object")
    try:
        return Variants(section)
    except ValueError as err:
        raise ScenarioError(f"scenario: 'variants': {err}") from None


def catalog_json() -> list[dict[str, Any]]:
    """Return every variant with its readings and sources, as JSON data."""
    return [
        {
            "name": variant.name,
            "question": variant.question,
            "default": variant.default,
            "readings": [
                {"name": r.name, "behaviour": r.behaviour, "source": r.source}
                for r in variant.readings
            ],
        }
        for variant in VARIANTS
    ]


def parse_assignment(text: str) -> tuple[str, str]:
    """Parse ``name=reading`` (the command line's ``--variant``); ValueError if malformed."""
    name, equals, reading = text.partition("=")
    if not equals or not name.strip() or not reading.strip():
        raise ValueError(f"expected name=reading, got {text!r}")
    Variants({name.strip(): reading.strip()})
    return name.strip(), reading.strip()

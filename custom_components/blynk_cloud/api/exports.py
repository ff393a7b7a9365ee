"""The Device API's export files: a zip holding one CSV file, a gzip CSV file, or plain CSV.

The docs show only the link (`device_data_….zip`); the file's layout is inferred from what
others report: a header row, then `data_stream_name,ts,value` rows with `ts` in seconds or
milliseconds. Rows without a header are read as `ts,value` or `name,ts,value`.
"""

import csv
import io
import zipfile
import zlib

from .errors import BlynkResponseError
from .models import DatastreamType, HistoryPoint, export_points

MAX_EXPORT_BYTES = 64 << 20
"""The most an export file may hold once unpacked."""
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")  # a zip with files, an empty zip
_GZIP = b"\x1f\x8b"
_TS_NAMES = ("ts", "timestamp", "time", "created_at", "createdat")
_PAIR = 2


def read_export_file(data: bytes, kind: DatastreamType | None) -> list[HistoryPoint]:
    """The points of an export file, oldest first; values read as the datastream's type."""
    return export_points(csv_rows(unpack(data)), kind)


def unpack(data: bytes) -> str:
    """The CSV text of an export file, whichever of the three forms it has."""
    if data.startswith(_ZIP):
        data = _unzip(data)
    elif data.startswith(_GZIP):
        data = _gunzip(data)
    return data.decode("utf-8-sig", errors="replace")


def _unzip(data: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
            if not members:
                raise BlynkResponseError("the export file is an empty zip")
            member = next((m for m in members if m.filename.endswith(".csv")), members[0])
            if member.file_size > MAX_EXPORT_BYTES:
                raise BlynkResponseError("the export file is too large")
            return archive.read(member)
    except (zipfile.BadZipFile, zlib.error, EOFError) as err:
        raise BlynkResponseError("the export file is not a readable zip") from err


def _gunzip(data: bytes) -> bytes:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        text = inflater.decompress(data, MAX_EXPORT_BYTES)
    except zlib.error as err:
        raise BlynkResponseError("the export file is not readable gzip") from err
    if inflater.unconsumed_tail:
        raise BlynkResponseError("the export file is too large")
    return text


def csv_rows(text: str) -> list[tuple[str, str]]:
    """`(ts, value)` cells of CSV rows, found by the header's names or by position."""
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        return []
    header = [cell.strip().lower() for cell in rows[0]]
    ts_column = next((header.index(name) for name in _TS_NAMES if name in header), None)
    if ts_column is not None and "value" in header:
        columns, rows = (ts_column, header.index("value")), rows[1:]
    else:
        width = len(rows[0])
        if width < _PAIR:
            raise BlynkResponseError("the export file has fewer than two columns")
        columns = (width - 2, width - 1)  # `ts,value` or `name,ts,value`
        if not rows[0][columns[0]].strip().lstrip("-").replace(".", "", 1).isdigit():
            rows = rows[1:]  # a header with other names
    ts_index, value_index = columns
    return [(row[ts_index], row[value_index]) for row in rows if len(row) > value_index]

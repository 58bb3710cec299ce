"""The values every driver test round-trips: one per SQL type the engine
has, with the edge cases that have their own wire encoding (NaN and
infinities, numeric scale and weight, negative intervals, NULL array
elements, multi-dimensional arrays)."""
import datetime as dt
import decimal
import uuid

D = decimal.Decimal
UTC = dt.timezone.utc

# (SQL type, Python value) pairs. Floats that are not exactly binary
# fractions are left out of float4, whose text form rounds.
SCALARS = [
    ("bool", True),
    ("bool", False),
    ("int2", -32768),
    ("int2", 32767),
    ("int4", -2147483648),
    ("int4", 2147483647),
    ("int8", -9223372036854775808),
    ("int8", 9223372036854775807),
    ("float4", 1.5),
    ("float4", -0.25),
    ("float4", float("inf")),
    ("float8", 1.2345678901234567e300),
    ("float8", -5e-324),
    ("float8", float("-inf")),
    ("numeric", D("0")),
    ("numeric", D("-0.001")),
    ("numeric", D("123456789012345678901234567890.123456789012345678901234567890")),
    ("numeric", D("1E+30")),
    ("numeric", D("12.340")),
    ("numeric", D("NaN")),
    ("text", ""),
    ("text", "héllo, wörld ☃ \t \" ' \\ {},"),
    ("varchar", "variable"),
    ("bytea", b""),
    ("bytea", bytes(range(256))),
    ("date", dt.date(2024, 2, 29)),
    ("date", dt.date(1, 1, 1)),
    ("date", dt.date(9999, 12, 31)),
    ("time", dt.time(0, 0)),
    ("time", dt.time(23, 59, 59, 999999)),
    ("timestamp", dt.datetime(2000, 1, 1, 0, 0)),
    ("timestamp", dt.datetime(1969, 7, 20, 20, 17, 40, 123456)),
    ("timestamptz", dt.datetime(2024, 3, 10, 12, 30, 15, 500000, tzinfo=UTC)),
    ("timestamptz", dt.datetime(1900, 1, 1, tzinfo=UTC)),
    ("interval", dt.timedelta(days=3, hours=4, minutes=5, seconds=6, microseconds=7)),
    ("interval", dt.timedelta(days=-1, seconds=1)),
    ("interval", dt.timedelta(0)),
    ("uuid", uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
]

# JSON values: the Python structure a driver decodes them to.
JSON_VALUES = [
    {"a": 1, "b": [True, None, "x"], "c": {"d": 1.5}},
    [1, "two", None],
    "just a string",
    42,
]

# Arrays: (element type, Python list).
ARRAYS = [
    ("bool", [True, None, False]),
    ("int2", [1, None, -2]),
    ("int4", [1, 2, None, 4]),
    ("int8", [9223372036854775807, None]),
    ("int4", [[1, 2, 3], [4, None, 6]]),
    ("float8", [1.5, None, float("inf")]),
    ("numeric", [D("1.10"), None, D("NaN"), D("-99999999999999999999.5")]),
    ("text", ["a", None, "with space", "comma,brace{}", 'quote"', "NULL", ""]),
    ("text", [["a", "b"], ["c", None]]),
    ("varchar", ["x", None]),
    ("bytea", [b"\x00\x01", None, b""]),
    ("date", [dt.date(2020, 1, 1), None]),
    ("time", [dt.time(1, 2, 3), None]),
    ("timestamp", [dt.datetime(2020, 1, 1, 1, 2, 3), None]),
    ("timestamptz", [dt.datetime(2020, 1, 1, 1, 2, 3, tzinfo=UTC), None]),
    ("interval", [dt.timedelta(hours=1), None]),
    ("uuid", [uuid.UUID(int=1), None]),
    ("int4", []),
]

# Literal SQL and the value a driver should decode from it, for types with
# typmods that parameters do not carry.
LITERALS = [
    ("'ab'::char(5)", "ab   "),
    ("'abcdef'::varchar(3)", "abc"),
    ("12.345::numeric(10,2)", D("12.35")),
    ("'1.5'::float4", 1.5),
    ("'2024-01-02 03:04:05.678'::timestamp(1)", dt.datetime(2024, 1, 2, 3, 4, 5, 700000)),
    ("'{{1,2},{3,4}}'::int[]", [[1, 2], [3, 4]]),
    ("ARRAY['x', NULL]::char(2)[]", ["x ", None]),
    ("NULL::int4", None),
    ("NULL::text", None),
]

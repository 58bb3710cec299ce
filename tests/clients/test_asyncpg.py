"""asyncpg against the server. asyncpg speaks only the extended protocol
and asks for every result in binary, so each type's binary send and
receive is exercised; it also introspects types with large catalog
queries (`set_type_codec`, unknown OIDs), copies in binary, and reads
through portals a batch of rows at a time."""
import asyncio
import json
import math
import unittest
import uuid

import asyncpg

import clientenv
from type_cases import ARRAYS, JSON_VALUES, LITERALS, SCALARS

DB = "clients_asyncpg"


def same(a, b):
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if hasattr(a, "is_nan") and hasattr(b, "is_nan") and a.is_nan() and b.is_nan():
        return True
    if isinstance(b, uuid.UUID):  # asyncpg has a UUID class of its own
        return str(a) == str(b)
    return type(a) is type(b) and a == b


def connect():
    return asyncpg.connect(
        host=clientenv.HOST, port=clientenv.PORT, user=clientenv.USER, database=DB
    )


class AsyncpgTest(unittest.IsolatedAsyncioTestCase):
    @classmethod
    def setUpClass(cls):
        clientenv.fresh_database(DB)

    @classmethod
    def tearDownClass(cls):
        clientenv.drop_database(DB)

    async def asyncSetUp(self):
        self.conn = await connect()

    async def asyncTearDown(self):
        await self.conn.close()

    async def test_scalars(self):
        for sqltype, value in SCALARS:
            with self.subTest(sqltype=sqltype, value=value):
                got = await self.conn.fetchval(f"SELECT $1::{sqltype}", value)
                self.assertTrue(same(got, value), f"{sqltype}: sent {value!r}, got {got!r}")

    async def test_arrays(self):
        for sqltype, value in ARRAYS:
            with self.subTest(sqltype=sqltype, value=value):
                got = await self.conn.fetchval(f"SELECT $1::{sqltype}[]", value)
                self.assertTrue(same(got, value), f"{sqltype}[]: sent {value!r}, got {got!r}")

    async def test_json(self):
        for value in JSON_VALUES:
            for sqltype in ("json", "jsonb"):
                with self.subTest(value=value, t=sqltype):
                    got = await self.conn.fetchval(f"SELECT $1::{sqltype}", json.dumps(value))
                    self.assertEqual(json.loads(got), value)

    async def test_literals(self):
        for literal, want in LITERALS:
            with self.subTest(literal=literal):
                got = await self.conn.fetchval(f"SELECT {literal}")
                self.assertTrue(same(got, want), f"{literal}: got {got!r}")

    async def test_nulls(self):
        for sqltype, _ in SCALARS + [("json", None), ("jsonb", None), ("int4[]", None)]:
            got = await self.conn.fetchrow(f"SELECT NULL::{sqltype}, $1::{sqltype}", None)
            self.assertEqual(tuple(got), (None, None), sqltype)

    async def test_table_copy_and_fetch(self):
        columns = [(f"c{i}", t) for i, (t, _) in enumerate(SCALARS)]
        columns += [(f"a{i}", t + "[]") for i, (t, _) in enumerate(ARRAYS)]
        columns += [("j", "jsonb")]
        values = [v for _, v in SCALARS] + [v for _, v in ARRAYS] + [json.dumps(JSON_VALUES[0])]
        await self.conn.execute("DROP TABLE IF EXISTS every_type")
        await self.conn.execute(
            "CREATE TABLE every_type (id int PRIMARY KEY, "
            + ", ".join(f"{n} {t}" for n, t in columns)
            + ")"
        )
        names = ", ".join(n for n, _ in columns)
        marks = ", ".join(f"${i + 2}" for i in range(len(columns)))
        await self.conn.execute(
            f"INSERT INTO every_type (id, {names}) VALUES ($1, {marks})", 1, *values
        )
        # COPY ... FROM STDIN (FORMAT binary)
        await self.conn.copy_records_to_table(
            "every_type",
            records=[[2] + values, [3] + [None] * len(values)],
            columns=["id"] + [n for n, _ in columns],
        )
        rows = await self.conn.fetch(f"SELECT id, {names} FROM every_type ORDER BY id")
        self.assertEqual([r["id"] for r in rows], [1, 2, 3])
        for row in rows[:2]:
            for (name, _), want in zip(columns, values):
                if name == "j":
                    self.assertEqual(json.loads(row[name]), JSON_VALUES[0])
                else:
                    self.assertTrue(same(row[name], want), f"{name}: {row[name]!r} != {want!r}")
        self.assertEqual(tuple(rows[2])[1:], (None,) * len(values))

    async def test_executemany_prepare_and_cursor(self):
        await self.conn.execute("CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY, name text)")
        await self.conn.execute("DELETE FROM items")
        await self.conn.executemany(
            "INSERT INTO items VALUES ($1, $2)", [(i, f"item{i}") for i in range(500)]
        )
        stmt = await self.conn.prepare("SELECT name FROM items WHERE id = $1")
        self.assertEqual(await stmt.fetchval(42), "item42")
        self.assertEqual([a.name for a in stmt.get_attributes()], ["name"])
        self.assertEqual([t.name for t in stmt.get_parameters()], ["int4"])
        async with self.conn.transaction():
            seen = 0
            async for record in self.conn.cursor("SELECT id FROM items ORDER BY id", prefetch=50):
                self.assertEqual(record["id"], seen)
                seen += 1
            self.assertEqual(seen, 500)
            cur = await self.conn.cursor("SELECT id FROM items ORDER BY id")
            first = await cur.fetch(10)
            self.assertEqual([r["id"] for r in first], list(range(10)))

    async def test_transactions_and_errors(self):
        await self.conn.execute("CREATE TABLE IF NOT EXISTS tx (x int UNIQUE)")
        await self.conn.execute("DELETE FROM tx")
        async with self.conn.transaction():
            await self.conn.execute("INSERT INTO tx VALUES (1)")
        with self.assertRaises(asyncpg.UniqueViolationError):
            async with self.conn.transaction():
                await self.conn.execute("INSERT INTO tx VALUES (2)")
                await self.conn.execute("INSERT INTO tx VALUES (1)")
        async with self.conn.transaction():
            with self.assertRaises(asyncpg.DivisionByZeroError):
                async with self.conn.transaction():  # a savepoint
                    await self.conn.execute("SELECT 1/0")
            await self.conn.execute("INSERT INTO tx VALUES (3)")
        async with self.conn.transaction(isolation="serializable", readonly=True):
            got = await self.conn.fetch("SELECT x FROM tx ORDER BY x")
        self.assertEqual([r["x"] for r in got], [1, 3])
        with self.assertRaises(asyncpg.UndefinedTableError):
            await self.conn.fetch("SELECT * FROM no_such_table")

    async def test_type_introspection(self):
        # A custom codec makes asyncpg look the type up in pg_type.
        await self.conn.set_type_codec(
            "json", encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )
        got = await self.conn.fetchval("SELECT $1::json", {"a": [1, 2]})
        self.assertEqual(got, {"a": [1, 2]})
        # Introspection of OIDs asyncpg has no codec for: its big query.
        await self.conn.reload_schema_state()
        types = await self.conn._introspect_types([23, 1007, 3802, 2951], 10)
        # The answer has the types asked for and the element types of arrays.
        self.assertEqual({r["oid"] for r in types[0]}, {23, 1007, 2950, 2951, 3802})

    async def test_pool(self):
        # A pool resets a released connection with this query.
        for reset, feature in (
            ("SELECT pg_advisory_unlock_all()", "advisory locks"),
            ("CLOSE ALL", "cursors (CLOSE)"),
            ("UNLISTEN *", "LISTEN/NOTIFY"),
        ):
            try:
                await self.conn.execute(reset)
            except (asyncpg.UndefinedFunctionError, asyncpg.FeatureNotSupportedError,
                    asyncpg.PostgresSyntaxError):
                self.skipTest(f"the pool's reset query needs {feature}, not implemented yet")
        pool = await asyncpg.create_pool(
            host=clientenv.HOST, port=clientenv.PORT, user=clientenv.USER, database=DB,
            min_size=2, max_size=8,
        )
        try:
            results = await asyncio.gather(
                *(pool.fetchval("SELECT $1::int * 2", i) for i in range(40))
            )
            self.assertEqual(results, [i * 2 for i in range(40)])
        finally:
            await pool.close()


if __name__ == "__main__":
    unittest.main()

"""psycopg 3 against the server: every type round-trips as a parameter and
as a result, in the text and the binary format, through a table too; the
protocol paths the driver uses (automatic prepared statements, COPY,
transactions, errors with SQLSTATE) behave as on PostgreSQL."""
import math
import unittest

import psycopg
from psycopg import sql
from psycopg.types.json import Json, Jsonb

import clientenv
from type_cases import ARRAYS, JSON_VALUES, LITERALS, SCALARS

DB = "clients_psycopg"


def same(a, b):
    """Equality where NaN equals NaN, through lists."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if hasattr(a, "is_nan") and hasattr(b, "is_nan") and a.is_nan() and b.is_nan():
        return True
    return type(a) is type(b) and a == b


class PsycopgTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        clientenv.fresh_database(DB)
        # psycopg clears its prepared statements with DEALLOCATE ALL after
        # DDL and ROLLBACK; test_deallocate_all covers that on its own.
        cls.conn = psycopg.connect(
            clientenv.conninfo(DB), autocommit=True, prepare_threshold=None
        )

    @classmethod
    def tearDownClass(cls):
        cls.conn.close()
        clientenv.drop_database(DB)

    def roundtrip(self, sqltype, value, placeholder, binary):
        query = sql.SQL("SELECT {}::{}").format(
            sql.SQL(placeholder), sql.SQL(sqltype)
        )
        cur = self.conn.cursor(binary=binary)
        got = cur.execute(query, (value,)).fetchone()[0]
        self.assertTrue(
            same(got, value),
            f"{sqltype} {placeholder} binary={binary}: sent {value!r}, got {got!r}",
        )

    def test_scalars(self):
        for sqltype, value in SCALARS:
            for placeholder in ("%t", "%b"):
                for binary in (False, True):
                    with self.subTest(sqltype=sqltype, value=value, p=placeholder, binary=binary):
                        self.roundtrip(sqltype, value, placeholder, binary)

    def test_arrays(self):
        for sqltype, value in ARRAYS:
            for placeholder in ("%t", "%b"):
                for binary in (False, True):
                    with self.subTest(sqltype=sqltype, value=value, p=placeholder, binary=binary):
                        self.roundtrip(sqltype + "[]", value, placeholder, binary)

    def test_json(self):
        for value in JSON_VALUES:
            for wrapper, sqltype in ((Json, "json"), (Jsonb, "jsonb")):
                for placeholder in ("%t", "%b"):
                    for binary in (False, True):
                        with self.subTest(value=value, t=sqltype, p=placeholder, binary=binary):
                            q = sql.SQL("SELECT {}::{}").format(sql.SQL(placeholder), sql.SQL(sqltype))
                            cur = self.conn.cursor(binary=binary)
                            got = cur.execute(q, (wrapper(value),)).fetchone()[0]
                            self.assertEqual(got, value)

    def test_literals(self):
        for literal, want in LITERALS:
            for binary in (False, True):
                with self.subTest(literal=literal, binary=binary):
                    cur = self.conn.cursor(binary=binary)
                    got = cur.execute(f"SELECT {literal}").fetchone()[0]
                    self.assertTrue(same(got, want), f"{literal}: got {got!r}")

    def test_null_of_every_type(self):
        for sqltype, _ in SCALARS + [("json", None), ("jsonb", None)]:
            for binary in (False, True):
                got = self.conn.cursor(binary=binary).execute(
                    f"SELECT NULL::{sqltype}, %s::{sqltype}", (None,)
                ).fetchone()
                self.assertEqual(got, (None, None), sqltype)

    def test_table_of_every_type(self):
        columns = [(f"c{i}", t) for i, (t, _) in enumerate(SCALARS)]
        arrays = [(f"a{i}", t + "[]") for i, (t, _) in enumerate(ARRAYS)]
        all_columns = columns + arrays + [("j", "json"), ("jb", "jsonb"), ("ch", "char(4)")]
        self.conn.execute("DROP TABLE IF EXISTS every_type")
        self.conn.execute(
            "CREATE TABLE every_type (id int PRIMARY KEY, "
            + ", ".join(f"{n} {t}" for n, t in all_columns)
            + ")"
        )
        row = [v for _, v in SCALARS] + [v for _, v in ARRAYS]
        row += [Json(JSON_VALUES[0]), Jsonb(JSON_VALUES[1]), "ab"]
        names = ", ".join(n for n, _ in all_columns)
        for i, placeholder in enumerate(("%t", "%b")):
            marks = ", ".join([placeholder] * (len(row) + 1))
            with self.conn.cursor() as cur:
                cur.execute(f"INSERT INTO every_type (id, {names}) VALUES ({marks})", [i] + row)
        nulls = ", ".join(["%s"] * (len(row) + 1))
        self.conn.execute(
            f"INSERT INTO every_type (id, {names}) VALUES ({nulls})", [2] + [None] * len(row)
        )
        want = [v for _, v in SCALARS] + [v for _, v in ARRAYS]
        want += [JSON_VALUES[0], JSON_VALUES[1], "ab  "]
        for binary in (False, True):
            cur = self.conn.cursor(binary=binary)
            rows = cur.execute(f"SELECT id, {names} FROM every_type ORDER BY id").fetchall()
            self.assertEqual(len(rows), 3)
            for got in rows[:2]:
                for (name, _), g, w in zip(all_columns, got[1:], want):
                    self.assertTrue(same(g, w), f"{name} binary={binary}: {g!r} != {w!r}")
            self.assertEqual(rows[2][1:], (None,) * len(row))

    def test_description_types(self):
        cur = self.conn.execute(
            "SELECT 1::int2 AS a, 'x'::varchar(7) AS b, 1.5::numeric(6,2) AS c, now() AS d"
        )
        got = [(d.name, d.type_code) for d in cur.description]
        self.assertEqual(got, [("a", 21), ("b", 1043), ("c", 1700), ("d", 1184)])
        # varchar(7)'s typmod is 7 + 4, as PostgreSQL reports it.
        self.assertEqual(cur.pgresult.fmod(1), 11)
        self.assertEqual((cur.description[2].precision, cur.description[2].scale), (6, 2))

    def test_prepared_statements(self):
        # psycopg prepares a statement on the server after its fifth run.
        self.conn.execute("CREATE TABLE IF NOT EXISTS prep (x int)")
        with psycopg.connect(clientenv.conninfo(DB), prepare_threshold=2) as conn:
            for i in range(10):
                got = conn.execute("SELECT %s::int + 1, %s::text", (i, str(i))).fetchone()
                self.assertEqual(got, (i + 1, str(i)))
            for i in range(6):
                conn.execute("INSERT INTO prep VALUES (%s)", (i,))
            self.assertEqual(conn.execute("SELECT sum(x) FROM prep").fetchone(), (15,))

    def test_deallocate_all(self):
        # After DDL or ROLLBACK psycopg sends DEALLOCATE ALL and prepares anew.
        with psycopg.connect(clientenv.conninfo(DB), prepare_threshold=0) as conn:
            try:
                conn.execute("DEALLOCATE ALL")
            except psycopg.errors.FeatureNotSupported:
                self.skipTest("DEALLOCATE is not implemented yet (PREPARE/EXECUTE work)")
            for round in range(3):
                conn.execute("CREATE TABLE IF NOT EXISTS dealloc (x int)")
                conn.execute("INSERT INTO dealloc VALUES (%s)", (round,))
                conn.execute("DROP TABLE dealloc")
                conn.rollback()
                self.assertEqual(conn.execute("SELECT %s::int", (round,)).fetchone(), (round,))

    def test_executemany_and_returning(self):
        self.conn.execute("CREATE TABLE IF NOT EXISTS many (id serial PRIMARY KEY, name text)")
        with self.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO many (name) VALUES (%s) RETURNING id, name",
                [("a",), ("b",), ("c",)],
                returning=True,
            )
            got = []
            while True:
                got.append(cur.fetchone())
                if not cur.nextset():
                    break
            self.assertEqual([g[1] for g in got], ["a", "b", "c"])

    def test_transactions_and_errors(self):
        with psycopg.connect(clientenv.conninfo(DB)) as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS tx (x int UNIQUE)")
            conn.commit()
            with conn.transaction():
                conn.execute("INSERT INTO tx VALUES (1)")
            with self.assertRaises(psycopg.errors.UniqueViolation) as caught:
                with conn.transaction():
                    conn.execute("INSERT INTO tx VALUES (2)")
                    conn.execute("INSERT INTO tx VALUES (1)")
            self.assertEqual(caught.exception.sqlstate, "23505")
            with conn.transaction():
                with self.assertRaises(psycopg.errors.DivisionByZero):
                    with conn.transaction():  # a savepoint
                        conn.execute("SELECT 1/0")
                conn.execute("INSERT INTO tx VALUES (3)")
            got = conn.execute("SELECT x FROM tx ORDER BY x").fetchall()
            self.assertEqual(got, [(1,), (3,)])
            with self.assertRaises(psycopg.errors.UndefinedTable):
                conn.execute("SELECT * FROM no_such_table")
            conn.rollback()

    def test_copy(self):
        self.conn.execute("CREATE TABLE IF NOT EXISTS copied (id int, name text, at date)")
        with self.conn.cursor() as cur:
            with cur.copy("COPY copied (id, name, at) FROM STDIN") as copy:
                for i in range(100):
                    copy.write_row((i, f"n{i}", None if i % 2 else "2024-01-01"))
            rows = []
            with cur.copy("COPY (SELECT id, name FROM copied ORDER BY id) TO STDOUT") as copy:
                for row in copy.rows():
                    rows.append(row)
        self.assertEqual(len(rows), 100)
        self.assertEqual(rows[99], ("99", "n99"))

    def test_type_info(self):
        # psycopg's TypeInfo looks types up in pg_type.
        from psycopg.types import TypeInfo

        info = TypeInfo.fetch(self.conn, "uuid")
        self.assertEqual((info.oid, info.array_oid), (2950, 2951))

    def test_server_version(self):
        self.assertGreaterEqual(self.conn.info.server_version, 150000)
        self.assertEqual(self.conn.info.encoding, "utf-8")


if __name__ == "__main__":
    unittest.main()

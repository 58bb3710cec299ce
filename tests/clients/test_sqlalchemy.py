"""SQLAlchemy 2 against the server, through psycopg and through asyncpg:
`create_all` with keys, constraints and indexes; the ORM with
relationships (insert, query with joinedload and selectinload, update,
cascading delete); `MetaData.reflect()` and the inspector, which read
pg_catalog with large queries."""
import asyncio
import datetime as dt
import decimal
import unittest
from typing import List, Optional

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    MetaData,
    Numeric,
    String,
    Table,
    UniqueConstraint,
    create_engine,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    joinedload,
    mapped_column,
    relationship,
    selectinload,
)

import clientenv

DB = "clients_sqlalchemy"


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    email: Mapped[Optional[str]] = mapped_column(String(200))
    joined: Mapped[dt.date] = mapped_column(server_default=func.current_date())
    books: Mapped[List["Book"]] = relationship(
        back_populates="author", cascade="all, delete-orphan", order_by="Book.id"
    )


class Book(Base):
    __tablename__ = "book"
    __table_args__ = (
        UniqueConstraint("author_id", "title", name="book_author_title"),
        CheckConstraint("price >= 0", name="book_price_positive"),
        Index("book_title_idx", "title"),
        Index("book_price_desc", "price", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    price: Mapped[decimal.Decimal] = mapped_column(Numeric(8, 2))
    published: Mapped[Optional[dt.datetime]]
    author: Mapped[Author] = relationship(back_populates="books")
    tags: Mapped[List["Tag"]] = relationship(secondary="book_tag", order_by="Tag.name")


class Tag(Base):
    __tablename__ = "tag"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)


book_tag = Table(
    "book_tag",
    Base.metadata,
    Column("book_id", ForeignKey("book.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id"), primary_key=True),
)


def url(driver):
    host = clientenv.HOST
    if host.startswith("/"):
        return f"postgresql+{driver}://{clientenv.USER}@/{DB}?host={host}&port={clientenv.PORT}"
    return f"postgresql+{driver}://{clientenv.USER}@{host}:{clientenv.PORT}/{DB}"


class SqlalchemyPsycopgTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        clientenv.fresh_database(DB)
        # psycopg's automatic server-side prepare sends DEALLOCATE ALL after
        # DDL and ROLLBACK; that statement belongs to the PREPARE/EXECUTE
        # work, so the engine here never prepares.
        cls.engine = create_engine(url("psycopg"), connect_args={"prepare_threshold": None})
        Base.metadata.create_all(cls.engine)

    @classmethod
    def tearDownClass(cls):
        Base.metadata.drop_all(cls.engine)
        cls.engine.dispose()
        clientenv.drop_database(DB)

    def setUp(self):
        with Session(self.engine) as s, s.begin():
            for t in (book_tag, Book.__table__, Tag.__table__, Author.__table__):
                s.execute(t.delete())

    def fill(self, s):
        python, sql = Tag(name="python"), Tag(name="sql")
        ann = Author(name="Ann", email="ann@example.com")
        ann.books = [
            Book(title="Queries", price=decimal.Decimal("12.50"), tags=[sql]),
            Book(title="Snakes", price=decimal.Decimal("30.00"), tags=[python, sql],
                 published=dt.datetime(2020, 5, 17, 10, 0)),
        ]
        bob = Author(name="Bob")
        bob.books = [Book(title="Indexes", price=decimal.Decimal("0.99"))]
        s.add_all([ann, bob])

    def test_orm_roundtrip(self):
        with Session(self.engine) as s, s.begin():
            self.fill(s)
        with Session(self.engine) as s:
            authors = s.scalars(
                select(Author).options(joinedload(Author.books)).order_by(Author.name)
            ).unique().all()
            self.assertEqual([a.name for a in authors], ["Ann", "Bob"])
            self.assertEqual([b.title for b in authors[0].books], ["Queries", "Snakes"])
            self.assertEqual(authors[0].joined, dt.date.today())
            books = s.scalars(
                select(Book).options(selectinload(Book.tags), selectinload(Book.author))
                .order_by(Book.price)
            ).all()
            self.assertEqual([b.title for b in books], ["Indexes", "Queries", "Snakes"])
            self.assertEqual([t.name for t in books[2].tags], ["python", "sql"])
            self.assertEqual(books[2].author.name, "Ann")
            self.assertEqual(books[2].published, dt.datetime(2020, 5, 17, 10, 0))
            total = s.scalar(select(func.sum(Book.price)).join(Author).where(Author.name == "Ann"))
            self.assertEqual(total, decimal.Decimal("42.50"))
        with Session(self.engine) as s, s.begin():
            ann = s.scalars(select(Author).where(Author.name == "Ann")).one()
            ann.email = None
            ann.books[0].price = decimal.Decimal("13.00")
            del ann.books[1]  # delete-orphan
        with Session(self.engine) as s, s.begin():
            ann = s.scalars(select(Author).where(Author.name == "Ann")).one()
            self.assertIsNone(ann.email)
            self.assertEqual([(b.title, b.price) for b in ann.books],
                             [("Queries", decimal.Decimal("13.00"))])
            s.delete(ann)
        with Session(self.engine) as s:
            self.assertEqual(s.scalar(select(func.count()).select_from(Book)), 1)
            self.assertEqual(s.scalar(select(func.count()).select_from(book_tag)), 0)

    def test_constraints_hold(self):
        from sqlalchemy.exc import IntegrityError

        with Session(self.engine) as s, s.begin():
            self.fill(s)
        bad = [
            lambda s: s.add(Author(name="Ann")),
            lambda s: s.add(Book(author_id=999999, title="x", price=1)),
            lambda s: s.add(Book(author_id=s.scalar(select(Author.id).limit(1)), title="y",
                                 price=-1)),
        ]
        for make in bad:
            with Session(self.engine) as s:
                with self.assertRaises(IntegrityError):
                    make(s)
                    s.commit()

    def test_reflect(self):
        meta = MetaData()
        meta.reflect(self.engine)
        self.assertEqual(set(meta.tables), {"author", "book", "tag", "book_tag"})
        book = meta.tables["book"]
        self.assertEqual(
            [c.name for c in book.columns],
            ["id", "author_id", "title", "price", "published"],
        )
        self.assertEqual([c.name for c in book.primary_key], ["id"])
        self.assertEqual((book.c.price.type.precision, book.c.price.type.scale), (8, 2))
        self.assertEqual(book.c.title.type.length, 200)
        self.assertTrue(book.c.published.nullable)
        self.assertFalse(book.c.title.nullable)
        fk = next(iter(book.foreign_keys))
        self.assertEqual((fk.column.table.name, fk.column.name, fk.ondelete),
                         ("author", "id", "CASCADE"))
        self.assertEqual({i.name for i in book.indexes}, {"book_title_idx", "book_price_desc"})
        # Reflected tables work for queries too.
        with self.engine.connect() as c:
            self.assertEqual(c.execute(select(func.count()).select_from(book)).scalar(), 0)

    def test_inspect_tables_and_columns(self):
        i = inspect(self.engine)
        self.assertEqual(sorted(i.get_table_names()), ["author", "book", "book_tag", "tag"])
        self.assertIn("public", i.get_schema_names())
        columns = {c["name"]: c for c in i.get_columns("author")}
        self.assertEqual(list(columns), ["id", "name", "email", "joined"])
        self.assertEqual(str(columns["name"]["type"]), "VARCHAR(100)")
        self.assertIn("nextval", columns["id"]["default"])
        self.assertEqual(columns["joined"]["default"], "CURRENT_DATE")
        self.assertTrue(i.has_table("tag"))
        self.assertFalse(i.has_table("no_such_table"))

    def test_inspect_constraints(self):
        i = inspect(self.engine)
        self.assertEqual(
            i.get_pk_constraint("book_tag")["constrained_columns"], ["book_id", "tag_id"]
        )
        fks = sorted(i.get_foreign_keys("book_tag"), key=lambda f: f["referred_table"])
        self.assertEqual(
            [(f["constrained_columns"], f["referred_table"], f["referred_columns"]) for f in fks],
            [(["book_id"], "book", ["id"]), (["tag_id"], "tag", ["id"])],
        )
        self.assertEqual(fks[0]["options"].get("ondelete"), "CASCADE")
        uniques = i.get_unique_constraints("book")
        self.assertEqual(
            [(u["name"], u["column_names"]) for u in uniques],
            [("book_author_title", ["author_id", "title"])],
        )
        checks = i.get_check_constraints("book")
        self.assertEqual([c["name"] for c in checks], ["book_price_positive"])
        self.assertIn("price >= ", checks[0]["sqltext"])

    def test_inspect_indexes(self):
        i = inspect(self.engine)
        indexes = {ix["name"]: ix for ix in i.get_indexes("book")}
        self.assertEqual(indexes["book_price_desc"]["column_names"], ["price", "id"])
        self.assertFalse(indexes["book_title_idx"]["unique"])

    def test_text_and_core(self):
        with self.engine.begin() as c:
            c.execute(text("INSERT INTO tag (name) VALUES (:n)"), [{"n": "a"}, {"n": "b"}])
            got = c.execute(text("SELECT name FROM tag WHERE name > :n ORDER BY name"),
                            {"n": ""}).scalars().all()
            self.assertEqual(got, ["a", "b"])
            ids = c.execute(
                Tag.__table__.insert().returning(Tag.id), [{"name": "c"}, {"name": "d"}]
            ).scalars().all()
            self.assertEqual(len(ids), 2)


class SqlalchemyAsyncpgTest(unittest.IsolatedAsyncioTestCase):
    async def test_async_orm(self):
        clientenv.fresh_database(DB + "_async")
        engine = create_async_engine(url("asyncpg").replace(f"/{DB}", f"/{DB}_async"))
        try:
            async with engine.begin() as conn:
                await conn.run_sync(Base.metadata.create_all)
            from sqlalchemy.ext.asyncio import AsyncSession

            async with AsyncSession(engine) as s:
                async with s.begin():
                    a = Author(name="Cy")
                    a.books = [Book(title="Async", price=decimal.Decimal("1.25"))]
                    s.add(a)
                got = (await s.scalars(
                    select(Author).options(selectinload(Author.books))
                )).all()
                self.assertEqual([(x.name, [b.title for b in x.books]) for x in got],
                                 [("Cy", ["Async"])])
            async with engine.connect() as conn:
                names = await conn.run_sync(lambda c: sorted(inspect(c).get_table_names()))
                self.assertEqual(names, ["author", "book", "book_tag", "tag"])
        finally:
            await engine.dispose()
            clientenv.drop_database(DB + "_async")


if __name__ == "__main__":
    unittest.main()

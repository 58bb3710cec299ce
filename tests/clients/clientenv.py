"""Where the client tests connect: the server `.ci/clients` started.

ASSAY_HOST / ASSAY_PORT (default 127.0.0.1:5432) name the server under test;
the same tests run against a PostgreSQL 15 for comparison with
`ASSAY_HOST=/tmp/pg15 ASSAY_PORT=5433`. Each test module works in a database
of its own, created fresh on entry.
"""
import os

import psycopg

HOST = os.environ.get("ASSAY_HOST", "127.0.0.1")
PORT = int(os.environ.get("ASSAY_PORT", "5432"))
USER = os.environ.get("ASSAY_USER", "postgres")


def conninfo(dbname):
    return f"host={HOST} port={PORT} user={USER} dbname={dbname}"


def fresh_database(name):
    """Drops and creates database `name`; returns its name."""
    with psycopg.connect(conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    return name


def drop_database(name):
    with psycopg.connect(conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")

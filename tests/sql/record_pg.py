#!/usr/bin/env python3
"""Fill in the expected results of .slt files from a real PostgreSQL 15.

For each FILE, runs its records in order in a fresh database and rewrites
every `query` record's expected block with what PostgreSQL returned
(rows sorted for `rowsort`, values for `valuesort`). Statements keep their
`ok`/`error` as written; a statement whose outcome differs on PostgreSQL, or
a query that fails there, is reported and the file is left unchanged, so a
file is only rewritten when PostgreSQL agrees with every expectation of
success or failure. Check the result with ../../../shared/conformance/slt_pg.py.

Usage: record_pg.py [--port 5433] FILE...
"""
import argparse, hashlib, sys

import psycopg


def fmt(value, t):
    if value is None:
        return "NULL"
    if t == "I":
        try:
            return str(int(value))
        except (TypeError, ValueError):
            return "0"
    if t == "R":
        try:
            return "%.3f" % float(value)
        except (TypeError, ValueError):
            return "0.000"
    s = str(value)
    if s == "":
        return "(empty)"
    return "".join(c if 32 <= ord(c) < 127 else "@" for c in s)


def render(types, sort, rows):
    """Expected lines: a row per line when unambiguous, else a value per line."""
    vals = [[fmt(v, types[j] if j < len(types) else "T") for j, v in enumerate(r)] for r in rows]
    if sort == "rowsort":
        vals.sort()
    width = len(types)
    if sort == "valuesort":
        flat = sorted(v for r in vals for v in r)
        out = flat
    elif width > 1 and all(len(v.split()) == 1 for r in vals for v in r):
        out = [" ".join(r) for r in vals]
    else:
        out = [v for r in vals for v in r]
    # The reader splits a line into words when it has exactly `width` words.
    flat = [v for r in vals for v in r] if sort != "valuesort" else out
    back = []
    for line in out:
        line = line.strip()
        words = line.split()
        back += words if width > 1 and len(words) == width else [line]
    if back != flat:
        raise ValueError("values with spaces make this result ambiguous")
    return out


def process(path, conn):
    lines = open(path, encoding="utf-8").read().split("\n")
    out, problems = [], []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        words = line.split()
        if not words or line.startswith("#") or words[0] not in ("statement", "query"):
            out.append(line)
            i += 1
            continue
        head = i + 1
        out.append(line)
        i += 1
        sql = []
        while i < n and lines[i].strip() and lines[i].strip() != "----":
            sql.append(lines[i])
            i += 1
        out += sql
        text = "\n".join(sql)
        if words[0] == "statement":
            try:
                conn.execute(text)
                ok = True
            except psycopg.Error as e:
                ok = False
                err = str(e).splitlines()[0]
            if ok != (words[1] == "ok"):
                problems.append(f"{path}:{head}: statement {words[1]} but PostgreSQL "
                                + ("succeeded" if ok else f"failed: {err}"))
            continue
        types = words[1]
        sort = words[2] if len(words) > 2 else "nosort"
        if i < n and lines[i].strip() == "----":
            i += 1
            while i < n and lines[i].strip():
                i += 1
        try:
            cur = conn.execute(text)
            rows = cur.fetchall() if cur.description else []
            if cur.description and len(cur.description) != len(types):
                problems.append(f"{path}:{head}: {len(cur.description)} columns, types {types}")
            out.append("----")
            out += render(types, sort, rows)
        except (psycopg.Error, ValueError) as e:
            problems.append(f"{path}:{head}: query failed: {str(e).splitlines()[0]}")
            out.append("----")
    return "\n".join(out), problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", default="5433")
    ap.add_argument("--user", default="postgres")
    args = ap.parse_args()
    bad = 0
    for path in args.files:
        db = "slt_rec_" + hashlib.md5(path.encode()).hexdigest()[:12]
        admin = psycopg.connect(host=args.host, port=args.port, user=args.user,
                                dbname="postgres", autocommit=True)
        admin.execute(f'DROP DATABASE IF EXISTS "{db}"')
        admin.execute(f'CREATE DATABASE "{db}"')
        try:
            with psycopg.connect(host=args.host, port=args.port, user=args.user, dbname=db,
                                 autocommit=True) as conn:
                text, problems = process(path, conn)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{db}"')
            admin.close()
        if problems:
            bad += 1
            print("\n".join(problems))
        else:
            open(path, "w", encoding="utf-8").write(text)
            print(f"{path}: recorded")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()

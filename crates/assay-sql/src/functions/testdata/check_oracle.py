#!/usr/bin/env python3
"""Runs the golden test lines on a real PostgreSQL and compares answers.

usage: check_oracle.py [--fill] FILE...

Every `expr => expected` line is run as SQL (see ../tests.rs for the line
forms). Differences are printed; with --fill, lines whose expectation is
`?` get PostgreSQL's answer written in. Connection: PGHOST/PGPORT/PGUSER
(defaults 127.0.0.1, 5433, postgres), with TimeZone=UTC.
"""
import os
import subprocess
import sys


def sql_for(expr):
    if expr.startswith("agg "):
        return "SELECT " + expr[4:]
    if expr.startswith("rows "):
        return ("SELECT coalesce(string_agg(coalesce(t::text, 'NULL'), '|'), '') FROM "
                + expr[5:] + " t")
    # extract(f, x) is spelled extract(f FROM x) in SQL; the function is
    # reachable as pg_catalog.extract.
    if expr.startswith("extract("):
        expr = "pg_catalog." + expr
    return "SELECT " + expr


def run(sql):
    env = dict(os.environ)
    env.setdefault("PGHOST", "127.0.0.1")
    env.setdefault("PGPORT", "5433")
    env.setdefault("PGUSER", "postgres")
    env["PGOPTIONS"] = "-c TimeZone=UTC"
    p = subprocess.run(
        ["psql", "-X", "-At", "-P", "null=NULL", "-v", "VERBOSITY=verbose",
         "-c", sql],
        capture_output=True, text=True, env=env)
    if p.returncode != 0 or "ERROR:" in p.stderr:
        for line in p.stderr.splitlines():
            if line.startswith("ERROR:"):
                code, msg = line[len("ERROR:"):].strip().split(": ", 1)
                return f"ERROR {code}: {msg}"
        return "PSQL FAILED: " + p.stderr.strip()
    return p.stdout.rstrip("\n").replace("\n", "\\n")


def main():
    fill = "--fill" in sys.argv
    files = [a for a in sys.argv[1:] if a != "--fill"]
    bad = 0
    for path in files:
        lines = open(path).read().split("\n")
        out = []
        for n, line in enumerate(lines, 1):
            s = line.strip()
            if s.endswith(" =>"):
                s += " "
            if not s or s.startswith("#") or " => " not in s:
                out.append(line)
                continue
            expr, want = s.rsplit(" => ", 1)
            got = run(sql_for(expr))
            if want == "?" and fill:
                out.append(f"{expr} => {got}")
                continue
            if got != want:
                bad += 1
                print(f"{path}:{n}: {expr}\n   ours/file: {want}\n  postgres: {got}")
            out.append(line)
        if fill:
            open(path, "w").write("\n".join(out))
    print(f"{bad} differences")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()

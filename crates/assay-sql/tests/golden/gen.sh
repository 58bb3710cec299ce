#!/bin/bash
# Regenerates pg15_text_io.tsv from a real PostgreSQL 15:
#   PGHOST=127.0.0.1 PGPORT=5433 PGUSER=postgres bash gen.sh
# Reads cases.tsv (zone<TAB>type<TAB>input) and writes
# zone<TAB>type<TAB>input<TAB>output, where output is the printed value of
# CAST(input AS type) or `ERROR <sqlstate> <message>`.
set -u
cd "$(dirname "$0")"
while IFS=$'\t' read -r zone ty input; do
  [ -z "$ty" ] && continue
  out=$(psql -X -At -v VERBOSITY=verbose -c "SET TimeZone='$zone'" \
        -c "SELECT CAST(\$q\$${input}\$q\$ AS $ty)" 2>&1 | grep -v '^SET$')
  if [[ "$out" == ERROR:* ]]; then
    out=$(echo "$out" | head -1 | sed -E 's/^ERROR:  ([0-9A-Z]{5}): /ERROR \1 /')
  fi
  printf '%s\t%s\t%s\t%s\n' "$zone" "$ty" "$input" "$out"
done < cases.tsv > pg15_text_io.tsv

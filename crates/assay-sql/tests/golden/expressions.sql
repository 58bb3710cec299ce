-- Literals and parameters
SELECT 1, -1, 1.5, -2147483648, 1e10, .5, 'it''s', E'a\\nb', $$dollar$$, $tag$x$tag$, X'1F', B'101', TRUE, false, NULL, $1, $12
SELECT - -5, -(-5), +5, -a, - (a + 1)
SELECT U&'d\0061t'
-- Arithmetic and precedence
SELECT 1 + 2 * 3, (1 + 2) * 3, 2 ^ 3 ^ 2, 7 % 3, 7 / 2, a - b - c, a - (b - c)
SELECT a || b || 'c', 'x' || 1
SELECT a AND b OR c, a AND (b OR c), NOT a AND b, NOT (a AND b)
SELECT a = 1, a <> 1, a != 1, a < 1, a <= 1, a > 1, a >= 1
SELECT 5 & 3, 5 | 3, 5 # 3, ~5, 1 << 2, 8 >> 1, @ -5, |/ 16, ||/ 27
-- Pattern matching
SELECT a LIKE 'x%', a NOT LIKE 'x%', a ILIKE 'X%', a NOT ILIKE 'X%' ESCAPE '#', a LIKE 'a!%' ESCAPE '!'
SELECT a SIMILAR TO '(a|b)%', a NOT SIMILAR TO 'x' ESCAPE '#'
SELECT a ~ 'x', a ~* 'x', a !~ 'x', a !~* 'x'
-- IS tests
SELECT a IS NULL, a IS NOT NULL, a IS TRUE, a IS NOT TRUE, a IS FALSE, a IS NOT FALSE, a IS UNKNOWN, a IS NOT UNKNOWN
SELECT a IS DISTINCT FROM b, a IS NOT DISTINCT FROM b
SELECT a ISNULL, a NOTNULL
-- BETWEEN, IN, ANY/ALL, EXISTS, subqueries
SELECT a BETWEEN 1 AND 2, a NOT BETWEEN 1 AND 2 + 3
SELECT a BETWEEN SYMMETRIC 2 AND 1
SELECT a IN (1, 2, 3), a NOT IN (1), a IN (SELECT x FROM t), a NOT IN (SELECT x FROM t)
SELECT a = ANY(ARRAY[1, 2]), a = ANY('{1,2}'::int[]), a > ALL(SELECT x FROM t), a = SOME(SELECT 1), a < ANY(SELECT 1)
SELECT EXISTS (SELECT 1), NOT EXISTS (SELECT 1 FROM t WHERE t.a = u.a), (SELECT max(a) FROM t)
-- CASE and conditional expressions
SELECT CASE WHEN a > 0 THEN 'pos' WHEN a < 0 THEN 'neg' ELSE 'zero' END, CASE a WHEN 1 THEN 'one' END
SELECT COALESCE(a, b, 0), NULLIF(a, 0), GREATEST(1, 2, 3), LEAST(a, b)
-- Casts and typed literals
SELECT CAST(a AS int), a::int8, a::numeric(10,2), a::varchar(10), a::double precision, a::text[], a::int[][], a::character varying(5), a::char, a::character(3), a::bit varying(3), a::bit
SELECT a::timestamp with time zone, a::timestamptz, a::timestamp(3) without time zone, a::time(3) with time zone, a::real, a::float, a::float(10), a::float(30), a::decimal, a::smallint, a::bigint, a::boolean, a::bytea, a::json, a::jsonb, a::uuid
SELECT DATE '2024-01-01', TIME '10:00', TIMESTAMP '2024-01-01 10:00', TIMESTAMP WITH TIME ZONE '2024-01-01 10:00+02', '1 day'::interval, INTERVAL '1 day', INTERVAL '1' DAY, INTERVAL '1:30' HOUR TO MINUTE
SELECT 'x'::"char", a::public.mytype, a::serial, a::int4, a::float8
-- Arrays, rows, subscripts, fields
SELECT ARRAY[1, 2, 3], ARRAY[[1, 2], [3, 4]], ARRAY[]::int[], ARRAY(SELECT a FROM t)
SELECT a[1], a[1:2], a[:2], a[2:], a[1][2], (a).f, (t.a).f, (f(x)).y, (a[1]).f
SELECT ROW(1, 2), (1, 2), ROW(), ROW(a)
-- Special syntax functions
SELECT EXTRACT(epoch FROM t), EXTRACT(YEAR FROM t), EXTRACT(dow FROM t)
SELECT POSITION('a' IN b), SUBSTRING(a FROM 1 FOR 2), SUBSTRING(a FROM 2), SUBSTRING(a, 1, 2), SUBSTRING(a FOR 3)
SELECT TRIM(BOTH 'x' FROM a), TRIM(TRAILING 'y' FROM a), TRIM(a), TRIM('x' FROM a)
SELECT TRIM(LEADING FROM a)
SELECT OVERLAY(a PLACING 'b' FROM 1 FOR 2), OVERLAY(a PLACING 'b' FROM 3)
SELECT a AT TIME ZONE 'UTC', now() AT TIME ZONE 'Europe/Paris'
SELECT a COLLATE "C", a COLLATE "de_DE"
SELECT CURRENT_DATE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP(3), LOCALTIMESTAMP, CURRENT_USER, SESSION_USER, CURRENT_SCHEMA, current_time
SELECT ceil(1.5), floor(2.5), round(a, 2)
-- Function calls, aggregates and windows
SELECT count(*), count(DISTINCT a), sum(a) FILTER (WHERE a > 0), string_agg(a, ',' ORDER BY b DESC), array_agg(a ORDER BY b NULLS FIRST)
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY a), mode() WITHIN GROUP (ORDER BY a)
SELECT f(a => 1, b => 2), pg_catalog.upper('x'), "Quoted"(1), grouping(a, b)
SELECT row_number() OVER (), rank() OVER (PARTITION BY a ORDER BY b DESC), sum(a) OVER w, sum(a) OVER (w ORDER BY b)
SELECT sum(a) OVER (ORDER BY b ROWS BETWEEN 1 PRECEDING AND CURRENT ROW), sum(a) OVER (ORDER BY b RANGE UNBOUNDED PRECEDING), sum(a) OVER (GROUPS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING), sum(a) OVER (ROWS BETWEEN 2 FOLLOWING AND 3 FOLLOWING)
SELECT sum(a) OVER (ORDER BY b ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW)
-- JSON operators
SELECT j -> 'a', j ->> 'a', j #> '{a,b}', j #>> '{a,b}', j @> '{}', '{}' <@ j, j ? 'k', j ?| ARRAY['a'], j ?& ARRAY['b'], a && b
-- Identifiers
SELECT "MixedCase", MixedCase, "with space", "a""b", t."Col", s.t.c, "select"
SELECT a AS "Alias", a alias2, 1 AS "from"

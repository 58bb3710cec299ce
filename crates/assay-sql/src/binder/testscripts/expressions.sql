-- Operator type resolution
SELECT 1 + 1, 1 + 1.5, 1::int2 + 1::int2, 1::int8 / 2, 2.5 * 2::float8, 1::real + 1, 5 % 2
SELECT current_date - 1, current_date - current_date, current_date + interval '1 day', now() - now(), interval '1 day' * 2
SELECT 'a' || 1, 1 || 'a', 'a'::varchar || 'b'::varchar, ARRAY[1] || 2, 'x' || 'y'
SELECT 1 = 1.0, 1::int8 < 2, name = 'x', d > '2024-01-01', price = 2 FROM bt
SELECT 1 + '2'
SELECT -2147483648, -(1), - 2.5
-- Conditionals
SELECT CASE WHEN qty > 1 THEN 'many' WHEN qty = 1 THEN 'one' END FROM bt
SELECT CASE qty WHEN 1 THEN 1.5 ELSE 2 END FROM bt
SELECT coalesce(name, 'none'), coalesce(qty, 1.5), nullif(qty, 0), greatest(1, 2.5, qty), least('a', 'b') FROM bt
SELECT case when true then 1 end::int
-- Predicates
SELECT id BETWEEN 1 AND 10, id NOT BETWEEN SYMMETRIC 10 AND 1, name ILIKE '%X%', name NOT LIKE 'a_' FROM bt
SELECT id IN (1, 2, 3), id IN (1, 2.5), name IN ('a', 'b') FROM bt
SELECT id IS NULL, name IS NOT NULL, (qty > 1) IS TRUE, (qty > 1) IS NOT UNKNOWN, id IS DISTINCT FROM qty FROM bt
SELECT id = ANY (ARRAY[1, 2]), id < ALL (ARRAY[5, 6]) FROM bt
SELECT name ~ 'a.*', name !~* 'B' FROM bt
-- Functions and special syntax
SELECT lower(name), length(name), abs(qty), upper('x') FROM bt
SELECT count(*), max(name), min(d) FROM bt
SELECT current_date, current_timestamp, localtimestamp
SELECT ARRAY[1, 2], ARRAY[1, 2.5], (ARRAY[1, 2])[1]
SELECT 'abc'::text, '1 day'::interval, DATE '2024-01-02', '{1,2}'::int[]

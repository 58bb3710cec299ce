-- Names
SELECT xx FROM bt
SELECT bt.xx FROM bt
SELECT nme FROM bt
SELECT id FROM bt, bu
SELECT zz.id FROM bt
SELECT * FROM nosuch
SELECT * FROM bt, bt
SELECT *
SELECT (SELECT 1 FROM bt WHERE xx = 1)
-- Types and operators
SELECT 1 + 'a'::text
SELECT 'abc'::int
SELECT name FROM bt WHERE id = 'abc'
SELECT id FROM bt WHERE qty
SELECT true AND 1
SELECT '1' + '2'
SELECT 1 IN ('a'::text)
SELECT CASE WHEN true THEN 1 ELSE 'x'::text END
SELECT coalesce(1, 'x'::text)
SELECT 1 LIKE 'a'
SELECT 'x'::nosuchtype
SELECT date '2024-13-01'
SELECT ARRAY[]
-- Grouping and aggregates
SELECT id FROM bt GROUP BY name
SELECT id FROM bt WHERE count(*) > 1
SELECT 1 FROM bt HAVING id > 1
SELECT count(*), x.y FROM (SELECT 1 AS y) x
SELECT sum(count(*)) FROM bt
SELECT row_number() FROM bt
SELECT id FROM bt WHERE row_number() OVER () > 1
SELECT id FROM bt GROUP BY 7
SELECT lower(name) OVER () FROM bt
SELECT nosuchfunc(1)
-- ORDER BY, DISTINCT, LIMIT
SELECT DISTINCT id FROM bt ORDER BY name
SELECT id FROM bt ORDER BY 5
SELECT id FROM bt LIMIT 'x'
SELECT id FROM bt FETCH FIRST 1 ROWS WITH TIES
-- Subqueries and set operations
SELECT (SELECT 1, 2)
SELECT 1 UNION SELECT 1, 2
SELECT 1 UNION SELECT 'a'::text
SELECT 'a' UNION SELECT 1
SELECT id FROM bt WHERE id IN (SELECT id, name FROM bt)
SELECT * FROM (SELECT 1)
SELECT name, (SELECT count(*) FROM bu WHERE bu.id = bt.qty) FROM bt GROUP BY name

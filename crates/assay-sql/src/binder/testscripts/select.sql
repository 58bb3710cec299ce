-- Targets, names and *
SELECT 1
SELECT 1 AS one, 'a', NULL, 2.5, 3000000000, true
SELECT * FROM bt
SELECT b.*, u.note FROM bt b, bu u
SELECT id, name FROM bt WHERE qty > 5 AND name LIKE 'a%'
SELECT x.y FROM (SELECT 1 AS y) x
SELECT id::text, 'a'::varchar(3), CAST(price AS int), 1::int, d::timestamp FROM bt
-- Joins
SELECT bt.name, bu.note FROM bt JOIN bu ON bt.id = bu.bt_id
SELECT * FROM bt LEFT JOIN bu USING (id)
SELECT id FROM bt FULL JOIN bu USING (id)
SELECT * FROM bt NATURAL JOIN bu
SELECT * FROM bt CROSS JOIN bu WHERE bt.id = bu.bt_id
SELECT * FROM bt, LATERAL (SELECT note FROM bu WHERE bu.bt_id = bt.id) l
-- Grouping
SELECT name, count(*), sum(qty), avg(price) FROM bt GROUP BY name
SELECT name AS n, count(*) FROM bt GROUP BY n HAVING count(*) > 1
SELECT name, count(*) FROM bt GROUP BY 1 ORDER BY 2 DESC
SELECT count(*) FROM bt
SELECT name, d, sum(qty), grouping(name, d) FROM bt GROUP BY ROLLUP (name, d)
SELECT name, d, count(*) FROM bt GROUP BY CUBE (name, d)
SELECT name, d, count(*) FROM bt GROUP BY GROUPING SETS ((name), (d), ())
SELECT count(DISTINCT name), string_agg(name, ',' ORDER BY name) FILTER (WHERE qty > 0) FROM bt
-- Windows
SELECT id, row_number() OVER (PARTITION BY name ORDER BY id), sum(qty) OVER w FROM bt WINDOW w AS (ORDER BY id)
SELECT name, rank() OVER (ORDER BY sum(qty) DESC) FROM bt GROUP BY name
-- ORDER BY, DISTINCT, LIMIT
SELECT id, name FROM bt ORDER BY name DESC NULLS LAST, id
SELECT id FROM bt ORDER BY qty + 1
SELECT DISTINCT name FROM bt ORDER BY name
SELECT DISTINCT ON (name) name, id FROM bt ORDER BY name, id DESC
SELECT id FROM bt ORDER BY id LIMIT 10 OFFSET 5
SELECT id FROM bt ORDER BY qty FETCH FIRST 3 ROWS WITH TIES
-- Set-returning functions
SELECT * FROM generate_series(1, 3) g
SELECT * FROM generate_series(1, 3) WITH ORDINALITY AS g(n, i)
SELECT generate_series(1, 3)
SELECT id, generate_series(1, qty) FROM bt
SELECT * FROM bt, unnest(ARRAY[id, qty]) u
-- Subqueries
SELECT id FROM bt WHERE EXISTS (SELECT 1 FROM bu WHERE bu.bt_id = bt.id)
SELECT id, (SELECT max(note) FROM bu WHERE bu.bt_id = bt.id) AS top FROM bt
SELECT id FROM bt WHERE id IN (SELECT bt_id FROM bu)
SELECT id FROM bt WHERE id NOT IN (SELECT bt_id FROM bu)
SELECT id FROM bt WHERE price > ALL (SELECT id FROM bu)
SELECT ARRAY(SELECT id FROM bt)
-- Views and parameters
SELECT * FROM v_expensive
SELECT id FROM bt WHERE id = $1 AND name = $2
SELECT $1::int + 1, $2
-- Correlated subqueries of grouped queries see the Aggregate's row
SELECT name, (SELECT count(*) FROM bu WHERE bu.note = bt.name) FROM bt GROUP BY name
SELECT d, count(*) FROM bt GROUP BY d HAVING EXISTS (SELECT 1 FROM bu WHERE bu.id > count(*) AND bt.d IS NOT NULL)
SELECT d, count(*) FROM bt GROUP BY d HAVING EXISTS (SELECT 1 FROM bu WHERE bu.bt_id > 0 AND bt.d IS NOT NULL)

-- INSERT
INSERT INTO bt VALUES (1, 'a', 1.5, 2, '2024-01-01')
INSERT INTO bt (id, name) VALUES (1, 'a'), (2, DEFAULT) RETURNING *
INSERT INTO bt (name, id) SELECT note, bt_id FROM bu
INSERT INTO s (v) VALUES ('x') RETURNING id, ts
INSERT INTO s DEFAULT VALUES
INSERT INTO bt (id, name) VALUES (1, 'a') ON CONFLICT DO NOTHING
INSERT INTO bt (id, name) VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET name = excluded.name || bt.name WHERE bt.qty > 0
INSERT INTO bt (id, qty) VALUES ($1, $2)
INSERT INTO bu VALUES (1, 2, 'note')
-- INSERT errors
INSERT INTO bt VALUES (1, 'a', 1, 1, current_date, 5)
INSERT INTO bt (id) VALUES ('x'::text)
INSERT INTO bt (id, name) VALUES (1)
INSERT INTO bt (nope) VALUES (1)
INSERT INTO bt (id, id) VALUES (1, 2)
INSERT INTO bt (id) VALUES ('abc')
INSERT INTO bt (id, name) VALUES (1, 'a') ON CONFLICT (name) DO NOTHING
INSERT INTO bt (id, name) VALUES (1, 'a') ON CONFLICT DO UPDATE SET name = 'b'
INSERT INTO nosuch VALUES (1)
-- UPDATE
UPDATE bt SET name = 'x', qty = qty + 1 WHERE id = 1
UPDATE bt SET (name, qty) = ('y', 2) RETURNING id, name
UPDATE bt SET note = 'x' FROM bu WHERE bu.bt_id = bt.id
UPDATE bt SET name = bu.note FROM bu WHERE bu.bt_id = bt.id RETURNING bt.id, bu.note
UPDATE bt SET qty = DEFAULT
UPDATE bt SET qty = 'x'::text
UPDATE bt SET qty = count(*)
-- DELETE
DELETE FROM bt WHERE id = 1 RETURNING *
DELETE FROM bt USING bu WHERE bu.bt_id = bt.id
DELETE FROM bt b WHERE b.qty > 3
INSERT INTO bt (id, name) SELECT '5', 'x' UNION ALL SELECT 6, NULL
INSERT INTO bt (id, d) SELECT $1, '2024-01-01'

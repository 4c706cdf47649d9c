-- Demo data: 2,000 customers, 500 products, 50,000 orders of one to three lines each.
-- Each table is filled by one set-based INSERT … SELECT over generate_series. As for any bulk load, the
-- foreign keys and the secondary index are dropped first and made again after: one check and one sort
-- for the whole table instead of one per row.
-- Rows are matched by position (row_number), not by id, so this also works after a down and up again.
ALTER TABLE order_items DROP CONSTRAINT order_items_order_id_fkey, DROP CONSTRAINT order_items_product_id_fkey;
ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey;
DROP INDEX orders_customer_id_idx;

INSERT INTO customers (email, full_name, created_at)
SELECT format('customer%s@example.com', n), format('Customer %s', n), now() - n * interval '1 hour'
  FROM generate_series(1, 2000) AS n;

INSERT INTO products (sku, name, price_cents, stock)
SELECT format('SKU-%s', lpad(n::text, 4, '0')), format('Product %s', n), 100 + (n * 37) % 9900, (n * 13) % 500
  FROM generate_series(1, 500) AS n;

INSERT INTO orders (customer_id, status, created_at)
SELECT c.id, (ARRAY['pending', 'paid', 'shipped', 'cancelled'])[1 + n % 4], now() - (50000 - n) * interval '8 minutes'
  FROM generate_series(1, 50000) AS n
  JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS position FROM customers) AS c
    ON c.position = (n * 7919) % 2000;

INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents)
SELECT o.id, p.id, 1 + (o.id + line) % 3, p.price_cents
  FROM orders AS o
 CROSS JOIN generate_series(0, 2) AS line
  JOIN (SELECT id, price_cents, row_number() OVER (ORDER BY id) - 1 AS position FROM products) AS p
    ON p.position = (o.id * 31 + line * 101) % 500
 WHERE line <= o.id % 3;

CREATE INDEX orders_customer_id_idx ON orders (customer_id);
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id);
ALTER TABLE order_items
  ADD CONSTRAINT order_items_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
  ADD CONSTRAINT order_items_product_id_fkey FOREIGN KEY (product_id) REFERENCES products (id);

ANALYZE customers, products, orders, order_items;

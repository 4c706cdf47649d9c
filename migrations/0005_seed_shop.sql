-- Demo data: 2,000 customers, 500 products, 200,000 orders of one to three lines each.
-- Rows are matched by position (row_number), not by id, so this also works after a down and up again.
INSERT INTO customers (email, full_name, created_at)
SELECT format('customer%s@example.com', n), format('Customer %s', n), now() - n * interval '1 hour'
  FROM generate_series(1, 2000) AS n;

INSERT INTO products (sku, name, price_cents, stock)
SELECT format('SKU-%s', lpad(n::text, 4, '0')), format('Product %s', n), 100 + (n * 37) % 9900, (n * 13) % 500
  FROM generate_series(1, 500) AS n;

-- Fresh statistics let the planner join the new rows with hash joins instead of nested loops.
ANALYZE customers, products;

INSERT INTO orders (customer_id, status, created_at)
SELECT c.id, (ARRAY['pending', 'paid', 'shipped', 'cancelled'])[1 + n % 4], now() - (200000 - n) * interval '2 minutes'
  FROM generate_series(1, 200000) AS n
  JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS position FROM customers) AS c
    ON c.position = (n * 7919) % 2000;

ANALYZE orders;

INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents)
SELECT o.id, p.id, 1 + (o.id + line) % 3, p.price_cents
  FROM orders AS o
 CROSS JOIN generate_series(0, 2) AS line
  JOIN (SELECT id, price_cents, row_number() OVER (ORDER BY id) - 1 AS position FROM products) AS p
    ON p.position = (o.id * 31 + line * 101) % 500
 WHERE line <= o.id % 3;

ANALYZE order_items;

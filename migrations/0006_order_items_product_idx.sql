-- pgtop:no-transaction
-- pgtop:lock_timeout=10s
-- pgtop:statement_timeout=10min
-- Finds the orders of a product; built on the seeded rows without blocking writes.
CREATE INDEX CONCURRENTLY IF NOT EXISTS order_items_product_id_idx ON order_items (product_id);

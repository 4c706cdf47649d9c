-- pgtop:no-transaction
-- pgtop:lock_timeout=10s
-- Built without blocking writes to orders: CREATE INDEX CONCURRENTLY cannot run in a transaction.
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_idx ON orders (created_at);

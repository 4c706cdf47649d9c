-- pgtop:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS order_items_product_id_idx;

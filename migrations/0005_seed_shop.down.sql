TRUNCATE order_items, orders, products, customers RESTART IDENTITY;

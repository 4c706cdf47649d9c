import { pick, type ActorContext } from './actor.js';
import { between, pause } from './pause.js';
import type { WorkloadSession } from './session.js';

// The seed has customers 1–2,000, products 1–500 (SKU-0001…) and orders 1–50,000. Product 1 is left to
// the lock chain, so this traffic never waits on it.
const CUSTOMERS = 2000;
const PRODUCTS = 500;
const ORDERS = 50_000;

type ShopQuery = (context: ActorContext) => { sql: string; params: unknown[] };

const lookUpProduct: ShopQuery = (context) => ({
  sql: 'SELECT id, name, price_cents, stock FROM products WHERE sku = $1',
  params: [`SKU-${String(pick(context, 2, PRODUCTS)).padStart(4, '0')}`],
});

const recentOrders: ShopQuery = (context) => ({
  sql: 'SELECT id, status, created_at FROM orders WHERE customer_id = $1 ORDER BY created_at DESC LIMIT 10',
  params: [pick(context, 1, CUSTOMERS)],
});

const placeOrder: ShopQuery = (context) => ({
  sql:
    'WITH new_order AS (INSERT INTO orders (customer_id) VALUES ($1) RETURNING id) ' +
    'INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) ' +
    'SELECT new_order.id, products.id, $3, products.price_cents FROM new_order, products WHERE products.id = $2',
  params: [pick(context, 1, CUSTOMERS), pick(context, 2, PRODUCTS), pick(context, 1, 3)],
});

const payOrder: ShopQuery = (context) => ({
  sql: "UPDATE orders SET status = 'paid' WHERE id = $1 AND status = 'pending'",
  params: [pick(context, 1, ORDERS)],
});

const productSales: ShopQuery = (context) => ({
  sql: 'SELECT count(*) AS lines, sum(quantity) AS units FROM order_items WHERE product_id = $1',
  params: [pick(context, 2, PRODUCTS)],
});

/** Reads outnumber writes, as in a shop. */
const mix: [weight: number, query: ShopQuery][] = [
  [40, lookUpProduct],
  [25, recentOrders],
  [15, placeOrder],
  [15, payOrder],
  [5, productSales],
];

function nextQuery(context: ActorContext): ReturnType<ShopQuery> {
  let ticket = context.random() * 100;
  for (const [weight, query] of mix) {
    ticket -= weight;
    if (ticket < 0) return query(context);
  }
  return lookUpProduct(context);
}

/** A steady stream of small reads and writes on the shop tables, one every 50–200 ms, until stopped. */
export async function runShopTraffic(context: ActorContext, session: WorkloadSession): Promise<void> {
  const [min, max] = context.timings.fastPauseMs;
  while (!context.signal.aborted) {
    const { sql, params } = nextQuery(context);
    try {
      await session.query(sql, params);
    } catch {
      await pause(1000, context.signal);
      continue;
    }
    await pause(between(min, max, context.random), context.signal);
  }
}

-- What the shop sells; prices in cents.
CREATE TABLE products (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sku         text NOT NULL UNIQUE CHECK (sku ~ '^[A-Z]{3}-[0-9]{4,}$'),
  name        text NOT NULL,
  price_cents integer NOT NULL CHECK (price_cents > 0),
  stock       integer NOT NULL DEFAULT 0 CHECK (stock >= 0)
);

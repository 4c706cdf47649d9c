-- The shop's customers.
CREATE TABLE customers (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email      text NOT NULL UNIQUE CHECK (position('@' IN email) > 1),
  full_name  text NOT NULL CHECK (full_name <> ''),
  created_at timestamptz NOT NULL DEFAULT now()
);

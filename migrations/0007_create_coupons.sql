-- Discount codes. pgtop demo leaves the newest migration pending, so its Migrations view has one to apply.
CREATE TABLE coupons (
  code        text PRIMARY KEY CHECK (code ~ '^[A-Z0-9]{4,16}$'),
  percent_off integer NOT NULL CHECK (percent_off BETWEEN 1 AND 90),
  valid_until timestamptz NOT NULL
);

INSERT INTO coupons (code, percent_off, valid_until)
SELECT format('SAVE%s', n * 5), n * 5, now() + n * interval '1 week'
  FROM generate_series(1, 6) AS n;

-- The demo catalog's data for docker-compose.yml (run by the postgres image's initdb, after
-- examples/catalog/schema.sql): 20 categories, 10,000 products, about 25,000 reviews. The production
-- image holds no seeding tool, so the database seeds itself.
INSERT INTO categories (id, name)
SELECT c, 'Category ' || c FROM generate_series(1, 20) c;

INSERT INTO products (id, sku, name, price, stock, category_id)
SELECT p, 'SKU-' || lpad(p::text, 6, '0'), 'Product ' || p, round((1 + (p * 7919 % 50000) / 100.0)::numeric, 2),
       p * 31 % 500, 1 + p % 20
FROM generate_series(1, 10000) p;
SELECT setval('products_id_seq', 10000);

INSERT INTO reviews (product_id, rating, body)
SELECT 1 + (r * 7 % 10000), 1 + r % 5, 'Review ' || r FROM generate_series(1, 25000) r;

ANALYZE categories, products, reviews;

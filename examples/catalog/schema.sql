-- The demo catalog: categories, products, reviews.
-- REPLICA IDENTITY FULL on tables whose non-key columns map to cache keys, so that updates and
-- deletes carry the whole old row (a product moved out of a category must invalidate the old listing).

CREATE TABLE IF NOT EXISTS categories (
    id         bigint PRIMARY KEY,
    name       text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS products (
    id          bigserial PRIMARY KEY,
    sku         text          NOT NULL UNIQUE,
    name        text          NOT NULL,
    price       numeric(12,2) NOT NULL CHECK (price >= 0),
    stock       integer       NOT NULL DEFAULT 0 CHECK (stock >= 0),
    category_id bigint        REFERENCES categories (id),
    updated_at  timestamptz   NOT NULL DEFAULT now()
);
-- Listing pages: WHERE category_id = ? ORDER BY id LIMIT 20 OFFSET ?
CREATE INDEX IF NOT EXISTS products_category_id_id_idx ON products (category_id, id);

CREATE TABLE IF NOT EXISTS reviews (
    id         bigserial PRIMARY KEY,
    product_id bigint      NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    rating     smallint    NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body       text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS reviews_product_id_idx ON reviews (product_id);

ALTER TABLE products REPLICA IDENTITY FULL;
ALTER TABLE reviews REPLICA IDENTITY FULL;

CREATE TABLE category (id bigint PRIMARY KEY, name text NOT NULL);
INSERT INTO category VALUES (1, 'kettles'), (2, 'toasters');

CREATE FUNCTION category_count() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM category);
END;
$$;

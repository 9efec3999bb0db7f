-- A second example, in the style of a telecom plan recommender: plans keyed by a text code, users
-- keyed by UUID. Nothing in cachepipe's code knows these tables; views.yaml beside this file is all.

CREATE TABLE IF NOT EXISTS plans (
    code        text          PRIMARY KEY,
    name        text          NOT NULL,
    monthly_fee numeric(10,2) NOT NULL CHECK (monthly_fee >= 0),
    data_gb     integer       NOT NULL,
    updated_at  timestamptz   NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS users (
    id           uuid        PRIMARY KEY,
    email        text        NOT NULL UNIQUE,
    display_name text        NOT NULL,
    region       text        NOT NULL,
    plan_code    text        REFERENCES plans (code),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
-- Region pages: WHERE region = ? ORDER BY email LIMIT 50 OFFSET ?
CREATE INDEX IF NOT EXISTS users_region_email_idx ON users (region, email);
CREATE INDEX IF NOT EXISTS users_plan_code_idx ON users (plan_code);

-- Views bind users.region and users.plan_code, which are not the key: updates must carry the old row.
ALTER TABLE users REPLICA IDENTITY FULL;

-- Kept in step with migrations/postgres.
-- The language a user chose for the web pages (en, ru, or a language a translator added);
-- NULL until chosen: the browser's Accept-Language decides.
ALTER TABLE users ADD COLUMN lang TEXT;

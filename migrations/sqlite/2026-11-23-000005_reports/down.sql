DROP TABLE reports;
ALTER TABLE results DROP COLUMN assumptions;

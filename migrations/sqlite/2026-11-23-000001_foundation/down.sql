DROP TABLE targets;
DROP TABLE indicators;
DROP TABLE results;
DROP TABLE contributions;
DROP TABLE funding_sources;
DROP TABLE projects;

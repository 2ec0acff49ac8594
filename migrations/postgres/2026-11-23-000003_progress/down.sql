DROP TABLE risk_updates;
DROP TABLE risks;
DROP TABLE narratives;
DROP TABLE activity_progress;
DROP TABLE actuals;

DROP TABLE finding_explanations;

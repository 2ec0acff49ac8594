ALTER TABLE projects DROP COLUMN iati_implementing_org_ref;
ALTER TABLE projects DROP COLUMN iati_activity_prefix;
ALTER TABLE projects DROP COLUMN iati_reporting_org_ref;
ALTER TABLE projects DROP COLUMN country_code;

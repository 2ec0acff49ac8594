-- Kept in step with migrations/postgres.
-- IATI publishing (GET /projects/{p}/iati.xml): the project's settings, all optional; the
-- export names the missing ones (422). Existing projects keep their data and get NULLs.

-- ISO 3166-1 alpha-2 code of the project's country (recipient-country), e.g. KZ.
ALTER TABLE projects ADD COLUMN country_code TEXT;
-- IATI organisation identifier of the reporting organisation (UNDP: XM-DAC-41114).
ALTER TABLE projects ADD COLUMN iati_reporting_org_ref TEXT;
-- The activity identifier's prefix, starting with the reporting organisation's identifier
-- (XM-DAC-41114-PROJECT); the identifier is the prefix, '-', and the award id (or the code).
ALTER TABLE projects ADD COLUMN iati_activity_prefix TEXT;
-- IATI organisation identifier of the implementing partner, when it has one.
ALTER TABLE projects ADD COLUMN iati_implementing_org_ref TEXT;

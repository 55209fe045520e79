-- The places report (`report place --place TYPE:ID`, a page's files on screen) reads one
-- place's references: by its type and id, not by a pass over every reference.
CREATE INDEX IF NOT EXISTS usage_locations_place ON usage_locations(type, location_id);

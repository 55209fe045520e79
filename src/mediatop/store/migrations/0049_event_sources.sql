-- The Ingest screen's events per source: counted as events are written (store.events),
-- so that it does not read every raw event (3.7 s at 10M). 'player' counts the video
-- engagement events. Filled here from the events already stored.
CREATE TABLE event_sources (
  source   TEXT PRIMARY KEY,            -- log | track | import | beacon | demo | player
  events   BIGINT NOT NULL,
  last_at  BIGINT                       -- the latest event's timestamp (epoch seconds)
);
INSERT INTO event_sources (source, events, last_at)
  SELECT source, COUNT(*), MAX(timestamp) FROM media_usage_events GROUP BY source;
INSERT INTO event_sources (source, events, last_at)
  SELECT 'player', COUNT(*), MAX(timestamp) FROM video_engagement_events
  HAVING COUNT(*) > 0;

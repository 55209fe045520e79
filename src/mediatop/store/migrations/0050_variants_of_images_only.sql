-- A CMS generates sizes of images only: a video, document or sound whose name looks like
-- a generated size ("promo-1920x1080.mp4", "manual@2x.pdf") was grouped with the file of
-- the shorter name, and counted as used whenever that one was. Each is its own group.
UPDATE media_files SET group_path = path, variant = NULL
  WHERE kind <> 'image' AND variant IS NOT NULL;

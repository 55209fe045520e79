-- Probes now give an image's width and height as a browser shows it: a photo whose EXIF
-- orientation turns it a quarter has its stored height as its width (scan/probe_image.py),
-- so "wider than it is shown" compares like with like. Only a header tells whether an
-- image probed before is turned: the next scan probes again every present image of a
-- format that can carry EXIF (headers only, a one-time cost of some seconds per 10,000).
UPDATE media_files SET probed_at = NULL
  WHERE kind = 'image' AND deleted_at IS NULL
    AND format IN ('JPEG', 'MPO', 'TIFF', 'WEBP', 'PNG', 'HEIF', 'AVIF');

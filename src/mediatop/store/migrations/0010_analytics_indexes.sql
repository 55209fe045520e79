-- Analytics (issue 5): indexes for the storage growth per month, the quota forecast and
-- recent uploads, which otherwise read every row of media_files. Both are narrow and
-- covering, and media_files only changes when a scan does, so ingest pays nothing.
CREATE INDEX media_files_uploaded ON media_files(uploaded_at, size, deleted_at);
CREATE INDEX media_files_deleted ON media_files(deleted_at, size) WHERE deleted_at IS NOT NULL;

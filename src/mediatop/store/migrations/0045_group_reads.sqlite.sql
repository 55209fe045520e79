-- Nothing on SQLite: its pair (0045_group_reads.postgres.sql) adds two indexes that only
-- PostgreSQL's plans use; SQLite reads the same question in group_path order (0011).
SELECT 1;

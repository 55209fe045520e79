"""The subject screens, one module each: the tabs of the app (Images, Videos,
Documents, Audio, Unused, Duplicates, Insights, Ingest, Optimize), each a list screen
over one report of the library surface, and the list of the files a page uses."""

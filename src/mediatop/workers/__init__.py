"""Running work in other processes, one way for each kind of work.

- `pool`: the one process pool for untrusted decoding (probes, re-encoding images to
  measure savings, perceptual hashes): a time limit per task, a memory limit, silenced
  stdio, and a worker that crashes or hangs replaced.
- `forked`: forked pipelines for work that needs the parent's memory (the scan's walk,
  a big log's ingest): tasks handed out in order, results streamed back, turns taken
  in task order.
- `children`: what every child does to die with its parent and carry its errors back.

Nothing here knows mediatop's store, sources or analytics: they hand in their tasks.
"""

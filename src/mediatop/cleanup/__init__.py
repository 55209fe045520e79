"""Cleanup and optimise: reviewable plans, moves into quarantine, undo and purge.

- `plan`: the plan file (what would be moved or optimised, and why), written and read
  back losslessly (paths are bytes);
- `fsops`: moving one file safely through directory descriptors (no symlink followed,
  the file checked against the plan, cross-file-system moves copied and verified);
- `apply`: a cleanup plan applied with every move journalled before and after;
- `undo`: putting files back, listing and purging the quarantine;
- `optimize` and `optimize_apply`: planning and writing smaller images.

Nothing here decides what is unused or duplicated: the library surface hands the
analytics' candidates in as `Candidate` values. Journal reads and writes are in
`mediatop.store`. Headless: no face, no Textual.
"""

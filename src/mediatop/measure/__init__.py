"""Measuring library files: a source step beside the scan, writing what it finds to the store.

Content and perceptual hashes (`hashing`) and image re-encoding savings (`savings`)
read file bytes, which the analytics never do; their results are stored through
`mediatop.store.measurements` and the reports read them from there. `for_reports`
runs the step a report needs before it (the library surface calls it). Headless.
"""

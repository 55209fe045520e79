"""`mediatop serve`: the seed's HTTP API on Starlette and uvicorn.

A face like the CLI and the dashboard: every handler calls the library surface
(`mediatop.library.MediaLibrary`) and nothing else of the core. `app.build_app` wires
the routes (`reads`, `beacons`), the access rules (`access`), the beacons' group-commit
writer (`group_commit`) and the OpenAPI document (`openapi`); `server.serve` runs it.
"""

"""mediatop: understand and clean up a website's media library from the terminal."""

__version__ = "0.1.0"

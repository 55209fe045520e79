"""mediatop: see what a website's media library stores and uses, and what could be cleaned
up or optimised, from the terminal."""

__version__ = "0.1.0"

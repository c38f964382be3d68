"""Jaring: a coordinated regional system against online fraud."""

__version__ = "0.1.0"

"""Deterministic, regionally realistic demo data; see ``jaring.demo.generator``."""

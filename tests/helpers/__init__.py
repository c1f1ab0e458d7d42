"""Shared test helpers (paths, specs, experiment overrides, the plain scoring oracle); no tests here."""

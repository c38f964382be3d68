"""The benchmark harness behind `jaring bench PART`; see ``jaring.bench.harness``."""

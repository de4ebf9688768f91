"""The built-in M-Switch simulator behind `--demo`, the benchmarks and tests."""

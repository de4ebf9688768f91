"""The headless commands (decode, stats, catalog): their printers, counts and the config file."""

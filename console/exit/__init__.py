"""Ending promptly: q, SIGTERM, SIGHUP or a lost terminal end the process within a second."""

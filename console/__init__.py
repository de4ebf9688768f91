"""smtp-console: a live event console for Isode M-Switch SMTP event logs."""

__version__ = "0.1.0"

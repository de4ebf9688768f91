"""Logs on other hosts, followed over SSH with the operator's own ssh client and settings: a small
follower is streamed to the host's python3 (nothing is installed there) and its lines come back as
the same RawLine/Batch objects a local follower gives (console.tail.contract)."""

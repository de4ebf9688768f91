"""Regexes a site or an operator writes, checked before use so none can hang the console."""

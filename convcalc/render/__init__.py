"""Renderers: turn an Analysis into text. Each imports what it needs only when called."""

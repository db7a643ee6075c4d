"""Renderers: one per output format (tables, markdown, html, docx)."""

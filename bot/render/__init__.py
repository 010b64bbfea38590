"""Renderers: the engine's neutral markup turned into each platform's format."""

"""Helpers for the kit's own tests: setting up the browser and servers they use."""

"""Workshops: each module arranges exercises into the phases of one trainer dashboard or solo notebook."""

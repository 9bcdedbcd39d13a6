"""Athlete monitoring: trends against each athlete's own noise (trends), team testing
sessions (rotation), pages (pages + templates/), data out and in (exchange)."""

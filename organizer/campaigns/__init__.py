"""Campaigns: strategy charts, power maps, actions and their evaluation, calendar feeds."""

"""Recurring work: APScheduler ticks, the dispatcher sends what the database says is due."""

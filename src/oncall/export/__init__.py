"""Exports: iCalendar files (`oncall.export.ics`) and PagerDuty request documents."""

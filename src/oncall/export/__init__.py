"""Exports: iCalendar files (:mod:`oncall.export.ics`) and PagerDuty request documents."""

"""Spreadsheets in and out: bounded strict reading (`reading`), numbers and dates as
Vietnamese people type them (`numbers`, `cells`), uploads held between preview and
confirmation (`held`), and the one upload pipeline every import runs (`pipeline`, with
its web flow in `web` and its command-line flow in `command`)."""

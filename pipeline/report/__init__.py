"""Rendering results: the consolidated workbook, its tables as data, and terminal output."""

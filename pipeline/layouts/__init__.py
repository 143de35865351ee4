"""The return layouts, one package each (``p44/``, ``three_year/``, ...): all that is
particular to a layout. ``pipeline.declare.LAYOUTS`` finds them here."""

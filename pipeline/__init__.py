"""Action plan returns pipeline: templates out, returns in, one consolidated progress workbook.

The library mirrors the commands: ``make_templates`` (pipeline.templates.writer), ``load``
(pipeline.reading), ``check_returns`` (pipeline.checking), ``run`` (pipeline.run). Heavy
libraries are imported by those modules, not here, so ``pipeline --help`` stays quick.
"""

__version__ = "0.1.0"

"""The templates partners fill in: a round's templates, one per organisation (``writer``), what
each starts with (``starting``), one template's workbook written (``workbook``), where things
go on it and how it prints (``paper``), and a round's templates pre-filled from the store
(``prefill``)."""

from .workbook import write_template
from .writer import make_templates, template_name, write_prefilled

__all__ = ["make_templates", "template_name", "write_prefilled", "write_template"]

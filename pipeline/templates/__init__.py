"""The templates partners fill in: writing one (``writer``), where things go on it and how it
prints (``paper``), and a round's templates, pre-filled from the store (``prefill``)."""

from .writer import make_templates, template_name, write_prefilled, write_template

__all__ = ["make_templates", "template_name", "write_prefilled", "write_template"]

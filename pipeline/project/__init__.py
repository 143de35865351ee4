"""A project folder: its project file (``pipeline.toml``), found as git finds a repository,
whose settings become every command's option defaults; and ``pipeline init``, which makes
one."""

from .settings import PROJECT_FILE, Option, ProjectError, find_project, load_project
from .start import Started, start_project

__all__ = [
    "PROJECT_FILE",
    "Option",
    "ProjectError",
    "Started",
    "find_project",
    "load_project",
    "start_project",
]

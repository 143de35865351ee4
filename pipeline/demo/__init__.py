"""The demo round: registers shipped with the package, and a generator of realistic returns."""

from .generate import DEMO_AS_OF, DemoInbox, make_demo

__all__ = ["DEMO_AS_OF", "DemoInbox", "make_demo"]

"""The demo round: a generator of realistic returns, playing each layout's demo partners (their
registers and plans are in the layouts' packages)."""

from .generate import DEMO_AS_OF, DemoInbox, make_demo

__all__ = ["DEMO_AS_OF", "DemoInbox", "make_demo"]

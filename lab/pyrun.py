#!/usr/bin/python3
"""Runs a Python entry point: pyrun.py MODULE:FUNCTION PROG [ARGS...].

Debian's python3-* OpenStack packages ship no service executables (those come with the *-common
packages, which also bring /etc files and system users), so the lab runs the entry points as modules.
PROG becomes sys.argv[0]: oslo.config names the program after it.
Always run with /usr/bin/python3: "python3" on PATH may not see the Debian packages.
"""
import importlib
import sys

module, function = sys.argv[1].split(":")
del sys.argv[:2]
sys.exit(getattr(importlib.import_module(module), function)())

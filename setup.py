"""Packages: every package under src/ (found, so a new sub-package needs no edit), plus the
built-in letter templates, which live at the top of the repository (where officers and reviewers
look for them) and ship inside the package as `lscp_cli.templates` (see pyproject.toml's
package-dir). Everything else is in pyproject.toml."""

from setuptools import find_packages, setup

setup(packages=[*find_packages("src"), "lscp_cli.templates"])

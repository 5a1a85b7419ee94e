# The built-in letter templates, shipped inside the package as `lscp_cli.templates`.
# This file makes the folder a regular package so `importlib.resources` finds it in an
# editable install as well as in a wheel (a namespace package is not found there).

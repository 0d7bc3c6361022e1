"""Jupyter notebooks (`.ipynb`) as input: JSON -> cells -> virtual Python modules -> positions.

`read` parses the notebook JSON (the schema nbformat 4 follows) and finds the physical line of
each source line; `source` turns the code cells into Python modules with IPython syntax
neutralised line for line; `positions` maps a virtual module's row back to (cell, line in the
cell, physical line of the .ipynb file); `expand` plugs all of it into the pipeline.
Never imports IPython or nbformat, never runs a cell.
"""

"""Commands installed with the package besides ``vast-spend`` (``cost.__main__``):
``vast-status`` (``status``) and ``vast-offers`` (``offers``)."""

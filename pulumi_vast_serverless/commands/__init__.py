"""Commands installed with the package besides ``vast-spend`` (``cost.__main__``):
``vast-status`` (``status``), ``vast-offers`` (``offers``) and ``vast-import``
(``imports``)."""

"""Output attributes with docs that ``help()`` shows, like a generated Pulumi SDK's.

Declare them as ``max_workers: Output[int] = output(ENDPOINT)``: the doc is the output
description of the table row of that name (or, for an output that is no input,
``output("When Vast created it.")``). The annotation stays ``Output[T]`` because Pulumi's
SDK reads it to type the values it hands the program (an ``int`` endpoint id rather than
the wire's float).
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar, overload

from pulumi import Output

from ..providers import Table

T = TypeVar("T")


class OutputProperty(Generic[T]):
    """A resource output: ``Endpoint.max_workers`` documents it, ``ep.max_workers`` is it.

    Pulumi's SDK stores each output in the instance's ``__dict__``; this descriptor reads
    it from there and carries the docstring on the class.
    """

    def __init__(self, doc: str | Table) -> None:
        self._table = doc if isinstance(doc, Table) else None
        self.__doc__ = doc if isinstance(doc, str) else None
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        if self._table is not None:  # the row of this name says what the output holds
            self.__doc__ = self._table[name].output

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> OutputProperty[T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> Output[T]: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        try:
            return instance.__dict__[self.name]
        except KeyError:
            raise AttributeError(self.name) from None

    def __set__(self, instance: object, value: Any) -> None:
        raise AttributeError(f"{self.name} is an output of the resource; set it as an input")

    def __repr__(self) -> str:
        return f"<output {self.name}: {self.__doc__}>"


def output(doc: str | Table) -> Any:
    """A documented output attribute (typed by its ``Output[T]`` annotation): its doc, or
    the table whose row of the attribute's name gives it."""
    return OutputProperty[Any](doc)

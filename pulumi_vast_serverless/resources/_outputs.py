"""Output attributes with docs that ``help()`` shows, like a generated Pulumi SDK's.

Declare them as ``max_workers: Output[int] = output("Maximum workers.")``: the annotation
stays ``Output[T]`` because Pulumi's SDK reads it to type the values it hands the program
(an ``int`` endpoint id rather than the wire's float); the value carries the doc.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar, overload

from pulumi import Output

T = TypeVar("T")


class OutputProperty(Generic[T]):
    """A resource output: ``Endpoint.max_workers`` documents it, ``ep.max_workers`` is it.

    Pulumi's SDK stores each output in the instance's ``__dict__``; this descriptor reads
    it from there and carries the docstring on the class.
    """

    def __init__(self, doc: str) -> None:
        self.__doc__ = doc
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

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


def output(doc: str) -> Any:
    """A documented output attribute (typed by its ``Output[T]`` annotation)."""
    return OutputProperty[Any](doc)

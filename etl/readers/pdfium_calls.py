"""PDFium's C functions called through cffi, with every pointer as a plain address.

A PDF report's thousands of characters each ask PDFium four questions. Through ctypes each
call took 0.73 µs, most of it ctypes' own work converting arguments; through cffi, the same
function with the same arguments takes 0.37 µs (measured on one page's 592 characters).
The functions are pypdfium2's own (its ctypes bindings give their addresses and
signatures); only the way of calling them changes.

Every pointer, argument or result, is an ``intptr_t`` here: the C calling convention passes
a pointer and a pointer-sized integer alike, so a handle is an ``int`` (0 for none), kept
and compared as one, and an answer written to memory is written to a ctypes buffer whose
address (``ctypes.addressof``) is passed. cffi lets go of Python's lock during each call:
PDFium is called only inside ``pdfium_session.reading()``, its one lock, so no other
thread is in PDFium meanwhile.
"""

from __future__ import annotations

import ctypes
import functools
from typing import Any

import cffi

_FFI = cffi.FFI()

#: ctypes' types of PDFium's arguments and results, as C names cffi declares.
_C_NAMES: dict[Any, str] = {
    ctypes.c_int: "int",
    ctypes.c_uint: "unsigned int",
    ctypes.c_long: "long",
    ctypes.c_ulong: "unsigned long",
    ctypes.c_float: "float",
    ctypes.c_double: "double",
    ctypes.c_void_p: "intptr_t",
}


def _c_name(kind: Any) -> str:
    """The C type cffi is told for one of a binding's ctypes types (pointers as addresses)."""
    if kind is None:
        return "void"
    if isinstance(kind, type) and issubclass(kind, ctypes._Pointer):
        return "intptr_t"
    try:
        return _C_NAMES[kind]
    except KeyError:
        raise TypeError(f"PDFium call with an argument of type {kind!r} has no plain C form here") from None


@functools.cache
def pdfium_call(name: str) -> Any:
    """PDFium's function ``name``, taking and giving addresses (``int``) where it takes and
    gives pointers."""
    import pypdfium2.raw as raw

    function = getattr(raw, name)
    arguments = ", ".join(_c_name(kind) for kind in function.argtypes) or "void"
    signature = f"{_c_name(function.restype)}(*)({arguments})"
    return _FFI.cast(signature, ctypes.cast(function, ctypes.c_void_p).value or 0)


def handle_address(handle: Any) -> int:
    """A pypdfium2 handle (a typed ctypes pointer) as the address ``pdfium_call`` takes."""
    return ctypes.cast(handle, ctypes.c_void_p).value or 0

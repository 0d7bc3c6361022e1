"""The classic first surprise: a plain Python class passed into a jitted function."""

from numba import jit


class MyInt(object):
    def __init__(self, x):
        self.x = x


@jit
def add_object(a, b):
    # Numba's own error points at the decorator; numba-lint points here.
    return a.x + b.x


a = MyInt(5)
b = MyInt(6)
add_object(a, b)

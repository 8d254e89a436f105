"""Argument types shared by our commands: a bad value is a usage error (exit status 2 and the usage line)."""

import argparse


def non_negative(what: str):
    """An argparse type for a whole number, 0 or more; `what` names it in the error ("a number of days")."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = -1
        if number < 0:
            raise argparse.ArgumentTypeError(f"give {what}, 0 or more (not {value!r})")
        return number

    return parse

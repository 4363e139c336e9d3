"""CSV readers with our own field size bound.

Python's csv module keeps its field size limit process-wide, and libraries
raise it when imported (frictionless sets it to the largest integer). A
feed's reader must not depend on what else the process has imported, so the
bound is set here, every time, before a feed's CSV is read.
"""
import csv

MAX_FIELD_CHARS = 128 * 1024  # the csv default; no value of a feed comes near it


def _bounded():
    csv.field_size_limit(MAX_FIELD_CHARS)


def reader(stream, **options):
    _bounded()
    return csv.reader(stream, **options)


def dict_reader(stream, **options):
    _bounded()
    return csv.DictReader(stream, **options)

"""Reading a downloaded JSON document as a reader's own error, whatever is wrong with it."""
import json


def parse(raw, error, what):
    """The JSON value of `raw`; `error` (the reader's exception) names `what` ("the file", "the answer")."""
    try:
        return json.loads(raw)
    except ValueError as problem:
        raise error(f"{what} is not JSON ({problem})")
    except RecursionError:
        raise error(f"{what} nests JSON too deeply to be read")

"""scikit-learn for DeepForge jobs, sessions, exports and artifact previews.

Importing this package registers the serializer ``"sklearn.estimator"`` with
:func:`deepforge.serialization.register`: any ``sklearn.base.BaseEstimator`` (a fitted or unfitted
estimator or pipeline) is saved with ``joblib.dump`` and loaded with ``joblib.load``. The import is
light: scikit-learn and joblib are imported only when an estimator is saved or loaded (an object
can only be an estimator once ``sklearn.base`` was imported by whoever made it).

:func:`describe` gives what an artifact preview shows of an estimator; :data:`previews` maps the
serializer's name to it, so that a preview that imported the library's modules can find, for an
artifact's type, the function that describes the loaded object.
"""

import math
import sys

from deepforge.serialization import register

__all__ = ["SERIALIZER", "is_estimator", "save", "load", "describe", "previews"]

#: The registry name of the serializer (an artifact's ``type``, and the port type it is shown as).
SERIALIZER = "sklearn.estimator"

MAX_VALUE_TEXT = 200  # characters of one parameter's value shown by describe


def is_estimator(obj):
    """Whether ``obj`` is a scikit-learn estimator (without importing scikit-learn)."""
    base = sys.modules.get("sklearn.base")
    return base is not None and isinstance(obj, base.BaseEstimator)


def save(estimator, path):
    import joblib

    joblib.dump(estimator, path)


def load(path):
    import joblib

    return joblib.load(path)


register(SERIALIZER, is_estimator, save, load)


def describe(estimator):
    """A preview of an estimator, in the form of ``deepforge.preview``'s tables: one row per
    parameter (``get_params()``, nested ones of a pipeline's steps included), plus ``class``,
    ``fitted`` and ``text`` (the estimator's repr, as scikit-learn prints it)."""
    params = estimator.get_params(deep=True)
    rows = [[name, _value(value)] for name, value in sorted(params.items())]
    return {"kind": "table", "type": SERIALIZER,
            "class": type(estimator).__module__ + "." + type(estimator).__qualname__,
            "fitted": is_fitted(estimator), "text": repr(estimator),
            "columns": ["parameter", "value"], "rows": rows, "total": len(rows)}


#: Preview functions by serializer name: ``previews[type](loaded object)`` → a preview table.
previews = {SERIALIZER: describe}


def is_fitted(estimator):
    """Whether the estimator (a pipeline: its last step) has been fitted."""
    from sklearn.exceptions import NotFittedError
    from sklearn.pipeline import Pipeline
    from sklearn.utils.validation import check_is_fitted

    if isinstance(estimator, Pipeline):
        estimator = estimator.steps[-1][1] if estimator.steps else None
        if estimator is None or estimator == "passthrough":
            return True  # nothing to fit
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return False
    except TypeError:  # not an estimator scikit-learn can check
        return False
    return True


def _value(value):
    """A parameter's value as JSON: plain values as they are, anything else (a step, nan, a
    class) as its repr."""
    if value is None or isinstance(value, (bool, int, str)) or (
            isinstance(value, float) and math.isfinite(value)):
        if isinstance(value, str) and len(value) > MAX_VALUE_TEXT:
            return value[:MAX_VALUE_TEXT - 3] + "..."
        return value
    text = repr(value)
    return text if len(text) <= MAX_VALUE_TEXT else text[:MAX_VALUE_TEXT - 3] + "..."

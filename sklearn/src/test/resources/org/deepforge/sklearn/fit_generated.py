"""Imports a generated module (argv[1]: its directory, argv[2]: its factory), fits a fresh pipeline on a fixed split of
the digits and prints the score, then the number of features the steps before the last put out."""
import importlib
import sys

from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

sys.path.insert(0, sys.argv[1])
factory = getattr(importlib.import_module("generated"), sys.argv[2])
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
pipeline = factory()
print(repr(pipeline.fit(X_train, y_train).score(X_test, y_test)))
print(pipeline[:-1].transform(X_test).shape[1])

"""The parity baseline: the digits pipeline written by hand, fitted and scored on the same split as the generated one."""
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
pipeline = Pipeline([
    ("scale", StandardScaler()),
    ("pca", PCA(n_components=20, random_state=0)),
    ("classify", LogisticRegression(max_iter=1000)),
])
print(repr(pipeline.fit(X_train, y_train).score(X_test, y_test)))

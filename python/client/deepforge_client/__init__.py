"""Python client for DeepForge's REST API.

Example::

    from deepforge_client import Client
    client = Client("http://127.0.0.1:8888")          # or $DEEPFORGE_SERVER; token= or $DEEPFORGE_TOKEN
    project = client.create_example("digits")
    execution = project.run("train-and-score")
    execution.wait(follow=True)                        # prints every job's console live; 'success'
    execution.metrics("Train")["loss"].values          # numbers
    project.artifact("myModel").download(".")          # streamed, sha256-checked

Only the standard library is needed; numpy, when installed, gives ``metrics(..., as_numpy=True)``.
"""
from .artifacts import Artifact, Downloaded
from .client import Client
from .errors import (BadRequest, Conflict, DeepForgeError, ExecutionFailed, Forbidden, Gone, IntegrityError, NotFound,
                     ServerError, ServerUnreachable, Unauthorized, Unprocessable)
from .executions import ArraySeries, Execution, Job, Series
from .projects import ChangeResult, ModelView, Pipeline, Project
from .routes import ROUTES

__version__ = "0.1.0"

__all__ = [
    "Client", "Project", "Pipeline", "ModelView", "ChangeResult", "Execution", "Job", "Series", "ArraySeries",
    "Artifact", "Downloaded", "ROUTES",
    "DeepForgeError", "BadRequest", "Unauthorized", "Forbidden", "NotFound", "Conflict", "Gone", "Unprocessable",
    "ServerError", "ServerUnreachable", "IntegrityError", "ExecutionFailed",
]

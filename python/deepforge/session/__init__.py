"""Interactive sessions (docs/sessions.md): the agent that drives a Jupyter kernel for the server
(:mod:`deepforge.session.agent`) and the ``df`` module bound inside that kernel
(:mod:`deepforge.session.workspace`)."""

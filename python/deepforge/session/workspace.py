"""The ``df`` module inside a session's kernel (docs/sessions.md "What runs in the kernel")."""

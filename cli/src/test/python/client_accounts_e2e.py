"""The Python client in accounts mode ($DEEPFORGE_SERVER): without a token every call is refused with
Unauthorized; with $E2E_TOKEN (passed as token=) it works. Run by PythonClientE2ETest."""
import os
import sys

from deepforge_client import Client, Unauthorized

try:
    Client().projects()
    sys.exit("a call without a token was answered")
except Unauthorized as e:
    print("without token:", e.status, e.message)
try:
    Client(token="dft_not_a_real_token").projects()
    sys.exit("a call with a wrong token was answered")
except Unauthorized as e:
    print("wrong token:", e.status)

client = Client(token=os.environ["E2E_TOKEN"])
me = client.me()
assert me["via"] == "token", me
project = client.create_project("scripted")
assert project.id in [p.id for p in client.projects()]
print("with token:", me["name"], "created", project.name)
print("ACCOUNTS OK")

"""A migration that fails: the upgrade must be refused (422) with this message, and nothing committed."""
import sys

sys.stdin.read()
sys.exit("brokenlib cannot migrate this project: no widgets found")

"""Dateline's HTTP API, version 1 (mounted at /api/v1/ by config/urls.py).

- The content API (routes/content.py): public, read-only, answered from `selectors.py` and
  kept by the page cache under the same tags as the pages (news.touches).
- The management API (routes/manage.py): per-person tokens (tokens.py); every change goes
  through the newsroom's actions with the token's owner as the actor.
- Webhooks (webhooks.py): subscribers told of what the newsroom's actions did.

May import news, pictures, pagecache, core, syndication (ninjs) and newsroom (its actions
and policy); nothing imports api but config/urls.py.
"""

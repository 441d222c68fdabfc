"""The article page's one script: it tells the beacon (beacon.py) that the story was
read. Inline, so no request is added to the page; let in by its hash alone
(config/security.py), which is why it is one fixed text and the story's id is on its
element (`data-story`). Sent as text/plain, which needs no CORS preflight, and with no
cookie: the beacon reads none."""

SCRIPT = (
    "(function(s){var n=navigator;"
    'if(n.sendBeacon)n.sendBeacon("/b",s.dataset.story)})(document.currentScript)'
)

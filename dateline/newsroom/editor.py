"""The story body editor: django-prose-editor (ProseMirror/Tiptap, shipped inside the Python
package, so no npm build) with our reference nodes from static/newsroom/editor.js.

The editor's schema is also the paste filter: text pasted from Word or Google Docs is parsed
into paragraphs, crossheads, quotations, lists, bold, italic and links, and everything else
(styles, classes, spans, Office's o:p) is dropped before it reaches the form. The server then
sanitises the body again (news/body.py); the editor is a convenience, never the gate.
"""

from __future__ import annotations

from django_prose_editor.widgets import AdminProseEditorWidget
from js_asset import Media, static_lazy


def no_rules(config, shared):
    """Our nodes (registered in settings.DJANGO_PROSE_EDITOR_EXTENSIONS) add nothing to
    prose-editor's own nh3 allowlist, which we do not use: news.body.sanitize is the one
    allowlist for bodies."""


BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    # Crossheads are level 2 (level 3 for a sub-crosshead), as the public page renders them.
    "Heading": {"levels": [2, 3]},
    "Blockquote": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Typographic": True,
    "DatelinePicture": True,
    "DatelineAlsoRead": True,
    "DatelineEmbed": True,
    "DatelineStoryLink": True,
}


class BodyEditorWidget(AdminProseEditorWidget):
    def __init__(self, attrs=None):
        super().__init__(
            attrs={"data-dateline-body": "", **(attrs or {})},
            config={"extensions": BODY_EXTENSIONS},
            preset="configurable",
        )

    @property
    def media(self):
        return super().media + Media(css={"all": [static_lazy("newsroom/editor.css")]})


def with_nonce(media, request) -> Media:
    """`media` (a form's, with the editor's import map) rendering its tags with the
    request's Content-Security-Policy nonce, read only if there is a tag to render."""
    return Media.from_media(media, nonce=getattr(request, "csp_nonce", ""))

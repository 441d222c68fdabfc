"""The writing screen: a story's own page at the desk (`/newsroom/story/<id>/`, and
`/newsroom/story/new/`), built for news rather than a model form.

Every save goes through the actions: the text and labels through `article_edit` (a live
story as a typed correction), a lead picture uploaded or re-captioned on the spot through
`picture_edit`, workflow buttons through the named workflow actions, notes and assignments
through `actions/notes.py`. The version the screen opened travels with the form, so a save
over someone else's newer one is refused with everything typed kept on screen."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django_prose_editor.widgets import ProseEditorWidget
from js_asset import Media, static_lazy

from dateline.news import services as news
from dateline.news.body import BodyRefused, sanitize
from dateline.news.models import (
    Article,
    Author,
    Correction,
    Publication,
    Section,
    Status,
    Tag,
    Topic,
)
from dateline.newsroom.actions.base import EDITORS, ActionRefused
from dateline.newsroom.actions.notes import article_assign, assignable_people, note_add
from dateline.newsroom.actions.pictures import picture_edit
from dateline.newsroom.actions.publication import article_edit
from dateline.newsroom.editor import BODY_EXTENSIONS, with_nonce
from dateline.newsroom.offer import actions_offered, desk_state
from dateline.newsroom.preflight import HEADLINE_MAX, preflight
from dateline.newsroom.presence import presence_record
from dateline.newsroom.roles import roles_of
from dateline.pictures.models import Picture
from dateline.pictures.services import PictureRejected, picture_upload_prepare

SOCIAL_HEADLINE_MAX = 70  # what search results and cards show before they cut
SOCIAL_DESCRIPTION_MAX = 160
LABEL_SUGGESTIONS = 10


class DeskBodyEditorWidget(ProseEditorWidget):
    """The body editor of admin's story form (newsroom/editor.py), with the desk's look
    instead of admin's overrides."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"data-dateline-body": "", "rows": 18, **(attrs or {})},
            config={"extensions": BODY_EXTENSIONS},
            preset="configurable",
        )

    @property
    def media(self):
        return super().media + Media(css={"all": [static_lazy("newsroom/editor.css")]})


def _names(value: str) -> list[str]:
    seen, names = set(), []
    for part in (value or "").split(","):
        name = " ".join(part.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


class StoryForm(forms.Form):
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    headline = forms.CharField(
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-guide": HEADLINE_MAX}),
        help_text=f"Up to {HEADLINE_MAX} characters reads whole in search results and on phones.",
    )
    standfirst = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The summary under the headline, in one or two sentences.",
    )
    source_credit = forms.CharField(
        label="Source credit",
        max_length=200,
        required=False,
        help_text='Shown after the standfirst, e.g. "reports Asian Lite News".',
    )
    body = forms.CharField(
        required=False,
        widget=DeskBodyEditorWidget(),
        help_text="Start a line with ## for a crosshead or > for a quotation. Add pictures, "
        "ALSO READ links and embeds with the buttons under the text.",
    )
    section = forms.ModelChoiceField(
        queryset=Section.objects.order_by("name"), required=False, empty_label="— choose —"
    )
    authors = forms.CharField(
        required=False,
        help_text="Names separated by commas; suggestions come as you type.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-labels": "authors"}),
    )
    tags = forms.CharField(
        required=False,
        help_text="Separated by commas; a new tag is made when it is saved.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-labels": "tags"}),
    )
    topics = forms.CharField(
        required=False,
        help_text="People, places, organisations and events, separated by commas.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-labels": "topics"}),
    )
    lead_picture = forms.IntegerField(required=False, widget=forms.HiddenInput)
    lead_file = forms.FileField(
        label="Upload a lead picture",
        required=False,
        help_text="JPEG, PNG, WebP or GIF. Where it was taken and the camera's details are "
        "removed when it is stored.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    lead_caption = forms.CharField(label="Caption", max_length=1000, required=False)
    lead_credit = forms.CharField(label="Picture credit", max_length=200, required=False)
    lead_alt = forms.CharField(
        label="Alt text",
        max_length=500,
        required=False,
        help_text="What the picture shows, for readers who cannot see it.",
    )
    social_headline = forms.CharField(
        label="Social headline",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"data-guide": SOCIAL_HEADLINE_MAX}),
        help_text="For search results and social cards. Empty: the headline.",
    )
    social_description = forms.CharField(
        label="Social description",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "data-guide": SOCIAL_DESCRIPTION_MAX}),
        help_text="For search results and social cards. Empty: the standfirst.",
    )
    change_kind = forms.ChoiceField(
        label="Kind of change",
        choices=[("", "—")] + list(Correction.Kind.choices),
        required=False,
        help_text="The story is live: a typo fix shows nothing; the others show a note.",
    )
    change_note = forms.CharField(
        label="Note to readers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What was corrected or updated (shown with corrections).",
    )

    def __init__(self, *args, live: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.live = live
        if not live:
            del self.fields["change_kind"]
            del self.fields["change_note"]

    def clean_body(self):
        body = self.cleaned_data.get("body") or ""
        try:
            sanitize(body)
        except BodyRefused as exc:
            raise forms.ValidationError(f"This text cannot be saved: {exc}.") from None
        return body

    def clean_authors(self):
        chosen, missing = [], []
        for name in _names(self.cleaned_data.get("authors", "")):
            author = Author.objects.filter(name__iexact=name).order_by("pk").first()
            if author is None:
                missing.append(name)
            else:
                chosen.append(author)
        if missing:
            raise forms.ValidationError(
                f"No author named {', '.join(missing)}: an editor adds new authors in admin."
            )
        return chosen

    def clean_topics(self):
        names = _names(self.cleaned_data.get("topics", ""))
        chosen = []
        for name in names:
            topic = Topic.objects.filter(name__iexact=name).order_by("pk").first()
            if topic is None:
                raise forms.ValidationError(f"No topic named {name}: choose one suggested.")
            chosen.append(topic)
        return chosen

    def clean_tags(self):
        return _names(self.cleaned_data.get("tags", ""))

    def clean(self):
        cleaned = super().clean()
        if self.live:
            kind = cleaned.get("change_kind") or ""
            if not kind:
                self.add_error("change_kind", "The story is live: choose the kind of change.")
            elif kind in Correction.SHOWN and not (cleaned.get("change_note") or "").strip():
                self.add_error("change_note", "Say what was corrected: readers see this note.")
        return cleaned


def _initial(article: Article) -> dict:
    lead = article.lead_picture
    return {
        "opened_version": article.version,
        "headline": article.headline,
        "standfirst": article.standfirst,
        "source_credit": article.source_credit,
        "body": article.body,
        "section": article.section_id,
        "authors": ", ".join(a.name for a in article.authors.order_by("name")),
        "tags": ", ".join(t.name for t in article.tags.order_by("name")),
        "topics": ", ".join(t.name for t in article.topics.order_by("name")),
        "lead_picture": article.lead_picture_id,
        "lead_caption": lead.caption if lead else "",
        "lead_credit": lead.credit if lead else "",
        "lead_alt": lead.alt_text if lead else "",
        "social_headline": article.social_headline,
        "social_description": article.social_description,
    }


def _note_thread(article: Article):
    return list(article.notes.select_related("author"))


def _page(request, article: Article | None, form: StoryForm, *, status: int = 200):
    publication = Publication.load()
    zone = ZoneInfo(publication.time_zone)
    lead = article.lead_picture if article is not None and article.lead_picture_id else None
    offset = dt.datetime.now(zone).strftime("%z")
    editor = bool(roles_of(request.user) & EDITORS)
    context = {
        "article": article,
        "form": form,
        "media": with_nonce(form.media, request),
        "findings": preflight(article) if article is not None and article.pk else [],
        "offered": actions_offered(request.user, article, getattr(article, "workflow", None))
        if article is not None
        else [],
        "here": request.get_full_path(),
        "zone_label": f"{publication.time_zone}, UTC{offset[:3]}:{offset[3:]}",
        "notes": _note_thread(article) if article is not None else [],
        # Only editors assign: a writer's screen does not ask who could be chosen.
        "people": list(assignable_people()) if article is not None and editor else [],
        "assignee": getattr(getattr(article, "workflow", None), "assigned_to", None)
        if article is not None
        else None,
        "zone": publication.time_zone,
        "is_editor": editor,
        "state_label": desk_state(article, getattr(article, "workflow", None)).label
        if article is not None
        else "New",
        "headline_max": HEADLINE_MAX,
        "lead": lead,
        "lead_thumb": lead.rendition_url(320) if lead is not None and lead.width else "",
    }
    response = render(request, "newsroom/desk/story.html", context, status=status)
    return response


def story_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _save(request, Article())
    form = StoryForm(initial={"opened_version": None})
    return _page(request, None, form)


def story(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.select_related("section", "lead_picture", "workflow__assigned_to"),
        pk=pk,
    )
    if article.status == Status.PLACEHOLDER:
        return render(request, "newsroom/desk/gone.html", {"article": article}, status=404)
    if request.method == "POST":
        return _save(request, article)
    others = presence_record(article=article, user=request.user)
    if others:
        messages.warning(
            request,
            f"Also open by {', '.join(others)}: saving over their work is refused, so save "
            "often and reload if told.",
        )
    form = StoryForm(initial=_initial(article), live=article.status == Status.PUBLISHED)
    return _page(request, article, form)


def _lead_picture(form: StoryForm, by) -> Picture | None:
    """The lead picture as the form has it: a new upload, or the chosen library picture
    with its caption, credit and alt text as edited in place (saved through picture_edit)."""
    data = form.cleaned_data
    words = {
        "caption": data.get("lead_caption", "").strip(),
        "credit": data.get("lead_credit", "").strip(),
        "alt_text": data.get("lead_alt", "").strip(),
    }
    upload = data.get("lead_file")
    if upload:
        prepared = picture_upload_prepare(upload)
        picture = Picture(file=prepared, metadata_cleaned=True, **words)
        return picture_edit(picture=picture, by=by, changed=["file", *words])
    ident = data.get("lead_picture")
    if not ident:
        return None
    picture = Picture.objects.filter(pk=ident).first()
    if picture is None:
        raise ActionRefused("That library picture is gone: choose another.")
    changed = [name for name, value in words.items() if getattr(picture, name) != value]
    if changed:
        for name in changed:
            setattr(picture, name, words[name])
        picture_edit(picture=picture, by=by, changed=changed)
    return picture


def _save(request: HttpRequest, article: Article) -> HttpResponse:
    live = article.pk is not None and article.status == Status.PUBLISHED
    form = StoryForm(request.POST, request.FILES, live=live)
    if not form.is_valid():
        messages.error(request, "The story was not saved: see the notes by the fields.")
        return _page(request, article if article.pk else None, form)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            lead = _lead_picture(form, request.user)
            article.headline = data["headline"].strip()
            article.standfirst = data["standfirst"].strip()
            article.source_credit = data["source_credit"].strip()
            article.body = data["body"]
            article.section = data["section"]
            article.lead_picture = lead
            article.social_headline = data["social_headline"].strip()
            article.social_description = data["social_description"].strip()
            tags = [news.tag_get_or_create(name=name) for name in data["tags"]]
            article_edit(
                article=article,
                by=request.user,
                authors=data["authors"],
                tags=tags,
                topics=data["topics"],
                expected_version=data.get("opened_version") if article.pk else None,
                kind=data.get("change_kind") or "",
                note=data.get("change_note") or "",
            )
    except news.EditConflict as exc:
        messages.error(request, f"Not saved: {exc} Your text is still here; copy what you need.")
        return _page(request, Article.objects.get(pk=article.pk), form, status=409)
    except PictureRejected as exc:
        form.add_error("lead_file", f"This file cannot be used: {exc}.")
        messages.error(request, "The story was not saved: see the notes by the fields.")
        return _page(request, article if article.pk else None, form)
    except (ActionRefused, news.SlugTaken) as exc:
        messages.error(request, f"Not saved: {exc}")
        if article.pk:
            article = Article.objects.get(pk=article.pk)
        return _page(request, article if article.pk else None, form, status=400)
    messages.success(request, f"Saved version {article.version}.")
    return redirect("newsroom:story", pk=article.pk)


def story_note(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("workflow"), pk=pk)
    try:
        note_add(article=article, by=request.user, text=request.POST.get("text", ""))
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Note added.")
    return redirect(reverse("newsroom:story", kwargs={"pk": pk}) + "#notes")


def story_assign(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    raw = request.POST.get("to", "")
    to = None
    if raw:
        to = get_user_model().objects.filter(pk=int(raw) if raw.isdigit() else 0).first()
        if to is None:
            messages.error(request, "No such person.")
            return redirect("newsroom:story", pk=pk)
    try:
        article_assign(article=article, by=request.user, to=to)
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"Assigned to {to.get_username()}." if to else "Nobody has it now."
        )
    return redirect("newsroom:story", pk=pk)


def story_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """A fresh signed preview address of the story as it is saved now, to open or to send
    to a colleague; it works until it expires or the story is saved again."""
    from dateline.core import clock
    from dateline.news.preview import preview_seconds, preview_url

    article = get_object_or_404(Article, pk=pk)
    zone = ZoneInfo(Publication.load().time_zone)
    until = (clock.now() + dt.timedelta(seconds=preview_seconds())).astimezone(zone)
    return render(
        request,
        "newsroom/desk/preview.html",
        {"article": article, "url": preview_url(article), "until": until},
    )


def story_preflight(request: HttpRequest) -> HttpResponse:
    """What blocks publishing the story as the screen holds it now (nothing is saved)."""
    source = request.POST
    ident = source.get("article", "")
    stored = Article.objects.filter(pk=int(ident)).first() if ident.isdigit() else None
    draft = Article(pk=stored.pk if stored else None)
    draft.headline = source.get("headline", "")
    draft.standfirst = source.get("standfirst", "")
    try:
        draft.body = sanitize(source.get("body", ""))
    except BodyRefused as exc:
        return JsonResponse({"findings": [{"blocking": True, "message": f"{exc}."}]})
    section = source.get("section", "")
    draft.section_id = int(section) if section.isdigit() else None
    lead = source.get("lead_picture", "")
    draft.lead_picture_id = int(lead) if lead.isdigit() else None
    from dateline.news import body as body_format

    ids, _ = body_format.references(draft.body)
    if draft.lead_picture_id:
        ids.add(draft.lead_picture_id)
    pictures = {p.pk: p for p in Picture.objects.filter(pk__in=ids)} if ids else {}
    if draft.lead_picture_id in pictures:
        # The lead's words as edited in place, not yet saved.
        shown = pictures[draft.lead_picture_id]
        shown.caption = source.get("lead_caption", shown.caption)
        shown.credit = source.get("lead_credit", shown.credit)
        shown.alt_text = source.get("lead_alt", shown.alt_text)
    findings = preflight(draft, pictures=pictures)
    return JsonResponse(
        {"findings": [{"blocking": f.blocking, "message": f.message} for f in findings]}
    )


def labels(request: HttpRequest) -> HttpResponse:
    """Type-ahead for authors, tags and topics: ?kind=authors|tags|topics&q=the start."""
    kinds = {"authors": Author, "tags": Tag, "topics": Topic}
    model = kinds.get(request.GET.get("kind", ""))
    query = " ".join(request.GET.get("q", "").split())[:100]
    if model is None or not query:
        return JsonResponse({"results": []})
    found = (
        model.objects.filter(name__istartswith=query)
        .order_by("name")
        .values_list("name", flat=True)[:LABEL_SUGGESTIONS]
    )
    rows = list(dict.fromkeys(found))
    if len(rows) < LABEL_SUGGESTIONS:
        more = (
            model.objects.filter(name__icontains=query)
            .exclude(name__istartswith=query)
            .order_by("name")
            .values_list("name", flat=True)[: LABEL_SUGGESTIONS - len(rows)]
        )
        rows += [n for n in more if n not in rows]
    return JsonResponse({"results": rows})

"""The desk's static pages screen (/newsroom/pages/): every page with its state, publish,
unpublish and delete buttons, the footer menu in order, and the page form with the body
editor. Every change is a page action (actions/pages.py); works without JavaScript."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from dateline.newsroom.actions.base import EDITORS, ActionRefused
from dateline.newsroom.actions.pages import (
    footer_set,
    page_delete,
    page_publish,
    page_restore,
    page_save,
    page_unpublish,
)
from dateline.newsroom.editor import BodyEditorWidget, with_nonce
from dateline.newsroom.ordering import list_edited
from dateline.newsroom.roles import roles_of
from dateline.pages.models import FooterLink, Page, PageRevision


class PageDeskForm(forms.Form):
    title = forms.CharField(max_length=200)
    slug = forms.CharField(
        label="Address", max_length=100, required=False, help_text="e.g. about for /about/"
    )
    description = forms.CharField(
        max_length=300,
        required=False,
        help_text="For search engines and link previews; the body's first words if empty.",
    )
    body = forms.CharField(required=False, widget=BodyEditorWidget())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def pages(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        _act(request)
        return redirect("newsroom:pages")
    footer = [link.page for link in FooterLink.objects.select_related("page").order_by("position")]
    in_footer = {p.pk for p in footer}
    return render(
        request,
        "newsroom/pages.html",
        {
            "pages": Page.objects.order_by("title", "pk"),
            "footer": footer,
            "in_footer": in_footer,
            "editor": bool(roles_of(request.user) & EDITORS),
        },
    )


def _act(request: HttpRequest) -> None:
    op = request.POST.get("op", "")
    pk = request.POST.get("page", "")
    page = Page.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
    if page is None:
        messages.error(request, "No such page: it may have been deleted.")
        return
    footer = [link.page for link in FooterLink.objects.select_related("page").order_by("position")]
    try:
        if op == "publish":
            page_publish(page=page, by=request.user)
        elif op == "unpublish":
            page_unpublish(page=page, by=request.user)
        elif op == "delete":
            page_delete(page=page, by=request.user)
        elif op in ("footer-add", "footer-remove", "up", "down"):
            footer_set(pages=list_edited(footer, page, op.removeprefix("footer-")), by=request.user)
        else:
            messages.error(request, "Unknown action.")
            return
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Done: {page.title}")


def _edit_url(page: Page) -> str:
    return f"{reverse('newsroom:page-edit')}?page={page.pk}"


def page_edit(request: HttpRequest) -> HttpResponse:
    """`?page=ID` edits that page; without it, a new one."""
    pk = request.GET.get("page", "")
    page = get_object_or_404(Page, pk=int(pk)) if pk.isdigit() else Page()
    if request.method == "POST" and "restore" in request.POST:
        wanted = request.POST["restore"]
        revision = (
            PageRevision.objects.filter(pk=int(wanted), page_id=page.pk).first()
            if wanted.isdigit() and page.pk
            else None
        )
        if revision is None:
            messages.error(request, "No such revision of this page.")
            return redirect(_edit_url(page) if page.pk else reverse("newsroom:pages"))
        try:
            page_restore(page=page, revision=revision, by=request.user)
        except ActionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Restored version {revision.version}.")
        return redirect(_edit_url(page))
    if request.method == "POST":
        form = PageDeskForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                page_save(
                    page=page,
                    by=request.user,
                    title=data["title"],
                    slug=data["slug"],
                    description=data["description"],
                    body=data["body"],
                    expected_version=data["version"],
                )
            except ActionRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Saved: {page.title}")
                return redirect(_edit_url(page))
    else:
        form = PageDeskForm(
            initial={
                "title": page.title,
                "slug": page.slug,
                "description": page.description,
                "body": page.body,
                "version": page.version if page.pk else None,
            }
        )
    return render(
        request,
        "newsroom/page_edit.html",
        {
            "form": form,
            "page": page,
            "media": with_nonce(form.media, request),
            "revisions": page.revisions.all()[:20] if page.pk else [],
        },
    )

"""`dateline staff add USERNAME --role writer|editor|admin|wire` — add or change a member
of staff. No password is taken on the command line (it would land in shell history)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dateline.newsroom.roles import Role, role_group


class Command(BaseCommand):
    help = "Manage newsroom staff: dateline staff add USERNAME --role ROLE [--email E]"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        add = sub.add_parser("add", help="Add a member of staff, or change their role.")
        add.add_argument("username")
        add.add_argument("--role", required=True, choices=[r.value for r in Role])
        add.add_argument("--email", default="")

    @transaction.atomic
    def handle(self, *args, **options):
        username = options["username"].strip()
        if not username:
            raise CommandError("Give a username.")
        role = Role(options["role"])
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": options["email"]}
        )
        user.is_staff = True
        if role == Role.ADMIN:
            user.is_superuser = True
        if created:
            user.set_unusable_password()
        user.save()
        user.groups.remove(*Group.objects.filter(name__in=[r.value for r in Role]))
        user.groups.add(role_group(role))
        verb = "Added" if created else "Updated"
        self.stdout.write(f"{verb} {username} as {role.value}.")
        if created:
            self.stdout.write(f"Set the password with: dateline changepassword {username}")

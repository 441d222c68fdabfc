"""`dateline staff add USERNAME --role writer|editor|admin|wire` — add or change a member
of staff. No password is taken on the command line (it would land in shell history).

The role given is the whole of the person's access: changing it takes away superuser, every
other group and any permission given to them alone, so a demoted admin keeps nothing of
what they had (Django checks `is_superuser` before any group)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
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
        taken = []
        if user.is_superuser and role != Role.ADMIN:
            taken.append("no longer a superuser")
        user.is_staff = True
        user.is_superuser = role == Role.ADMIN
        if created:
            user.set_unusable_password()
        user.save()
        group = role_group(role)
        others = list(user.groups.exclude(pk=group.pk).values_list("name", flat=True))
        if others:
            taken.append(f"removed from {', '.join(sorted(others))}")
        direct = user.user_permissions.count()
        if direct:
            taken.append(f"{direct} permission{'s' if direct > 1 else ''} of their own removed")
        user.groups.set([group])
        user.user_permissions.clear()
        verb = "Added" if created else "Updated"
        self.stdout.write(f"{verb} {username} as {role.value}.")
        if taken:
            self.stdout.write(f"{username}: {'; '.join(taken)}.")
        if created:
            self.stdout.write(f"Set the password with: dateline changepassword {username}")

"""Verify and apply a province's exchange package at the centre."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ocop.exchange.domain.importing import import_package
from ocop.exchange.domain.package import PackageError


class Command(BaseCommand):
    help = "Import a province's exchange package (idempotent; never deletes)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="the account recorded as importing it")

    def handle(self, *args, file, user, **options):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"Không có tài khoản {user}.")
        try:
            package = import_package(raw=Path(file).read_bytes(), by=account)
        except (OSError, PackageError) as e:
            raise CommandError(str(e)) from None
        self.stdout.write(
            json.dumps(
                {"outcome": package.outcome, "conflicts": package.conflicts}, ensure_ascii=False
            )
        )

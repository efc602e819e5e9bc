"""Demo data (``manage.py load_demo``): the provincial coordination office
and one account of each role, with its role assignment. Reads
``ctx.province`` and ``ctx.communes``; sets ``ctx.office``, ``ctx.users`` (by
username) and ``ctx.subject_roles``: the assignments scoped to a subject,
``(user, role, registration number)``, which the producers' demo makes once
its subjects exist. Logins: ``manage.py demo_logins``."""

from django.conf import settings

from ocop.accounts.enums import OrganisationKind, Role
from ocop.accounts.models import Organisation, RoleAssignment, User

OFFICE = "Văn phòng Điều phối nông thôn mới tỉnh Thanh Hóa"
ACCOUNTS = [
    # (username, full name, role, scope: "province" | commune name | registration no. | None)
    ("admin", "Quản trị hệ thống (Trung ương)", Role.CENTRAL_ADMIN, None),
    ("tw.canbo", "Cán bộ VPĐP NTM Trung ương", Role.CENTRAL_OFFICER, None),
    ("tinh.quantri", "Quản trị tỉnh Thanh Hóa", Role.PROVINCE_ADMIN, "province"),
    ("tinh.canbo", "Cán bộ VPĐP NTM tỉnh Thanh Hóa", Role.PROVINCE_OFFICER, "province"),
    ("totuvan", "Thành viên Tổ tư vấn tỉnh", Role.ADVISORY_TEAM, "province"),
    ("hoidong", "Thành viên Hội đồng tỉnh", Role.COUNCIL_MEMBER, "province"),
    ("hoidong.2", "Thành viên Hội đồng tỉnh 2", Role.COUNCIL_MEMBER, "province"),
    ("hoidong.3", "Thành viên Hội đồng tỉnh 3", Role.COUNCIL_MEMBER, "province"),
    ("thanhtra", "Cán bộ hậu kiểm tỉnh", Role.INSPECTOR, "province"),
    ("xa.hoanghoa", "Cán bộ UBND xã Hoằng Hóa", Role.COMMUNE_OFFICER, "Hoằng Hóa"),
    ("xa.hauloc", "Cán bộ UBND xã Hậu Lộc", Role.COMMUNE_OFFICER, "Hậu Lộc"),
    ("sx.dongtam", "Lê Văn Tâm (HTX Đồng Tâm)", Role.PRODUCER, "2801234567"),
    ("tuvan", "Chuyên gia tư vấn OCOP", Role.CONSULTANT, "2801234567"),
]


def load(*, ctx) -> None:
    province, communes = ctx.province, ctx.communes
    office, _ = Organisation.objects.get_or_create(
        name=OFFICE,
        defaults={"kind": OrganisationKind.COORDINATION_OFFICE, "unit": province},
    )
    users = {}
    subject_roles = []
    for username, full_name, role, scope in ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"full_name": full_name, "email": f"{username}@demo.ocop.vn"},
        )
        if created:
            user.set_password(settings.OCOP_DEMO_PASSWORD)
            if role in Role.officer_roles or role == Role.COUNCIL_MEMBER:
                user.organisation = office if scope == "province" else None
            if username == "admin":
                user.is_staff = user.is_superuser = True
            user.save()
        users[username] = user
        if scope is None or scope == "province" or scope in communes:
            unit = province if scope == "province" else communes.get(scope)
            RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit, subject=None)
        else:
            subject_roles.append((user, role, scope))
    ctx.office = office
    ctx.users = users
    ctx.subject_roles = subject_roles

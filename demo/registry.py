"""The demo registry: teams and members, households and citizens, courses and attendance.

Figures follow what Thái Nguyên reported before the merger: 2,255 teams and a little over
7,000 members, of which Huyện Định Hóa 228 teams and about 1,500 members; Tổ dân phố Trung
Kiên (Thị trấn Chợ Chu) has 242 households. Bắc Kạn's teams are the demo's own round figures.
Records carry the dates they would have had (households registered from 2024 on, visits up to
today), so the figures of any past day are those of the records made by then. Rows are made
in bulk (the demo must load in seconds on SQLite) with the same normalisation as the services.
"""

from __future__ import annotations

import datetime
import hashlib
import random
import uuid
from collections.abc import Callable

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import user_create
from apps_catalog.models import App
from areas.models import AdministrativeUnit, Level
from areas.reference import MAPPING_2025, reference_file
from citizens.models import Assistance, Citizen, Household, Sex, Visit, VisitKind
from core.text import fold
from reorganizations.services import parse_mapping_csv
from teams.models import Affiliation, MemberRole, Team, TeamMember
from teams.services import members_bulk_add, teams_bulk_found
from training.models import Attendance, Course, Session, Trainee

TEAMS_PROVINCE = 2255  # former Thái Nguyên
TEAMS_DINH_HOA = 228
MEMBERS_PROVINCE = 7215
MEMBERS_DINH_HOA = 1512
TEAMS_BAC_KAN = 1020  # former Bắc Kạn (made up)
MEMBERS_BAC_KAN = 3160
TRUNG_KIEN_HOUSEHOLDS = 242
DINH_HOA_CODE = "167"
PROVINCE_CODE = "19"
XA_DINH_HOA_CODE = "05569"  # since 1 July 2025
QUIET_DAYS = 35
DAI_TU_CODE = "05830"  # Xã Đại Từ, since 1 July 2025
# The first records: households registered from January 2024 on.
RECORDS_START = datetime.date(2024, 1, 8)

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Hà",
    "Ma",
    "Lưu",
    "Nông",
    "Đinh",
    "Lục",
    "Triệu",
    "Dương",
    "Đỗ",
    "Vũ",
    "Bùi",
    "Đặng",
    "Lý",
    "Mạc",
    "La",
]
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Tiến", "Công"]
MIDDLE_F = ["Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Kim", "Phương", "Thị"]
GIVEN_M = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đức",
    "Hải",
    "Hùng",
    "Khánh",
    "Long",
    "Nam",
    "Phúc",
    "Quân",
    "Sơn",
    "Thắng",
    "Tuấn",
    "Việt",
    "Hưng",
    "Toàn",
    "Kiên",
    "Lâm",
]
GIVEN_F = [
    "Anh",
    "Chi",
    "Dung",
    "Giang",
    "Hằng",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Nga",
    "Nhung",
    "Oanh",
    "Phương",
    "Thảo",
    "Trang",
    "Vân",
    "Yến",
    "Huyền",
    "Loan",
]
MOBILE_PREFIXES = [
    "091",
    "094",
    "088",
    "098",
    "097",
    "096",
    "086",
    "035",
    "036",
    "038",
    "039",
    "081",
    "083",
    "070",
    "077",
]
AFFILIATIONS = [
    Affiliation.YOUTH_UNION,
    Affiliation.WOMENS_UNION,
    Affiliation.POLICE,
    Affiliation.TELECOM,
    Affiliation.VOLUNTEER,
    Affiliation.VOLUNTEER,
    Affiliation.OTHER,
]


def person(rng: random.Random, sex: str | None = None) -> tuple[str, str]:
    sex = sex or rng.choice([Sex.MALE, Sex.FEMALE])
    if sex == Sex.MALE:
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}", sex
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}", sex


def phone(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}"


def _sizes(rng: random.Random, teams: int, members: int, lowest=2, highest=9) -> list[int]:
    sizes = [lowest] * teams
    for _ in range(members - lowest * teams):
        while True:
            i = rng.randrange(teams)
            if sizes[i] < highest:
                sizes[i] += 1
                break
    return sizes


def seed_teams(log: Callable[[str], None]) -> None:
    if Team.objects.exists():
        log("Teams: already there, nothing added.")
        return
    rng = random.Random("teams")
    hamlets = list(
        AdministrativeUnit.objects.current()
        .filter(level=Level.HAMLET)
        .select_related("parent__parent")
        .order_by("code")
    )
    home = dict(
        AdministrativeUnit.objects.current().filter(level=Level.PROVINCE).values_list("pk", "code")
    )
    thai_nguyen = [h for h in hamlets if home[int(h.path.strip("/").split("/")[0])] == "19"]
    bac_kan = [h for h in hamlets if h not in set(thai_nguyen)]
    dinh_hoa = [h for h in thai_nguyen if h.parent.parent and h.parent.parent.code == DINH_HOA_CODE]
    others = [h for h in thai_nguyen if h not in set(dinh_hoa)]
    trung_kien = next(h for h in dinh_hoa if h.name == "Tổ dân phố Trung Kiên")
    chosen_dh = [trung_kien] + rng.sample(
        [h for h in dinh_hoa if h != trung_kien], min(TEAMS_DINH_HOA, len(dinh_hoa)) - 1
    )
    chosen_other = rng.sample(others, min(TEAMS_PROVINCE - len(chosen_dh), len(others)))
    chosen_bk = rng.sample(bac_kan, min(TEAMS_BAC_KAN, len(bac_kan)))
    with transaction.atomic():
        teams_bulk_found(
            hamlets=chosen_dh + chosen_other,
            decision_date=datetime.date(2023, 3, 15),
            decision_number="125/QĐ-UBND",
        )
        if chosen_bk:
            teams_bulk_found(
                hamlets=chosen_bk,
                decision_date=datetime.date(2023, 5, 20),
                decision_number="860/QĐ-UBND",
            )
        teams = {t.hamlet_id: t for t in Team.objects.all()}
        rows: list[dict] = []
        for group, total in (
            (chosen_dh, MEMBERS_DINH_HOA),
            (chosen_other, MEMBERS_PROVINCE - MEMBERS_DINH_HOA),
            (chosen_bk, MEMBERS_BAC_KAN),
        ):
            if not group:
                continue
            sizes = _sizes(rng, len(group), total)
            for hamlet, size in zip(group, sizes, strict=True):
                joined = datetime.date(2023, 3, 15) + datetime.timedelta(days=rng.randrange(0, 400))
                for i in range(size):
                    name, _sex = person(rng)
                    rows.append(
                        {
                            "team": teams[hamlet.pk],
                            "name": name,
                            "phone": phone(rng),
                            "role": MemberRole.LEADER
                            if i == 0
                            else MemberRole.DEPUTY
                            if i == 1
                            else MemberRole.MEMBER,
                            "affiliation": Affiliation.HAMLET_HEAD
                            if i == 0
                            else rng.choice(AFFILIATIONS),
                            "joined_on": joined,
                            "listed_publicly": i == 0 or rng.random() < 0.5,
                        }
                    )
        # Trung Kiên's leader is the demo team leader.
        leader = next(r for r in rows if r["team"].hamlet_id == trung_kien.pk)
        leader["name"], leader["user"] = (
            "Lưu Văn Bình",
            User.objects.filter(username="trungkien").first(),
        )
        # A few people who served and left: the history a team page shows.
        for r in rng.sample(rows, 120):
            name, _sex = person(rng)
            rows.append(
                {
                    **r,
                    "name": name,
                    "phone": phone(rng),
                    "role": MemberRole.MEMBER,
                    "user": None,
                    "left_on": r["joined_on"] + datetime.timedelta(days=200),
                }
            )
        members_bulk_add(members=rows)
    log(
        f"Teams: {Team.objects.count()} with "
        f"{TeamMember.objects.current().count()} current members."
    )


def _registered(rng: random.Random, early: bool) -> datetime.datetime:
    """When a household was registered: most of Trung Kiên's in the first campaign (early
    2024), the others at any time from 2024 to last month."""
    today = timezone.localdate()
    span = 90 if early and rng.random() < 0.8 else (today - RECORDS_START).days - 30
    day = RECORDS_START + datetime.timedelta(days=rng.randrange(0, max(span, 1)))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def _households_for(
    hamlet: AdministrativeUnit, count: int, rng: random.Random, early: bool = False
) -> None:
    households = []
    registered = sorted(_registered(rng, early) for _ in range(count))
    for n in range(1, count + 1):
        head, _sex = person(rng, Sex.MALE if rng.random() < 0.75 else Sex.FEMALE)
        members = rng.choice([1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 6])
        address = f"Số {n}" if hamlet.name.startswith("Tổ dân phố") else f"Nhà {n}, {hamlet.name}"
        households.append(
            Household(
                hamlet=hamlet,
                head_name=head,
                search_key=fold(f"{head} {address}"),
                address=address,
                member_count=members,
                smartphone_count=min(members, rng.choice([0, 1, 1, 2, 2, 3])),
                consent_on=registered[n - 1].date() if rng.random() < 0.92 else None,
            )
        )
    Household.objects.bulk_create(households)
    # created_at is set on insert; the registry's dates are those of the registration.
    made = list(Household.objects.filter(hamlet=hamlet).order_by("pk"))
    for household, day in zip(made, registered, strict=True):
        household.created_at = day
    Household.objects.bulk_update(made, ["created_at"])
    citizens = []
    # Members are recorded only for households that agreed (the others: head and counts only).
    for household in Household.objects.filter(hamlet=hamlet, consent_on__isnull=False):
        for i in range(household.member_count):
            if i == 0:
                name, sex, year = household.head_name, str(Sex.MALE), rng.randrange(1955, 1990)
            else:
                name, sex = person(rng)
                year = rng.randrange(1940, 2020)
            citizens.append(
                Citizen(
                    household=household,
                    full_name=name,
                    search_key=fold(name),
                    birth_year=year,
                    sex=sex,
                    phone=phone(rng) if 1960 < year < 2008 and rng.random() < 0.7 else "",
                )
            )
    Citizen.objects.bulk_create(citizens, batch_size=1000)
    Citizen.objects.filter(household__hamlet=hamlet).update(
        created_at=Subquery(
            Household.objects.filter(pk=OuterRef("household_id")).values("created_at")[:1]
        )
    )


def seed_households(log: Callable[[str], None]) -> None:
    if Household.objects.exists():
        log("Households: already there, nothing added.")
        return
    rng = random.Random("households")
    hamlets = list(
        AdministrativeUnit.objects.current()
        .filter(level=Level.HAMLET, teams__status="active")
        .select_related("parent__parent")
        .order_by("code")
    )
    trung_kien = next(h for h in hamlets if h.name == "Tổ dân phố Trung Kiên")
    sample = [h for h in rng.sample(hamlets, 12) if h != trung_kien][:11]
    with transaction.atomic():
        _households_for(trung_kien, TRUNG_KIEN_HOUSEHOLDS, rng, early=True)
        for hamlet in sample:
            _households_for(hamlet, rng.randrange(80, 160), rng)
    log(
        f"Households: {Household.objects.count()} with {Citizen.objects.count()} citizens "
        f"in {len(sample) + 1} hamlets."
    )


# name, unit (today's map), audience, trainees, sessions, first day
COURSES = [
    (
        "Blockchain trong quản lý",
        PROVINCE_CODE,
        "Cán bộ phụ trách công nghệ thông tin các sở, ngành, địa phương",
        250,
        3,
        datetime.date(2024, 10, 8),
    ),
    (
        "Nâng cao nhận thức về chuyển đổi số",
        PROVINCE_CODE,
        "Cán bộ, nhân viên y tế",
        3000,
        2,
        datetime.date(2025, 9, 16),
    ),
    (
        "Kỹ năng số cơ bản cho tổ công nghệ số cộng đồng",
        XA_DINH_HOA_CODE,
        "Thành viên tổ công nghệ số cộng đồng",
        200,
        2,
        datetime.date(2026, 3, 10),
    ),
]


def seed_training(log: Callable[[str], None]) -> None:
    if Course.objects.exists():
        log("Training: already there, nothing added.")
        return
    rng = random.Random("training")
    units = {
        u.code: u
        for u in AdministrativeUnit.objects.current().filter(
            code__in=[PROVINCE_CODE, XA_DINH_HOA_CODE]
        )
    }
    communes = list(AdministrativeUnit.objects.filter(level=Level.COMMUNE).order_by("code"))
    with transaction.atomic():
        for name, unit_code, audience, size, sessions, start in COURSES:
            unit = units[unit_code]
            # Trainees from the communes of the course's day (before July 2025: the old ones).
            open_on = [
                c
                for c in communes
                if c.valid_from <= start and (c.valid_to is None or start <= c.valid_to)
            ]
            course = Course.objects.create(
                name=name,
                search_key=fold(name),
                unit=unit,
                audience=audience,
                starts_on=start,
                ends_on=start + datetime.timedelta(days=7 * (sessions - 1)),
            )
            held = [
                Session.objects.create(
                    course=course,
                    held_on=start + datetime.timedelta(days=7 * i),
                    place="Hội trường UBND tỉnh"
                    if unit_code == PROVINCE_CODE
                    else "Hội trường UBND xã Định Hóa",
                    topic=f"Buổi {i + 1}",
                )
                for i in range(sessions)
            ]
            members = []
            if unit_code == XA_DINH_HOA_CODE:
                members = list(
                    TeamMember.objects.current().within(unit).select_related("team__hamlet")[:size]
                )
            trainees = []
            for i in range(size):
                if members:
                    m = members[i]
                    trainees.append(
                        Trainee(
                            course=course,
                            name=m.name,
                            search_key=m.search_key,
                            phone=m.phone,
                            workplace=f"Tổ CNSCĐ {m.team.hamlet.name}",
                            unit=unit,
                            team_member=m,
                        )
                    )
                else:
                    person_name, _sex = person(rng)
                    trainees.append(
                        Trainee(
                            course=course,
                            name=person_name,
                            search_key=fold(person_name),
                            phone=phone(rng),
                            workplace=audience,
                            unit=rng.choice(open_on),
                        )
                    )
            for t in trainees:
                if rng.random() < 0.85:
                    t.completed_on = course.ends_on
            Trainee.objects.bulk_create(trainees, batch_size=1000)
            Attendance.objects.bulk_create(
                (
                    Attendance(session=s, trainee=t)
                    for t in course.trainees.all()
                    for s in held
                    if rng.random() < 0.9
                ),
                batch_size=2000,
            )
    log(f"Training: {Course.objects.count()} courses, {Trainee.objects.count()} trainees.")


def seed_visits(log: Callable[[str], None], password: str) -> None:
    """Visits in the sampled hamlets from each household's registration to today, recorded
    by each team's leader."""

    if Visit.objects.exists():
        log("Visits: already there, nothing added.")
        return
    rng = random.Random("visits")
    # Its own sequence, so the rest of the demo stays as it was: one visit in ten found
    # nobody at home, one in twenty only informed the household.
    kinds = random.Random("visit-kinds")
    today = timezone.localdate()
    apps = list(App.objects.prefetch_related("outcomes"))
    weights = {
        "vneid": 5,
        "c-thainguyen": 4,
        "vssid": 3,
        "so-suc-khoe": 3,
        "thainguyen-id": 2,
        "dvc-quoc-gia": 2,
        "so-tay-dang-vien": 1,
    }
    hamlet_ids = Household.objects.values_list("hamlet_id", flat=True).distinct()
    teams = list(
        Team.objects.active()
        .filter(hamlet_id__in=hamlet_ids)
        .select_related("hamlet__parent")
        .order_by("hamlet__code")
    )
    # One team of today's Xã Đại Từ (daitu's commune) went quiet five weeks ago: what the
    # morning's notifications are for.
    mapping, _errors = parse_mapping_csv(reference_file(MAPPING_2025).read_bytes())
    dai_tu = {row.old_code for row in mapping if row.new_code == DAI_TU_CODE}
    quiet = next((t for t in teams if t.hamlet.parent.code in dai_tu), None)
    with transaction.atomic():
        for team in teams:
            last_day = today - datetime.timedelta(days=QUIET_DAYS) if team == quiet else today
            leader = team.members.current().filter(role=MemberRole.LEADER).first()
            if leader.user_id is None:
                leader.user = user_create(
                    actor=None,
                    username=f"tt-{team.hamlet.code}".lower(),
                    name=leader.name,
                    role=Role.TEAM_LEADER,
                    scope_unit=team.hamlet,
                    password=password,
                )
                leader.save(update_fields=["user"])
            present = [leader] + list(team.members.current().exclude(pk=leader.pk)[:1])
            visits, plans = [], []
            for household in Household.objects.filter(hamlet=team.hamlet).prefetch_related(
                "citizens"
            ):
                if rng.random() > 0.7:
                    continue
                first = timezone.localtime(household.created_at).date()
                if first >= last_day:
                    continue
                for _ in range(rng.choice([1, 1, 1, 2, 3])):
                    day = first + datetime.timedelta(
                        days=rng.randrange(0, max((last_day - first).days, 1))
                    )
                    draw = kinds.random()
                    kind = (
                        VisitKind.NOBODY_HOME
                        if draw < 0.1
                        else VisitKind.INFORMED
                        if draw < 0.15
                        else VisitKind.HELPED
                    )
                    visit = Visit(
                        kind=kind,
                        client_uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                        content_digest=hashlib.sha256(
                            f"demo-{household.pk}-{day}".encode()
                        ).hexdigest(),
                        household=household,
                        team=team,
                        recorded_by=leader.user,
                        visited_on=day,
                    )
                    visits.append(visit)
                    citizens = list(household.citizens.all())
                    helped = rng.sample(citizens, min(len(citizens), rng.choice([1, 1, 2, 3])))
                    plan = [
                        (c, app, rng.choice(list(app.outcomes.all())))
                        for c in helped
                        for app in {rng.choices(apps, [weights.get(a.slug, 1) for a in apps])[0]}
                    ]
                    if not plan:
                        visit.kind = VisitKind.INFORMED
                    plans.append(plan if visit.kind == VisitKind.HELPED else [])
            Visit.objects.bulk_create(visits)
            for v in visits:  # sent the evening of the visit
                v.created_at = timezone.make_aware(
                    datetime.datetime.combine(v.visited_on, datetime.time(19, 0))
                )
            Visit.objects.bulk_update(visits, ["created_at"])
            Visit.members_present.through.objects.bulk_create(
                Visit.members_present.through(visit=v, teammember=m)
                for v in visits
                for m in present
            )
            Assistance.objects.bulk_create(
                Assistance(visit=v, citizen=c, app=a, outcome=o)
                for v, plan in zip(visits, plans, strict=True)
                for c, a, o in plan
            )
    log(f"Visits: {Visit.objects.count()} with {Assistance.objects.count()} assistances.")

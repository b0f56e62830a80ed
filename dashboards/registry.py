"""The official indicators every installation starts with (loaded by a data migration and by
seed_demo; province officers add more from the UI). Codes are stable: the figures API and the
filed reports refer to them.

Sources: Decision 411/QĐ-TTg (31/3/2022), the national strategy for the digital economy and
society, targets for 2025; Project 06 (Decision 06/QĐ-TTg, 6/1/2022) on residence data and
electronic identification; the provincial digital-transformation index (DTI), whose
sub-indicator counts community-team members per 100 inhabitants; Bình dân học vụ số (the 2025
movement for basic digital knowledge on the VNeID platform)."""

from __future__ import annotations

from decimal import Decimal

# code, name, numerator (kind, app, outcome | figure), base, per_hundred, target, year, source,
# description
INDICATORS = [
    (
        "vneid-level-2",
        "Người trưởng thành có tài khoản định danh điện tử mức 2",
        ("app_outcome", "vneid", "level-2"),
        "adults",
        False,
        None,
        None,
        "06",
        "Người dân được hỗ trợ đến định danh mức 2 trên VNeID (mỗi người tính một lần), trên "
        "số người từ 18 tuổi trở lên.",
    ),
    (
        "smartphone-adults",
        "Người trưởng thành có điện thoại thông minh",
        ("figure", "smartphones"),
        "adults",
        False,
        Decimal(80),
        2025,
        "411",
        "Điện thoại thông minh các hộ khai báo, trên số người từ 18 tuổi trở lên.",
    ),
    (
        "households-smartphone",
        "Hộ gia đình có điện thoại thông minh",
        ("figure", "households_with_smartphone"),
        "households",
        False,
        None,
        None,
        "province",
        "Hộ đã ghi nhận có ít nhất một điện thoại thông minh, trên số hộ theo thống kê.",
    ),
    (
        "ehealth",
        "Người dân có sổ sức khỏe điện tử",
        ("app_outcome", "so-suc-khoe", "account"),
        "total",
        False,
        Decimal(90),
        2025,
        "411",
        "Người dân được hỗ trợ kích hoạt sổ sức khỏe điện tử, trên dân số.",
    ),
    (
        "online-public-services",
        "Người trưởng thành sử dụng dịch vụ công trực tuyến",
        ("app_outcome", "dvc-quoc-gia", "submitted"),
        "adults",
        False,
        Decimal(50),
        2025,
        "411",
        "Người dân được hỗ trợ nộp hồ sơ trực tuyến trên Cổng dịch vụ công quốc gia, trên số "
        "người từ 18 tuổi trở lên.",
    ),
    (
        "basic-digital-skills",
        "Người trong độ tuổi lao động có kỹ năng số cơ bản",
        ("figure", "trainees_completed"),
        "working_age",
        False,
        Decimal(70),
        2025,
        "411",
        "Người hoàn thành các lớp tập huấn ghi trên cổng (cán bộ, thành viên tổ), trên số "
        "người trong độ tuổi lao động: chỉ là một phần của chỉ tiêu.",
    ),
    (
        "bdhvs",
        "Người trưởng thành đạt chuẩn phổ cập kiến thức số trên nền tảng VNeID",
        ("app_outcome", "vneid", "bdhvs"),
        "adults",
        False,
        None,
        None,
        "bdhvs",
        "Người dân được hỗ trợ hoàn thành và đạt chuẩn Bình dân học vụ số trên VNeID, trên số "
        "người từ 18 tuổi trở lên.",
    ),
    (
        "team-members-per-100",
        "Thành viên Tổ công nghệ số cộng đồng trên 100 dân",
        ("figure", "members_active"),
        "total",
        True,
        None,
        None,
        "dti",
        "Thành viên các tổ đang hoạt động, trên 100 dân.",
    ),
    (
        "fibre-households",
        "Hộ gia đình có kết nối cáp quang",
        ("none",),
        "households",
        False,
        Decimal(80),
        2025,
        "411",
        "Cổng không ghi nhận số liệu này (do doanh nghiệp viễn thông báo cáo).",
    ),
    (
        "payment-accounts",
        "Người từ 15 tuổi trở lên có tài khoản giao dịch thanh toán",
        ("none",),
        "aged_15_plus",
        False,
        Decimal(80),
        2025,
        "411",
        "Cổng không ghi nhận số liệu này (do ngân hàng báo cáo).",
    ),
]


def load_indicators(indicator_model, app_model, outcome_model) -> int:
    """Create the starting indicators that are missing; returns how many were new. Takes the
    model classes so the data migration (historical models) and seed_demo share it."""
    created = 0
    for position, row in enumerate(INDICATORS, start=1):
        code, name, numerator, base, per_hundred, target, year, source, description = row
        values = {
            "name": name,
            "description": description,
            "numerator": numerator[0],
            "base": base,
            "per_hundred": per_hundred,
            "national_target": target,
            "target_year": year,
            "source": source,
            "position": position * 10,
        }
        if numerator[0] == "app_outcome":
            app = app_model.objects.filter(slug=numerator[1]).first()
            outcome = outcome_model.objects.filter(app=app, code=numerator[2]).first()
            if app is None or outcome is None:
                continue  # the catalogue was changed by hand: leave this one out
            values.update(app=app, outcome=outcome)
        elif numerator[0] == "figure":
            values["figure"] = numerator[1]
        _indicator, is_new = indicator_model.objects.get_or_create(code=code, defaults=values)
        created += is_new
    return created

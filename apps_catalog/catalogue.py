"""The apps every installation starts with (loaded by a data migration; province officers add
more from the UI). Slugs are stable: the API, imports and reports refer to them."""

from __future__ import annotations

CATALOGUE = [
    (
        "c-thainguyen",
        "C-ThaiNguyen",
        "Ứng dụng công dân số tỉnh Thái Nguyên.",
        [
            ("installed", "Đã cài đặt"),
            ("account", "Đã kích hoạt tài khoản"),
            ("used", "Đã hướng dẫn sử dụng"),
        ],
    ),
    (
        "thainguyen-id",
        "Thái Nguyên ID",
        "Tài khoản định danh dùng chung của tỉnh.",
        [("installed", "Đã cài đặt"), ("account", "Đã kích hoạt tài khoản")],
    ),
    (
        "vssid",
        "VssID",
        "Bảo hiểm xã hội số.",
        [
            ("installed", "Đã cài đặt"),
            ("account", "Đã kích hoạt tài khoản"),
            ("used", "Đã hướng dẫn sử dụng"),
        ],
    ),
    (
        "vneid",
        "VNeID",
        "Định danh và xác thực điện tử (Bộ Công an).",
        [
            ("installed", "Đã cài đặt"),
            ("level-1", "Tài khoản mức 1"),
            ("level-2", "Định danh mức 2"),
            # Bình dân học vụ số: the course on VNeID whose certificate is the national
            # measure of basic digital knowledge (Decision 411's "phổ cập" on VNeID).
            ("bdhvs", "Đạt chuẩn phổ cập kiến thức số (Bình dân học vụ số)"),
        ],
    ),
    (
        "so-suc-khoe",
        "Sổ sức khỏe điện tử",
        "Sổ sức khỏe điện tử trên VNeID.",
        [("installed", "Đã cài đặt"), ("account", "Đã kích hoạt")],
    ),
    (
        "so-tay-dang-vien",
        "Sổ tay đảng viên điện tử",
        "Dành cho đảng viên.",
        [("installed", "Đã cài đặt"), ("account", "Đã kích hoạt tài khoản")],
    ),
    (
        "dvc-quoc-gia",
        "Cổng dịch vụ công quốc gia",
        "Nộp hồ sơ dịch vụ công trực tuyến.",
        [("account", "Đã đăng ký tài khoản"), ("submitted", "Đã nộp hồ sơ trực tuyến")],
    ),
]


def load_catalogue(app_model, outcome_model) -> int:
    """Create the starting apps and outcomes that are missing; returns how many apps were new.

    Takes the model classes so the data migration (historical models) and seed_demo (after a
    test flushed the tables) share it.
    """
    created = 0
    for position, (slug, name, description, outcomes) in enumerate(CATALOGUE, start=1):
        app, is_new = app_model.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
        created += is_new
        for rank, (code, label) in enumerate(outcomes, start=1):
            outcome_model.objects.get_or_create(
                app=app, code=code, defaults={"name": label, "position": rank}
            )
    return created

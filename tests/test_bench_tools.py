"""The tools that print `make bench` and `make loadtest` figures read what locust writes."""

from __future__ import annotations

from loadtest.run import read_stats

HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
    "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
    "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
)


def test_locust_statistics_give_error_rate_and_percentiles(tmp_path):
    path = tmp_path / "load_stats.csv"
    path.write_text(
        HEADER + "\n"
        "POST,POST visit (API),400,8,21,30,4,900,350,13.3,0.27,21,25,28,30,40,95,"
        "150,200,800,900,900\n"
        "GET,dashboard,0,0,0,0,0,0,0,0,0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A\n"
        ",Aggregated,400,8,21,30,4,900,350,13.3,0.27,21,25,28,30,40,95,150,200,800,900,900\n"
    )
    stats = read_stats(path)
    assert stats["POST visit (API)"] == {
        "requests": 400,
        "failures": 8,
        "error_rate": 0.02,
        "p50_ms": 21.0,
        "p95_ms": 95.0,
        "requests_per_s": 13.3,
    }
    assert stats["dashboard"]["p95_ms"] == 0.0
    assert stats["dashboard"]["error_rate"] == 0.0
    assert stats["Aggregated"]["requests"] == 400


def test_no_statistics_file_means_no_figures(tmp_path):
    assert read_stats(tmp_path / "missing.csv") == {}


def test_the_bench_report_prints_pages_imports_and_the_load():
    from benchmarks.run import report

    api = {"requests_per_s": 100.0, "p50_ms": 10.0, "p95_ms": 20.0, "statuses": {"201": 9}}
    figures = {
        "scale": 1.0,
        "rows": {"households": 4, "citizens": 9, "visits": 3, "assistances": 5},
        "generate_s": 1.0,
        "full_rollup_s": 40.0,
        "floor_group_by_s": 30.0,
        "full_over_floor": 40 / 30,
        "incremental_5000_in_250_hamlets_s": 1.0,
        "incremental_over_full": 0.025,
        "incremental_units_recomputed": 300,
        "incremental_5000_across_province_s": 2.0,
        "incremental_equals_full": True,
        "dashboard_p50_ms": 6.0,
        "dashboard_p95_ms": 8.0,
        "trivial_p50_ms": 3.0,
        "trivial_p95_ms": 4.0,
        "dashboard_over_trivial_p50": 2.0,
        "queries_province_page": 4,
        "queries_commune_page": 4,
        "visits_api": api,
        "trivial_insert": {**api, "requests_per_s": 250.0},
        "visits_over_trivial_throughput": 0.4,
        "pages": {"home_ms": {"tinh": 30.0}, "households_list_ms": {"daitu": 45.0}, "noop_ms": 3},
        "imports": {
            "rows": 20000,
            "read_s": 1.0,
            "plan_s": 2.0,
            "apply_s": 3.0,
            "apply_rows_per_s": 6667,
            "copy_s": 1.2,
            "copy_rows_per_s": 16667,
            "apply_over_copy": 0.4,
            "end_to_end_over_copy": 0.2,
        },
        "locust": {
            "Aggregated": {
                "requests": 9000,
                "requests_per_s": 50.0,
                "p50_ms": 30.0,
                "p95_ms": 120.0,
                "error_rate": 0.001,
            }
        },
    }
    text = report({"scales": {"province": figures}})
    assert "full/floor = 1.33" in text
    assert "home page, tinh" in text and "/trivial = 10.0" in text
    assert "households list, daitu" in text and "/trivial = 15.0" in text
    assert "apply/COPY = 0.40, end to end/COPY = 0.20" in text
    assert "p95    120 ms" in text and "errors 0.10 %" in text


def test_a_server_still_busy_after_the_grace_period_is_stopped_for_good():
    import signal
    import subprocess
    import sys

    from loadtest.run import stop_server

    busy = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
            "print('ready', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
    )
    assert busy.stdout is not None and busy.stdout.readline() == b"ready\n"
    stop_server(busy, grace=0.5)
    assert busy.returncode == -signal.SIGKILL

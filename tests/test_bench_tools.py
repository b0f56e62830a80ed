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

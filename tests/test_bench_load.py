"""The load check's verdict (bench/load.py): a run fails on any failed request, on a read that
writes no access-log row, on a log that grew by more or fewer rows than the successful
requests write (a lost or a doubled row under concurrency), and on a broken chain."""

from __future__ import annotations

from collections import Counter

from bench import load

ROWS = dict.fromkeys(load.READS, 1) | {"acute search": 1, "FHIR token": 1}
OK = Counter({"acute search": 100, "acute summary": 100, "FHIR token": 32, "FHIR Patient/{id}": 50})


def test_a_clean_run_passes():
    assert load.verdict(ROWS, OK, 0, 282, None) == []


def test_a_missing_or_extra_access_log_row_fails():
    assert load.verdict(ROWS, OK, 0, 281, None) == ["access log grew by 281 rows, expected 282"]
    assert load.verdict(ROWS, OK, 0, 283, None) == ["access log grew by 283 rows, expected 282"]


def test_a_read_without_an_access_log_row_fails():
    silent = ROWS | {"FHIR Patient?identifier=": 0}
    problems = load.verdict(silent, OK, 0, 282, None)
    assert problems == ["reads that write no access-log row: FHIR Patient?identifier="]


def test_failed_requests_and_a_broken_chain_fail():
    problems = load.verdict(ROWS, OK, 3, 282, "row 17 altered")
    assert problems == ["3 failed requests", "access-log chain broken: row 17 altered"]

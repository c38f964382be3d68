import datetime
import json

import pytest

from jaring.intel.exchange import FormatError
from jaring.intel.importer import ImportRefused, run_import
from jaring.intel.models import (
    Alert,
    Campaign,
    CampaignMember,
    FraudReport,
    ImportJob,
    ImportRejection,
    Indicator,
    PendingCampaign,
    PendingLink,
    Sighting,
)
from jaring.intel.services import rebuild_campaigns
from jaring.intel.synthetic import COUNTRY_WEIGHTS, Generator
from tests.intel.factories import centre

pytestmark = pytest.mark.django_db


@pytest.fixture
def centres():
    return {c: centre(c) for c in COUNTRY_WEIGHTS}


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def generated(n, seed=5):
    start = datetime.date.today() - datetime.timedelta(days=200)
    return list(Generator(seed=seed, reports=n, start=start, days=180))


def state():
    """The stored data, named by references so that two runs can be compared."""
    ref = dict(FraudReport.objects.values_list("pk", "reference"))
    campaigns: dict[int, set[str]] = {}
    for pk, campaign in CampaignMember.objects.values_list(
            "report_id", "campaign__anchor_report_id"):
        campaigns.setdefault(campaign, set()).add(ref[pk])
    return {
        "reports": sorted(FraudReport.objects.values_list("reference", "loss_usd", "tlp")),
        "sightings": sorted((ref[r], i, role) for r, i, role in
                            Sighting.objects.values_list("report_id", "indicator__token",
                                                         "role")),
        "campaigns": sorted((ref[a], sorted(m)) for a, m in campaigns.items()),
        "indicators": sorted(Indicator.objects.values_list(
            "token", "report_count", "first_seen", "last_seen", "status")),
        "alerts": sorted((ref[a], c) for a, c in Alert.objects.values_list(
            "campaign__anchor_report_id", "country_id")
            if a in ref and Alert.objects.filter(campaign__anchor_report_id=a).exists()),
    }


def counted_from_sightings():
    """Each indicator's figures recomputed from its sightings, beside the stored ones."""
    from django.db.models import Count, Max, Min

    stats = {row["indicator_id"]: (row["n"], row["first"], row["last"]) for row in
             Sighting.objects.values("indicator_id").annotate(
                 n=Count("report_id", distinct=True), first=Min("report__reported_on"),
                 last=Max("report__reported_on"))}
    stored = {pk: (n, first, last) for pk, n, first, last in Indicator.objects.values_list(
        "pk", "report_count", "first_seen", "last_seen")}
    return stored, {pk: stats.get(pk, (0, None, None)) for pk in stored}


def wipe():
    Alert.objects.all().delete()
    Sighting.objects.all().delete()
    FraudReport.objects.all().delete()
    from jaring.intel.models import Campaign, Indicator
    Campaign.objects.all().delete()
    Indicator.objects.all().delete()
    ImportJob.objects.all().delete()


@pytest.mark.parametrize("parallel", [False, True], ids=["one process", "two processes"])
def test_bad_rows_are_reported_and_the_rest_kept(db, tmp_path, centres, parallel):
    records = generated(5)
    records[1]["reported_on"] = "31/12/2024"
    records[2]["scam_type"] = "pyramid"
    records[3]["indicators"] = [{"kind": "phone", "value": "not a number"}]
    path = write_jsonl(tmp_path / "r.jsonl", records)
    with path.open("a") as handle:
        handle.write("{not json\n")
    summary = run_import(path, parallel=parallel)
    assert summary.accepted == 3 and summary.rejected == 3
    errors = {(e.line, e.field) for e in summary.errors}
    assert (2, "reported_on") in errors
    assert (3, "scam_type") in errors
    assert (4, "indicator_value") in errors
    assert any(line == 6 for line, _ in errors)
    assert ImportRejection.objects.filter(job=summary.job).count() == len(summary.errors)
    assert FraudReport.objects.count() == 3


def test_nul_characters_are_row_errors_not_a_failed_import(db, tmp_path, centres):
    """PostgreSQL refuses NUL in text: a reference, a victim's text or an indicator
    with one is that row's error, named, and the other rows are stored."""
    records = generated(4)
    records[1]["reference"] = "A\u0000B"
    records[2]["narrative"] = "paid\u0000 twice"
    records[3]["indicators"] = [{"kind": "social_handle", "value": "social:telegram:a\u0000b"}]
    summary = run_import(write_jsonl(tmp_path / "r.jsonl", records), parallel=False)
    assert {(e.line, e.field, e.reason) for e in summary.errors} == {
        (2, "reference", "contains a NUL character"),
        (3, "narrative", "contains a NUL character"),
        (4, "indicator_value", "contains a NUL character"),
    }
    assert summary.accepted == 2 and summary.rejected == 2
    assert FraudReport.objects.count() == 2
    assert all("\u0000" not in value
               for value in Indicator.objects.values_list("value", flat=True))


def test_references_keep_tabs_backslashes_and_line_breaks(db, tmp_path, centres):
    # On PostgreSQL the rows go in COPY's text form, where these four are escaped.
    records = generated(2)
    records[0]["reference"] = "TH\\2026\t7"
    records[1]["reference"] = "SG\r\n8 \\N"
    run_import(write_jsonl(tmp_path / "r.jsonl", records), parallel=False)
    assert sorted(FraudReport.objects.values_list("reference", flat=True)) == [
        "SG\r\n8 \\N", "TH\\2026\t7"]


def test_reimport_changes_nothing(db, tmp_path, centres):
    path = write_jsonl(tmp_path / "r.jsonl", generated(300))
    run_import(path, batch_size=100)
    before = state()
    again = run_import(path, batch_size=100)
    assert again.already_done
    assert state() == before
    # The same reports in another file update, never duplicate.
    copy = write_jsonl(tmp_path / "copy.jsonl", generated(300) + generated(5, seed=9))
    run_import(copy, batch_size=100)
    assert FraudReport.objects.count() == 305


@pytest.mark.parametrize("parallel", [False, True], ids=["one process", "two processes"])
def test_killed_import_resumes_to_the_same_data(db, tmp_path, centres, parallel):
    path = write_jsonl(tmp_path / "r.jsonl", generated(600))
    run_import(path, batch_size=100, parallel=parallel)
    uninterrupted = state()
    wipe()

    calls = {"n": 0}

    def kill_midway(position):
        calls["n"] += 1
        if calls["n"] == 4:  # the fourth batch is read but not yet stored
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        # Two batches a transaction: the third is stored but not committed.
        run_import(path, batch_size=100, commit_every=200, progress=kill_midway,
                   parallel=parallel)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED
    assert job.rows_done == 200
    assert FraudReport.objects.count() == 200
    assert PendingLink.objects.count() == 200  # stored, waiting for the linking pass
    resumed = run_import(path, batch_size=100, parallel=parallel)
    assert resumed.resumed_from == 200
    assert state() == uninterrupted


def assert_every_cross_border_campaign_alerted():
    for campaign in Campaign.objects.filter(status=Campaign.Status.ACTIVE):
        if campaign.is_cross_border:
            assert set(campaign.alerts.values_list("country_id", flat=True)) >= set(
                campaign.country_list), campaign


def test_linking_every_batch_or_once_gives_the_same_campaigns(db, tmp_path, centres,
                                                                settings):
    settings.INTEL_FANOUT_CAP = 8  # so that campaigns grow, then split, along the way
    path = write_jsonl(tmp_path / "r.jsonl", generated(800))
    run_import(path, batch_size=50, link_every=50)
    every_batch = state()
    assert_every_cross_border_campaign_alerted()
    wipe()
    run_import(path, batch_size=50, link_every=10_000)
    assert PendingLink.objects.count() == 0 and PendingCampaign.objects.count() == 0
    # Indicators went over the fan-out cap on the way: campaigns had to split.
    assert Indicator.objects.filter(status=Indicator.Status.FLAGGED).exists()
    once = state()
    # Alerts differ: linking after every batch also alerted about passing states that
    # a later batch merged or split away. Every campaign standing at the end has
    # alerted each of its countries, either way.
    assert once["campaigns"] and {**once, "alerts": None} == {**every_batch, "alerts": None}
    assert_every_cross_border_campaign_alerted()
    rebuild_campaigns()
    assert state()["campaigns"] == once["campaigns"]


def test_a_pass_linked_in_chunks_gives_a_rebuilds_campaigns(db, tmp_path, centres, settings,
                                                             monkeypatch):
    """A linking pass over more queued reports than one chunk links them chunk by
    chunk; each chunk finds the earlier ones (no longer queued) as linked reports."""
    settings.INTEL_FANOUT_CAP = 8
    monkeypatch.setattr("jaring.intel.ingest.LINK_CHUNK", 37)
    path = write_jsonl(tmp_path / "r.jsonl", generated(800))
    run_import(path, batch_size=50, link_every=10_000)
    assert PendingLink.objects.count() == 0
    chunked = state()
    rebuild_campaigns()
    rebuilt = state()
    assert len(chunked["campaigns"]) > 10
    assert rebuilt["campaigns"] == chunked["campaigns"]
    assert_every_cross_border_campaign_alerted()


def test_a_rebuild_links_what_a_killed_import_left_queued(db, tmp_path, centres):
    path = write_jsonl(tmp_path / "r.jsonl", generated(400))
    run_import(path, batch_size=100)
    linked = state()["campaigns"]
    wipe()

    def kill_at_the_end(position):
        if position >= path.stat().st_size:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_import(path, batch_size=100, commit_every=100, progress=kill_at_the_end)
    assert FraudReport.objects.count() == 300 and PendingLink.objects.count() == 300
    assert not CampaignMember.objects.exists()
    stored, recounted = counted_from_sightings()
    assert stored != recounted  # the killed import had not counted its last pass yet
    rebuild_campaigns()
    assert PendingLink.objects.count() == 0
    stored, recounted = counted_from_sightings()
    assert stored == recounted
    assert CampaignMember.objects.exists()
    run_import(path, batch_size=100)
    assert state()["campaigns"] == linked


def test_unknown_organisation_is_a_row_error(db, tmp_path, centres):
    records = generated(2)
    records[0]["organisation"] = "Nobody"
    summary = run_import(write_jsonl(tmp_path / "r.jsonl", records))
    assert summary.rejected == 1
    assert summary.errors[0].field == "organisation"


def test_unreadable_file_is_refused(tmp_path):
    path = tmp_path / "r.bin"
    path.write_bytes(b"\x00\x01\x02")
    with pytest.raises(ImportRefused):
        run_import(path)


@pytest.mark.parametrize("skip_through", [0, 7, 40])
def test_parsing_processes_share_a_file_by_blocks_of_lines(db, centres, tmp_path,
                                                           skip_through):
    """Two parsers, each taking every other block, yield between them exactly the
    batches of one parser: same reports, errors and checkpoints, in turn."""
    from jaring.intel.importer import Directory, parse_batches
    from jaring.intel.validation import Vocabulary
    from jaring.reference.services import RateTable

    lines = [json.dumps(r) for r in generated(90)]
    lines[3] = "{not json"
    lines[20:20] = ["", "   "]  # blank lines still count as lines of their block
    lines[51] = json.dumps({**json.loads(lines[51]), "scam_type": "nonsense"})
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(lines) + "\n")
    args = (path, "jsonl", skip_through, 10, Vocabulary(), Directory.load(None), RateTable())

    def shape(batch):
        # Everything but the ciphertexts, whose nonces are random.
        return (batch.last_line, [(reference, columns[:11], [x[:4] for x in indicators])
                                  for _org, reference, _c, _t, columns, indicators
                                  in batch.items], batch.errors, batch.rejected)

    alone = [shape(b) for b in parse_batches(*args)]
    first = [shape(b) for b in parse_batches(*args, share=(0, 2))]
    second = [shape(b) for b in parse_batches(*args, share=(1, 2))]
    in_turn = [b for pair in zip(first, [*second, None], strict=False) for b in pair if b]
    assert len(first) - len(second) in (0, 1)
    assert in_turn == alone
    assert alone[-1][0] == len(lines)
    assert sum(len(b[1]) for b in alone) + sum(b[3] for b in alone) == len(
        [line for line in lines[skip_through:] if line.strip()])


def test_a_batch_crosses_to_the_storing_process_whole(db, centres, tmp_path):
    """What a parsing process hands over (pickled, the reports through marshal)
    arrives equal, rejected rows and checkpoint included."""
    import pickle

    from jaring.intel.importer import Directory, parse_batches
    from jaring.intel.validation import Vocabulary
    from jaring.reference.services import RateTable

    lines = [json.dumps(r) for r in generated(30)]
    lines[4] = "{not json"
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(lines) + "\n")
    (batch,) = parse_batches(path, "jsonl", 0, 100, Vocabulary(), Directory.load(None),
                             RateTable())
    arrived = pickle.loads(pickle.dumps(batch))
    assert arrived == batch
    assert len(arrived.items) == 29 and arrived.errors and arrived.rejected == 1
    assert arrived.position == batch.position and arrived.last_line == 30


def test_counts_stay_exact_through_resubmissions_and_the_queue(db, tmp_path, centres,
                                                               settings):
    """Queued reports are counted by the linking pass; a resubmission meanwhile (in the
    same file, or through the API while an import is halfway) recounts without them."""
    from jaring.intel.ingest import ingest
    from jaring.intel.validation import Vocabulary, parse_report

    settings.INTEL_FANOUT_CAP = 8
    first = generated(300)
    run_import(write_jsonl(tmp_path / "a.jsonl", first), batch_size=50)
    new = generated(200, seed=7)

    def like(record, pool):
        """Another record from the same country (local phone numbers parse only there)."""
        return next((r for r in pool if r["country"] == record["country"]), record)

    # Linked reports sent again with other indicators and dates, new ones, then some
    # of those new ones again, a few batches later, with other indicators and dates
    # still (queued, their queue entry takes the new date).
    resent = [{**r, "reported_on": other["reported_on"], "indicators": other["indicators"]}
              for r in first[:60] for other in [like(r, new[100:])]]
    again = [{**n, "reported_on": other["reported_on"], "indicators": other["indicators"]}
             for n in new[:20] for other in [like(n, first[200:])]]
    assert any(a["reported_on"] != n["reported_on"] for a, n in zip(again, new, strict=False))
    path = write_jsonl(tmp_path / "b.jsonl", resent + new + again)
    calls = {"n": 0}

    def kill_halfway(position):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_import(path, batch_size=50, commit_every=50, progress=kill_halfway)
    assert PendingLink.objects.exists()
    stored, recounted = counted_from_sightings()
    assert stored != recounted  # queued reports are not counted yet

    def submitted(record, **changes):
        org = centres[record["country"]]
        item, errors = parse_report({**record, **changes}, vocabulary=Vocabulary(),
                                    organisation_id=org.pk, country=org.country_id)
        assert item is not None and not errors, errors
        return item

    queued = FraudReport.objects.get(pk=PendingLink.objects.order_by("report_id")
                                     .values_list("report_id", flat=True).first())
    record = next(r for r in resent + new if r["reference"] == queued.reference)
    # Through the API meanwhile: a queued report sent again, and a new report sharing
    # a queued one's indicators.
    ingest([submitted(record, indicators=like(record, first[250:])["indicators"]),
            submitted(new[150], reference="API-1")])
    run_import(path, batch_size=50, commit_every=50)
    assert PendingLink.objects.count() == 0
    stored, recounted = counted_from_sightings()
    assert stored == recounted
    linked = state()["campaigns"]
    rebuild_campaigns()
    assert state()["campaigns"] == linked


def test_parsed_batches_pass_through_private_files_removed_at_the_end(
        db, tmp_path, centres, monkeypatch):
    import os
    import stat
    import tempfile

    from jaring.intel import importer

    spool = tmp_path / "tmp"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    seen = []
    load = importer.pickle.load

    def looked_at(handle):
        seen.append((stat.S_IMODE(os.stat(handle.name).st_mode),
                     stat.S_IMODE(os.stat(os.path.dirname(handle.name)).st_mode)))
        return load(handle)

    monkeypatch.setattr(importer.pickle, "load", looked_at)
    path = write_jsonl(tmp_path / "r.jsonl", generated(300))
    assert run_import(path, batch_size=50, parallel=True).accepted == 300
    assert seen and set(seen) == {(0o600, 0o700)}
    assert list(spool.iterdir()) == []

    wipe()
    with pytest.raises(KeyboardInterrupt):
        run_import(path, batch_size=50, parallel=True,
                   progress=lambda position: (_ for _ in ()).throw(KeyboardInterrupt))
    assert list(spool.iterdir()) == []


def test_a_parsing_process_ends_when_the_storing_one_is_gone(tmp_path, monkeypatch):
    import os
    import queue

    from jaring.intel import parse_worker

    monkeypatch.setattr(parse_worker, "PATIENCE", 0.01)
    full = queue.Queue(maxsize=1)
    full.put("waiting")
    spool = tmp_path / "spool"
    spool.mkdir()
    parse_worker._put(queue.Queue(maxsize=1), "taken", os.getppid(), str(spool))
    with pytest.raises(SystemExit):  # its parent is not the storing process any more
        parse_worker._put(full, "never taken", os.getppid() + 1, str(spool))
    assert not spool.exists()


_YIELD_AND_SAY = """
import os, sys
from jaring.intel import parse_worker
if sys.argv[1] == "refused":
    def refuse(*_args):
        raise OSError("not allowed here")
    os.sched_setscheduler = refuse
parse_worker._yield_to_storing()
print(os.sched_getscheduler(0), os.nice(0))
"""


@pytest.mark.skipif(not hasattr(__import__("os"), "SCHED_IDLE"), reason="Linux scheduling")
@pytest.mark.parametrize("allowed", [True, False], ids=["idle class", "refused"])
def test_a_parsing_process_runs_only_on_time_nothing_else_wants(allowed):
    """In Linux's idle class; where that is refused, at the lowest niceness. In a
    process of its own, as a parsing process is: neither can be undone."""
    import os
    import subprocess
    import sys

    said = subprocess.run([sys.executable, "-c", _YIELD_AND_SAY,
                           "allowed" if allowed else "refused"],
                          capture_output=True, text=True, timeout=60, check=True)
    policy, nice = map(int, said.stdout.split())
    if allowed:
        assert policy == os.SCHED_IDLE
    else:
        assert (policy, nice) == (os.SCHED_OTHER, 19)


def test_batches_read_ahead_arrive_in_order_and_their_errors_with_them():
    from jaring.intel.importer import _read_ahead

    assert list(_read_ahead(iter(range(10)), depth=2)) == list(range(10))

    def failing():
        yield 1
        raise FormatError("line 2: not JSON")

    reader = _read_ahead(failing())
    assert next(reader) == 1
    with pytest.raises(FormatError, match="line 2"):
        next(reader)


def test_batches_are_read_no_further_ahead_than_asked():
    import time

    from jaring.intel.importer import _read_ahead

    taken = []

    def source():
        for n in range(10):
            taken.append(n)
            yield n

    reader = _read_ahead(source(), depth=1)
    for expected in range(3):
        assert next(reader) == expected
        time.sleep(0.3)  # time enough for the thread to read as far as it may
        # The one being stored, and one more.
        assert taken == list(range(expected + 2))
    reader.close()


def test_batches_read_ahead_stop_with_the_storing_side():
    import threading

    from jaring.intel.importer import _read_ahead

    closed = threading.Event()

    def endless():
        try:
            n = 0
            while True:
                yield n
                n += 1
        finally:
            closed.set()

    reader = _read_ahead(endless(), depth=1)
    assert [next(reader) for _ in range(3)] == [0, 1, 2]
    reader.close()
    # The source was closed (a parsing pool's processes and files go with it) and
    # the thread that read it has ended.
    assert closed.is_set()
    assert not [t for t in threading.enumerate() if t.name == "jaring-import-reader"]

"""What remote signing adds to signing a result, the phone answering at once (docs/signing.md §3).

    .venv/bin/python bench/bench_remote_signing.py [--runs 20]

Starts the remote-signing stand-in as its own process, enrols a leader (key at the stand-in, certificate
from the demo PKI under a temporary VAR_DIR), then times N remote signatures of a one-page result (credential
fetch, sign request, polls every 50 ms, signature check, PAdES embedding) against N signatures of the same
PDF with a unit's certificate held locally. A real signer's confirmation on his phone (seconds) comes on top.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    os.environ["MOTCUA_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-remote-")
    import django

    django.setup()
    import httpx

    from motcua.results import certificates, remote, signing
    from motcua.results.documents import render_official_document
    from motcua.standins.process import StandinProcess

    pki = certificates.default_pki_dir()
    pdf = render_official_document("KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", "Sở Tài chính", "KQ-BENCH",
                                   dt.date(2025, 11, 5), ["Cấp Giấy chứng nhận số 17A8000123."])
    with StandinProcess(module="motcua.standins.remotesign", token="bench") as standin:
        remote.enrol_demo_signer(standin.url, "bench", "Bùi Văn Tài", pki)
        httpx.post(f"{standin.url}/_standin/signers/bench/phone", json={"answer": "confirm", "delay": 0})
        service = remote.RemoteService(standin.url, "bench", wait=10, poll=0.05)
        remote_times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            signing.sign_pdf(pdf, remote.remote_signer(service, "bench", "Phê duyệt kết quả hồ sơ KQ-BENCH"))
            remote_times.append(time.perf_counter() - started)
        polls = standin.state()["polls"]
    unit = certificates.demo_signer(pki, "19.STC", "Sở Tài chính")
    local_times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        signing.sign_pdf(pdf, unit)
        local_times.append(time.perf_counter() - started)
    print(f"remote signing: median {statistics.median(remote_times) * 1000:.0f} ms, "
          f"max {max(remote_times) * 1000:.0f} ms, {polls} polls for {args.runs} signatures")
    print(f"unit certificate (local key): median {statistics.median(local_times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()

"""Benchmark: offline PIN guesses per second against a stored PKCS#12, before and after.

Run: ``.venv/bin/python benchmarks/pin_guessing.py [--seconds 5] [--rounds 1000000]``

Someone who copies ``credentials.p12_encrypted`` out of the database can try PINs as fast as
the file's key derivation allows; a 6-digit PIN has only a million values. This measures, on
one core, wrong-PIN attempts with ``cryptography``'s PKCS#12 loader (it checks the MAC first,
the cheapest test a guesser has) against:

* the file as the built-in CA issues it (``BestAvailableEncryption``, what was stored before);
* the file as the portal now stores it (``seals.rewrap_p12`` at ``--rounds``, the
  ``PKCS12_KDF_ROUNDS`` default), and the time one right PIN then costs a sealing request.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from cryptography.hazmat.primitives.serialization import pkcs12

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from seals import CertificateAuthority, rewrap_p12, unlock  # noqa: E402

PIN = "123456"


def guesses_per_second(p12: bytes, seconds: float) -> float:
    tried, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        try:
            pkcs12.load_key_and_certificates(p12, f"{tried:06d}x".encode())
        except ValueError:
            pass
        tried += 1
    return tried / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=1_000_000)
    args = parser.parse_args()
    ca = CertificateAuthority.create("基准测试 CA", "benchmark-passphrase")
    issued = ca.issue_organisation("基准测试单位", "911500000000000994", PIN).p12
    stored = rewrap_p12(issued, PIN, args.rounds)
    before = guesses_per_second(issued, args.seconds)
    after = guesses_per_second(stored, args.seconds)
    started = time.perf_counter()
    unlock(stored, PIN)
    right = time.perf_counter() - started
    space = 10**6  # every 6-digit PIN, tried on one core
    print(f"{'file':<36}{'guesses/s':>10}{'all 6-digit PINs':>18}")
    print(f"{'as issued (BestAvailableEncryption)':<36}{before:>10.1f}"
          f"{space / before / 60:>14.1f} min")
    print(f"{f'as stored ({args.rounds:,} rounds)':<36}{after:>10.1f}"
          f"{space / after / 3600:>14.1f} h")
    print(f"slower by {before / after:.0f}x; one right PIN now costs {right * 1000:.0f} ms")


if __name__ == "__main__":
    main()

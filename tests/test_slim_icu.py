"""The Linux build's slim ICU data library (resources/pyinstaller_slim_icu.py): what it keeps,
and that ICU really reads Ukrainian locale and collation data out of the library it builds."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "resources"))

import pyinstaller_slim_icu as slim  # noqa: E402


@pytest.mark.parametrize("item", [
    "root.res", "uk.res", "uk_UA.res", "en.res", "en_US_POSIX.res", "coll/uk.res",
    "coll/root.res", "coll/ucadata.icu", "pool.res", "lang/pool.res", "coll/res_index.res",
    "res_index.res", "supplementalData.res", "likelySubtags.res", "plurals.res", "zoneinfo64.res",
    "metaZones.res", "nfkc.nrm", "uts46.nrm", "cnvalias.icu", "brkitr/word.brk", "unames.icu",
    "curr/supplementalData.res",
])
def test_keeps_core_tables_and_the_ukrainian_and_english_locales(item: str) -> None:
    assert slim.keep_item(item)


@pytest.mark.parametrize("item", [
    "de.res", "ru_UA.res", "zh_Hant_TW.res", "coll/zh.res", "coll/de_.res", "zone/ja.res",
    "brkitr/cjdict.dict", "brkitr/thaidict.dict", "translit/root.res",
    "translit/uk_uk_Latn_BGN.res",
    "ibm-1251_P100-1995.cnv", "gb18030.cnv", "sr_Latn.res",
])
def test_drops_other_locales_codepages_dictionaries_and_transliteration(item: str) -> None:
    assert not slim.keep_item(item)


def _wheel_icu_data() -> Path:
    import PySide6

    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    if not sys.platform.startswith("linux") or not found:
        pytest.skip("this PySide6 wheel ships no ICU (only Linux wheels do)")
    missing = slim.missing_tools()
    if missing:
        pytest.skip(f"slim-ICU build tools missing: {', '.join(missing)} "
                    "(apt-get install icu-devtools binutils gcc)")
    return found[0]


# Runs in a child process: the test process already has the wheel's ICU loaded under the same
# sonames, and the dynamic loader would hand that one back instead of the copies.
PROBE = textwrap.dedent("""
    import ctypes, functools, json, sys
    folder, version = sys.argv[1], sys.argv[2]
    uc = ctypes.CDLL(f"{folder}/libicuuc.so.{version}")
    i18n = ctypes.CDLL(f"{folder}/libicui18n.so.{version}")
    def fn(lib, name, restype):
        f = getattr(lib, f"{name}_{version}")
        f.restype = restype
        return f
    error_name = fn(uc, "u_errorName", ctypes.c_char_p)
    def status(call, *args):
        err = ctypes.c_int(0)
        handle = call(*args, ctypes.byref(err))
        return handle, error_name(err.value).decode()
    ures_open = fn(uc, "ures_open", ctypes.c_void_p)
    ucol_open = fn(i18n, "ucol_open", ctypes.c_void_p)
    strcoll = fn(i18n, "ucol_strcoll", ctypes.c_int)
    strcoll.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int32,
                        ctypes.c_char_p, ctypes.c_int32]
    collator, collator_status = status(ucol_open, b"uk_UA")
    def compare(a, b):
        ea, eb = a.encode("utf-16-le"), b.encode("utf-16-le")
        return strcoll(collator, ea, len(a), eb, len(b))
    words = json.loads(sys.argv[3])
    print(json.dumps({
        "uk": status(ures_open, None, b"uk")[1],
        "de": status(ures_open, None, b"de")[1],
        "collator": collator_status,
        "sorted": sorted(words, key=functools.cmp_to_key(compare)),
    }))
""")


def _probe(folder: Path, version: str, words: list[str]) -> dict[str, object]:
    import json

    result = subprocess.run([sys.executable, "-c", PROBE, str(folder), version,
                             json.dumps(words)],
                            capture_output=True, text=True, timeout=60, check=True)
    parsed: dict[str, object] = json.loads(result.stdout)
    return parsed


def test_slim_library_serves_ukrainian_data_and_falls_back_to_root_for_the_rest(
        tmp_path: Path) -> None:
    from ringohunt_desktop.shell.selftest import UA_SORTED

    original = _wheel_icu_data()
    version = original.name.rsplit(".", 1)[1]
    built = slim.slim_icu_library(original, tmp_path / "work")

    assert built.name == original.name
    assert built.stat().st_size < 6_000_000 < original.stat().st_size
    # ICU finds libicudata through libicuuc's RUNPATH=$ORIGIN: a folder of copies is a bundle.
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    for name in (f"libicuuc.so.{version}", f"libicui18n.so.{version}"):
        shutil.copy2(original.parent / name, bundle / name)
    shutil.copy2(built, bundle / built.name)

    shuffled = list(reversed(UA_SORTED))
    full = _probe(original.parent, version, shuffled)
    slimmed = _probe(bundle, version, shuffled)
    assert slimmed["uk"] == "U_ZERO_ERROR"
    assert slimmed["de"] == "U_USING_DEFAULT_WARNING"  # German dropped: root, not an error
    assert slimmed["collator"] == full["collator"]
    assert slimmed["sorted"] == full["sorted"] == UA_SORTED


def test_refuses_a_library_that_is_not_icu_data(tmp_path: Path) -> None:
    _wheel_icu_data()
    impostor = tmp_path / "libicudata.so.99"
    impostor.write_bytes(b"\x7fELF not really")
    with pytest.raises(slim.SlimIcuUnavailableError):
        slim.slim_icu_library(impostor, tmp_path / "work")


def test_toc_keeps_the_full_library_when_tools_are_missing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
        ) -> None:
    library = tmp_path / "libicudata.so.73"
    library.write_bytes(b"x" * 2_000_000)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("CC", raising=False)
    toc = [("PySide6/Qt/lib/libicudata.so.73", str(library), "BINARY"),
           ("libQt6Core.so.6", "/x/libQt6Core.so.6", "BINARY")]

    assert slim.slim_icu_in_toc(toc, tmp_path) == toc
    said = capsys.readouterr().out
    assert "WARNING: keeping the full ICU data library (2 MB): missing" in said
    assert "icupkg (Debian/Ubuntu package icu-devtools)" in said

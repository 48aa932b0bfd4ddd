"""Linux build step: swap Qt's 31 MB ICU data library for one holding only what the app uses.

PySide6's Linux wheels carry ICU with the data of every locale, legacy codepage, word-break
dictionary and transliterator in one library, ``libicudata.so.NN`` (31 MB, a fifth of the
bundle). Qt asks ICU for collation, case mapping and codecs; the app speaks Ukrainian and
English, talks UTF-8, and never transliterates or breaks Thai or Chinese text. So the slim
library keeps ICU's core tables (normalisation, properties, collation base, time zones,
plural and likely-subtag rules) and the locale data of ``KEEP_LOCALES`` only; anything else
falls back to ``root``, which is ICU's defined behaviour for missing locales.

ICU's own tool edits the data package (``icupkg``, Debian package icu-devtools) and the C
compiler wraps it back into a shared library that exports the same single symbol
(``icudtNN_dat``) under the same soname, which is all ``libicuuc`` asks of it. Windows and
macOS wheels use the system's ICU, so this runs on Linux only (build.spec).

The build must still work on a workstation without these tools: ``SlimIcuUnavailableError``
says what is missing and the spec keeps the full library (CI has the tools and checks the
result in tests/test_slim_icu.py and tests/test_frozen_build.py).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# Ukrainian and English, their parents (ICU walks uk_UA -> uk -> root) and the "C"/POSIX
# default locale that ICU maps to en_US_POSIX.
KEEP_LOCALES = frozenset({
    "root", "uk", "uk_UA", "en", "en_001", "en_150", "en_GB", "en_US", "en_US_POSIX",
})
# Trees ICU never consults for a Qt desktop app: transliteration rules, and the dictionaries
# for breaking Chinese/Japanese/Thai/Khmer/Lao/Burmese words (Qt breaks text itself).
DROP_TREES = frozenset({"translit"})
DROP_SUFFIXES = (".cnv", ".dict")  # legacy codepages (Qt has UTF-8/16/32 and Latin-1 built in)
TREE_INDEXES = frozenset({"pool", "res_index"})  # per-tree key pool and locale list: always kept
# "de_" and the like are locale aliases too (collation keyword variants).
_LOCALE_ID = re.compile(r"^(root|[a-z]{2,3}(_[A-Za-z0-9]*)*)$")
_MISSING_DEPENDENCY = re.compile(r"^Item (\S+) depends on missing item (\S+)$")
_SONAME = re.compile(r"^libicudata\.so\.(\d+)$")


class SlimIcuUnavailableError(RuntimeError):
    """The slim library cannot be built here; the message says why (missing tool, odd file)."""


def keep_item(name: str) -> bool:
    """Whether an item of the ICU data package (as ``icupkg -l`` names it) stays.

    ``name`` is e.g. ``coll/uk.res``, ``zh.res``, ``ucadata.icu``, ``brkitr/cjdict.dict``.
    """
    tree, _, leaf = name.rpartition("/")
    if tree in DROP_TREES or leaf.endswith(DROP_SUFFIXES):
        return False
    stem, dot, kind = leaf.rpartition(".")
    if dot and kind == "res" and stem not in TREE_INDEXES and _LOCALE_ID.match(stem):
        return stem in KEEP_LOCALES
    return True  # core tables (*.icu, *.nrm, *.spp, *.brk ...) and supplemental data


_TOOL_PACKAGES = {
    "icupkg": "Debian/Ubuntu package icu-devtools",
    "objcopy": "package binutils",
    "nm": "package binutils",
    "cc": "a C compiler, e.g. package gcc",
}


def missing_tools() -> list[str]:
    """The build tools this step needs that are not on PATH (``$CC`` stands in for cc)."""
    return [name for name in _TOOL_PACKAGES
            if shutil.which(name) is None and not (name == "cc" and os.environ.get("CC"))]


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise SlimIcuUnavailableError(f"{name} not found ({_TOOL_PACKAGES.get(name, name)})")
    return found


def _run(*argv: str) -> str:
    result = subprocess.run(  # noqa: S603 (build tools found on PATH, our own file names)
        argv, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SlimIcuUnavailableError(f"{' '.join(argv)} failed: {result.stderr.strip()[:500]}")
    return result.stdout


def extract_data_package(library: Path, into: Path) -> tuple[str, Path]:
    """The data package inside ``libicudata.so.NN``: (its symbol, the ``.dat`` written)."""
    match = _SONAME.match(library.name)
    if match is None:
        raise SlimIcuUnavailableError(f"unexpected ICU data library name {library.name}")
    symbol = f"icudt{match.group(1)}_dat"
    # The library holds exactly one object, the package, and it is all of .rodata; check
    # that before trusting objcopy's section dump to be the package and nothing else.
    symbols = _run(_tool("nm"), "-D", "-S", "--defined-only", str(library)).split()
    if symbol not in symbols:
        raise SlimIcuUnavailableError(f"{library.name} does not export {symbol}")
    size = int(symbols[symbols.index(symbol) - 2], 16)
    endian = "l" if sys.byteorder == "little" else "b"
    package = into / f"icudt{match.group(1)}{endian}.dat"
    _run(_tool("objcopy"), "-O", "binary", "--only-section=.rodata", str(library), str(package))
    if package.stat().st_size != size:
        raise SlimIcuUnavailableError(
            f"{library.name}: .rodata is {package.stat().st_size} bytes, {symbol} is {size}")
    return symbol, package


def list_items(package: Path) -> list[str]:
    return _run(_tool("icupkg"), "-l", str(package)).split()


def slim_icu_library(library: Path, workdir: Path) -> Path:
    """Build the slim twin of ``library`` in ``workdir`` and return its path (same file name)."""
    missing = missing_tools()
    if missing:
        raise SlimIcuUnavailableError(
            f"missing {', '.join(f'{name} ({_TOOL_PACKAGES[name]})' for name in missing)}")
    workdir.mkdir(parents=True, exist_ok=True)
    symbol, package = extract_data_package(library, workdir)
    items = list_items(package)
    dropped = [item for item in items if not keep_item(item)]
    if not any(item.endswith("uk.res") for item in items) or len(dropped) == len(items):
        raise SlimIcuUnavailableError(f"{package.name} does not look like ICU data")
    drop_list = workdir / "icu-dropped-items.txt"
    drop_list.write_text("\n".join(dropped) + "\n", encoding="utf-8")
    # icupkg names the items inside after the output file's name: it must stay icudtNNl.dat.
    (workdir / "slim").mkdir(exist_ok=True)
    slim_package = workdir / "slim" / package.name
    remove = (_tool("icupkg"), "-r", str(drop_list), str(package), str(slim_package))
    checked = subprocess.run(remove, capture_output=True, text=True, check=False)  # noqa: S603
    if checked.returncode != 0:
        # icupkg refuses to leave a dangling reference. The only ones we accept are the
        # break-iterator root's references to the dropped dictionaries: ICU then breaks those
        # scripts without a dictionary. Any other (a kept locale needing a dropped one) stops.
        problems = [line for line in checked.stderr.splitlines() if line.strip()]
        unexpected = [line for line in problems
                      if not ((m := _MISSING_DEPENDENCY.match(line)) and m[2].endswith(".dict"))]
        if unexpected:
            raise SlimIcuUnavailableError("icupkg: " + "; ".join(sorted(set(unexpected))[:5]))
        _run(remove[0], "--ignore-deps", *remove[1:])

    assembly = workdir / "icudata.S"
    # ICU reads the package in place: 16-byte alignment as its own build gives it, and a
    # non-executable stack note so the loader does not mark the process stack executable.
    assembly.write_text(
        '\t.section .rodata\n\t.balign 16\n'
        f'\t.globl {symbol}\n\t.type {symbol}, @object\n{symbol}:\n'
        f'\t.incbin "{slim_package}"\n\t.size {symbol}, . - {symbol}\n'
        '\t.section .note.GNU-stack,"",@progbits\n',
        encoding="utf-8",
    )
    output = workdir / library.name
    compiler = os.environ.get("CC") or _tool("cc")
    _run(compiler, "-shared", "-nostdlib", f"-Wl,-soname,{library.name}", "-o", str(output),
         str(assembly))
    return output


def slim_icu_in_toc(binaries: list[tuple[str, str, str]], workdir: Path
                    ) -> list[tuple[str, str, str]]:
    """PyInstaller TOC with every ``libicudata.so.NN`` pointing at its slim twin.

    Leaves the TOC untouched, with a note on stdout, when the tools are missing.
    """
    result = []
    for dest, src, kind in binaries:
        if kind == "BINARY" and _SONAME.match(Path(dest).name):
            try:
                slim = slim_icu_library(Path(src), workdir / "slim-icu")
            except SlimIcuUnavailableError as error:
                print(f"build.spec: WARNING: keeping the full ICU data library "
                      f"({Path(src).stat().st_size // 1_000_000} MB): {error}")
            else:
                print(f"build.spec: ICU data {Path(src).stat().st_size // 1_000_000} MB -> "
                      f"{slim.stat().st_size / 1_000_000:.1f} MB ({dest})")
                src = str(slim)
        result.append((dest, src, kind))
    return result

"""The Windows installer (resources/installer/ringohunt.wxs) against the app it installs.

Two layers, one hand-written installer source:

* Static checks (always run): the .wxs parsed as XML and compared with what the app really
  reads: the HKLM value names against config.SETTINGS, the Run value against autostart.py and
  the CLI's flags, the tel:/callto: command line against the CLI's parser, the fixed
  UpgradeCode, the "remember property" wiring of every public property.
* A real build and install on Linux: the WiX v5 source is translated mechanically into the
  WiX v3 dialect that ``wixl`` (msitools) compiles, the few things wixl 0.101 drops are patched
  into the MSI tables with ``msibuild`` and read back with ``msiinfo``, and the MSI is installed
  silently under Wine's msiexec with properties, upgraded, and uninstalled, reading Wine's
  registry in between. The translator refuses any element or attribute it does not know, so a
  construct added to the .wxs later fails here instead of being silently left out.

What this cannot show: that WiX v5 itself accepts the source (the Windows build still does),
how Windows (not Wine) applies it, and anything about the real PyInstaller exe (a stand-in
folder is packaged). Debian packages: wixl, msitools, wine, wine64.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import re
import shutil
import subprocess
import tempfile
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from ringohunt_desktop import APP_NAME, __version__, autostart, config
from ringohunt_desktop.cli import build_parser, parse_command_line

ROOT = Path(__file__).resolve().parents[1]
INSTALLER_DIR = ROOT / "resources" / "installer"
WXS = INSTALLER_DIR / "ringohunt.wxs"
README = INSTALLER_DIR / "README.md"

NS = "http://wixtoolset.org/schemas/v4/wxs"
V3_NS = "http://schemas.microsoft.com/wix/2006/wi"
MACHINE_KEY = r"Software\RingoHunt\RingoHunt Desktop"
INSTALLER_STATE_KEY = MACHINE_KEY + r"\Installer"
EXE_REF = "[#RingoHuntExe]"


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


@pytest.fixture(scope="module")
def package() -> ET.Element:
    root = ET.parse(WXS).getroot()  # noqa: S314 (our own file)
    assert root.tag == _q("Wix"), "the WiX v4/v5 schema namespace"
    element = root.find(_q("Package"))
    assert element is not None
    return element


def _header_properties() -> dict[str, str]:
    """``NAME -> setting_key`` pairs documented in the .wxs header comment."""
    header = WXS.read_text(encoding="utf-8").split("-->", 1)[0]
    return dict(re.findall(r"\b([A-Z][A-Z_]+) -> ([a-z][a-z_]+)", header))


def _readme_properties() -> dict[str, str]:
    rows = re.findall(r"^\| `([A-Z_]+)` \| (`[a-z_]+`|–) \|", README.read_text(encoding="utf-8"),
                      flags=re.MULTILINE)
    return {name: key.strip("`") for name, key in rows}


def _public_properties(package: ET.Element) -> dict[str, ET.Element]:
    return {p.get("Id", ""): p for p in package.findall(_q("Property"))
            if p.find(_q("RegistrySearch")) is not None}


def _registry_values(package: ET.Element) -> list[dict[str, str]]:
    """Every RegistryValue with Root and Key resolved through enclosing RegistryKeys."""
    found: list[dict[str, str]] = []

    def walk(element: ET.Element, root: str, key: str) -> None:
        for child in element:
            sub = child.get("Key", "")
            full = f"{key}\\{sub}" if key and sub else (sub or key)
            if child.tag == _q("RegistryKey"):
                walk(child, child.get("Root", root), full)
            elif child.tag == _q("RegistryValue"):
                found.append({**child.attrib, "Root": child.get("Root", root), "Key": full,
                              "Name": child.get("Name", "")})

    for component in package.iter(_q("Component")):
        walk(component, "", "")
    return found


def _component_of_value(package: ET.Element, name: str, key: str) -> ET.Element:
    for component in package.iter(_q("Component")):
        for value in component.iter(_q("RegistryValue")):
            if value.get("Name") == name and value.get("Key") == key:
                return component
    raise AssertionError(f"no component writes {key}\\{name}")


# --- static checks ------------------------------------------------------------------------

def test_upgrade_code_is_the_derived_fixed_one(package: ET.Element) -> None:
    expected = str(uuid.uuid5(uuid.NAMESPACE_DNS, APP_NAME)).upper()
    assert package.get("UpgradeCode") == expected
    assert expected in WXS.read_text(encoding="utf-8").split("-->", 1)[0]
    assert package.get("Name") == APP_NAME


def test_per_machine_major_upgrade_and_version_from_the_build(package: ET.Element) -> None:
    assert package.get("Scope") == "perMachine"
    assert package.get("Version") == "$(var.Version)"
    major = package.find(_q("MajorUpgrade"))
    assert major is not None
    assert major.get("DowngradeErrorMessage")
    # The README's build line passes the version the exe carries, for a 64-bit package.
    readme = README.read_text(encoding="utf-8")
    assert "-arch x64 -d Version=%VERSION%" in readme
    assert "ringohunt_desktop as r; print(r.__version__)" in readme
    assert package.find(f"{_q('StandardDirectory')}[@Id='ProgramFiles64Folder']") is not None


def test_documented_properties_agree_with_the_wxs(package: ET.Element) -> None:
    header = _header_properties()
    readme = _readme_properties()
    public = _public_properties(package)
    assert set(public) == set(readme), "README table vs <Property> with a RegistrySearch"
    assert set(header) | {"AUTOSTART"} == set(public), ".wxs header vs <Property>"
    assert {k: v for k, v in readme.items() if v != "–"} == header


def test_every_machine_value_is_a_setting_the_app_reads(package: ET.Element) -> None:
    """Each public property lands in the key config.py enumerates, under a setting's key."""
    reader = inspect.getsource(config._read_windows_machine_values)
    assert MACHINE_KEY in reader
    machine_wide = {s.key for s in config.SETTINGS if s.machine_wide and not s.secret}
    for prop, key in _header_properties().items():
        if key == config.LOCKED_SECTION:
            continue
        assert key in machine_wide, f"{prop} -> {key}: config.py ignores it from HKLM"
    assert _header_properties()["LOCKED"] == config.LOCKED_SECTION
    written = {v["Name"] for v in _registry_values(package)
               if v["Root"] == "HKLM" and v["Key"] == MACHINE_KEY}
    assert written == set(_header_properties().values())


def test_each_public_property_is_remembered_and_restored(package: ET.Element) -> None:
    """RegistrySearch reads back what the component wrote; CMDLINE_* keeps a command-line
    value across AppSearch; the component only exists when the property has a value."""
    set_props = package.findall(_q("SetProperty"))
    for prop_id, prop in _public_properties(package).items():
        assert prop.get("Secure") == "yes", f"{prop_id} must reach the elevated server"
        assert prop.get("Value") is None, f"{prop_id}: a default would beat the remembered value"
        search = prop.find(_q("RegistrySearch"))
        assert search is not None
        assert search.get("Root") == "HKLM"
        assert search.get("Type") == "raw"
        component = _component_of_value(package, search.get("Name", ""), search.get("Key", ""))
        value = next(v for v in component.iter(_q("RegistryValue"))
                     if v.get("Name") == search.get("Name"))
        assert value.get("Value") == f"[{prop_id}]"
        assert value.get("Type") == "string"
        if prop_id != "AUTOSTART":
            assert component.get("Condition") == prop_id
        saves = [s for s in set_props if s.get("Id") == f"CMDLINE_{prop_id}"]
        restores = [s for s in set_props if s.get("Id") == prop_id
                    and s.get("Value") == f"[CMDLINE_{prop_id}]"]
        assert len(saves) == len(restores) == 1, prop_id
        assert saves[0].attrib == {"Id": f"CMDLINE_{prop_id}", "Value": f"[{prop_id}]",
                                   "Before": "AppSearch", "Sequence": "first",
                                   "Condition": prop_id}
        assert restores[0].get("After") == "AppSearch"
        assert restores[0].get("Condition") == f"CMDLINE_{prop_id}"


def test_autostart_default_comes_after_the_remembered_value(package: ET.Element) -> None:
    defaults = [s for s in package.findall(_q("SetProperty"))
                if s.get("Id") == "AUTOSTART" and s.get("Value") == "1"]
    assert len(defaults) == 1
    assert defaults[0].get("After") == "SetAUTOSTART"
    assert defaults[0].get("Condition") == "NOT AUTOSTART"


def test_run_value_is_the_one_the_app_knows_and_accepts(package: ET.Element) -> None:
    run = [v for v in _registry_values(package) if v["Key"] == autostart.RUN_KEY]
    assert len(run) == 1
    assert run[0]["Root"] == "HKLM"
    assert run[0]["Name"] == autostart.RUN_VALUE
    command = run[0]["Value"]
    assert command == (f'"{EXE_REF}" {autostart.MINIMIZED_FLAG} {autostart.AUTOSTART_FLAG}')
    args = build_parser().parse_args(command.split()[1:])
    assert args.minimized
    assert args.autostart
    component = _component_of_value(package, autostart.RUN_VALUE, autostart.RUN_KEY)
    assert component.get("Condition") == 'AUTOSTART = "1"'


def test_url_protocols_point_at_the_installed_exe(package: ET.Element) -> None:
    exe = package.find(f".//{_q('File')}[@Id='RingoHuntExe']")
    assert exe is not None
    assert PureWindowsPath(exe.get("Source", "")).name == "RingoHunt.exe"
    values = {(v["Key"], v["Name"]): v["Value"] for v in _registry_values(package)
              if v["Root"] == "HKLM"}
    for scheme in ("tel", "callto", "RingoHunt.tel"):
        key = rf"Software\Classes\{scheme}"
        assert values[(key + r"\shell\open\command", "")] == f'"{EXE_REF}" "%1"'
        assert (key, "URL Protocol") in values
    caps = MACHINE_KEY + r"\Capabilities"
    assert values[(caps + r"\URLAssociations", "tel")] == "RingoHunt.tel"
    assert values[(caps + r"\URLAssociations", "callto")] == "RingoHunt.tel"
    assert values[(r"Software\RegisteredApplications", APP_NAME)] == caps


def test_the_app_accepts_the_url_protocol_command_line() -> None:
    for url in ("tel:+380671234567", "callto:+380671234567"):
        args = parse_command_line(build_parser(), [url])
        assert args.dial == url


def test_readme_examples_parse_with_the_apps_own_parsers() -> None:
    readme = README.read_text(encoding="utf-8")
    example = readme.split("Machine-wide defaults", 1)[1].split("```", 2)[1]
    pairs = dict(re.findall(r'\b([A-Z_]+)=("[^"]*"|\S+)', example))
    header = _header_properties()
    for prop, raw in pairs.items():
        value = raw.strip('"')
        if prop == "AUTOSTART":
            assert value in ("0", "1")
        elif prop == "LOCKED":
            assert {k.strip() for k in value.split(",")} <= set(config.SPECS)
        else:
            config.SPECS[header[prop]].parse(value)


# --- build with wixl, install with Wine --------------------------------------------------

TOOLS = ("wixl", "msibuild", "msiinfo", "wine", "wineserver")
DEBIAN_PACKAGES = "wixl msitools wine wine64"


def _require_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    message = f"missing {', '.join(missing)} (Debian: apt-get install {DEBIAN_PACKAGES})"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


class Untranslatable(ValueError):
    """The .wxs uses a construct the wixl translation does not know."""


# Everything the translation understands; anything else stops it.
KNOWN: dict[str, set[str]] = {
    "Package": {"Name", "Manufacturer", "Version", "UpgradeCode", "Scope", "Language",
                "InstallerVersion"},
    "SummaryInformation": {"Description"},
    "MajorUpgrade": {"Schedule", "DowngradeErrorMessage"},
    "MediaTemplate": {"EmbedCab", "CompressionLevel"},
    "Property": {"Id", "Value", "Secure"},
    "RegistrySearch": {"Id", "Root", "Key", "Name", "Type"},
    "Icon": {"Id", "SourceFile"},
    "SetProperty": {"Id", "Action", "Value", "Before", "After", "Sequence", "Condition"},
    "StandardDirectory": {"Id"},
    "Directory": {"Id", "Name"},
    "Feature": {"Id", "Title", "AllowAbsent"},
    "ComponentGroupRef": {"Id"},
    "ComponentGroup": {"Id", "Directory"},
    "Component": {"Id", "Condition"},
    "File": {"Id", "Source", "KeyPath"},
    "Files": {"Include"},
    "Exclude": {"Files"},
    "RegistryKey": {"Root", "Key"},
    "RegistryValue": {"Root", "Key", "Name", "Type", "Value", "KeyPath"},
    "Shortcut": {"Id", "Directory", "Name", "Description", "Target", "WorkingDirectory"},
}
# Standard actions the SetProperty elements are scheduled around (same number in the UI and
# the execute sequence, as in the Windows Installer's suggested sequences and WiX).
ANCHORS = {"FindRelatedProducts": 25, "AppSearch": 50, "LaunchConditions": 100}
REMOVE_EXISTING = {"afterInstallValidate": 1401, "afterInstallInitialize": 1501}
CA_SET_PROPERTY = 51
CA_FIRST_SEQUENCE = 0x100
BINDPATH = re.compile(r"!\(bindpath\.Dist\)\\?")


@dataclass
class Translation:
    """The wixl source plus the table patches for what wixl 0.101 would drop."""

    source: str
    component_conditions: dict[str, str] = field(default_factory=dict)
    custom_action_types: dict[str, int] = field(default_factory=dict)
    secure: list[str] = field(default_factory=list)
    remove_existing_sequence: int = 0


def _check(element: ET.Element) -> str:
    tag = _local(element.tag)
    if not element.tag.startswith(f"{{{NS}}}") or tag not in KNOWN:
        raise Untranslatable(f"element {element.tag}")
    unknown = set(element.attrib) - KNOWN[tag]
    if unknown:
        raise Untranslatable(f"{tag}: attributes {sorted(unknown)}")
    return tag


def _dist_path(value: str) -> str:
    if not BINDPATH.match(value):
        raise Untranslatable(f"file outside the Dist bind path: {value}")
    return str(PurePosixPath("dist", *PureWindowsPath(BINDPATH.sub("", value)).parts))


def translate(text: str, version: str, dist: Path) -> Translation:
    """WiX v4/v5 (this project's subset) -> the WiX v3 dialect of wixl; paths under dist/."""
    pis = re.findall(r"<\?(?!xml )(.*?)\?>", text)
    if [p.split()[0] for p in pis] != ["ifndef", "error", "endif"] or pis[0] != "ifndef Version":
        raise Untranslatable(f"preprocessor instructions {pis}")
    text = text.replace("$(var.Version)", version)
    if re.search(r"\$\(|!\((?!bindpath\.Dist\))", text):
        raise Untranslatable("a preprocessor variable or bind variable other than Version/Dist")
    root = ET.fromstring(text)  # noqa: S314 (our own file)
    (package,) = list(root)
    _check(package)
    out = Translation(source="")

    wix = ET.Element("Wix", xmlns=V3_NS)
    product = ET.SubElement(wix, "Product", Id="*", Name=package.attrib["Name"],
                            Manufacturer=package.attrib["Manufacturer"],
                            Version=package.attrib["Version"],
                            UpgradeCode=package.attrib["UpgradeCode"],
                            Language=package.attrib["Language"])
    summary = package.find(_q("SummaryInformation"))
    ET.SubElement(product, "Package", InstallerVersion=package.attrib["InstallerVersion"],
                  Compressed="yes", InstallScope=package.attrib["Scope"],
                  Manufacturer=package.attrib["Manufacturer"],
                  Description=summary.get("Description", "") if summary is not None else "")
    targetdir = ET.SubElement(product, "Directory", Id="TARGETDIR", Name="SourceDir")
    fragment = ET.SubElement(wix, "Fragment")
    sequences = [ET.Element("InstallUISequence"), ET.Element("InstallExecuteSequence")]
    directories: dict[str, ET.Element] = {}
    scheduled: dict[str, int] = dict(ANCHORS)
    used = set(ANCHORS.values())
    groups: list[ET.Element] = []

    def copy(element: ET.Element, parent: ET.Element, **extra: str) -> ET.Element:
        tag = _check(element)
        attrs = {k: v for k, v in element.attrib.items() if k != "Secure"}
        for name in ("Source", "SourceFile"):
            if name in attrs:
                attrs[name] = _dist_path(attrs[name])
        new = ET.SubElement(parent, tag, {**attrs, **extra})
        if tag == "Directory":
            directories[new.attrib["Id"]] = new
        for child in element:
            copy(child, new, **({"Win64": "yes"} if _local(child.tag) == "RegistrySearch"
                               else {}))
        return new

    for element in package:
        tag = _check(element)
        if tag in ("Property", "Icon"):
            copy(element, product)
            if element.get("Secure") == "yes":
                out.secure.append(element.attrib["Id"])
        elif tag == "SummaryInformation":
            continue
        elif tag == "MajorUpgrade":
            out.remove_existing_sequence = REMOVE_EXISTING[element.get("Schedule",
                                                                       "afterInstallValidate")]
            ET.SubElement(product, "MajorUpgrade",
                          DowngradeErrorMessage=element.attrib["DowngradeErrorMessage"])
        elif tag == "MediaTemplate":
            ET.SubElement(product, "MediaTemplate", EmbedCab=element.get("EmbedCab", "no"))
        elif tag == "SetProperty":
            action = element.get("Action") or "Set" + element.attrib["Id"]
            if element.get("Sequence") != "first" or action in scheduled:
                raise Untranslatable(f"SetProperty {action}")
            ET.SubElement(product, "CustomAction", Id=action, Property=element.attrib["Id"],
                          Value=element.attrib["Value"])
            out.custom_action_types[action] = CA_SET_PROPERTY | CA_FIRST_SEQUENCE
            # WiX puts a relative action right next to its anchor; wixl would place it
            # anywhere that satisfies the order, even after WriteRegistryValues.
            if element.get("After"):
                number, step = scheduled[element.attrib["After"]] + 1, 1
            else:
                number, step = scheduled[element.attrib["Before"]] - 1, -1
            while number in used:
                number += step
            scheduled[action] = number
            used.add(number)
            for sequence in sequences:
                custom = ET.SubElement(sequence, "Custom", Action=action, Sequence=str(number))
                custom.text = element.get("Condition")
        elif tag == "StandardDirectory":
            directories[element.attrib["Id"]] = new = ET.SubElement(
                targetdir, "Directory", Id=element.attrib["Id"])
            for child in element:
                copy(child, new)
        elif tag == "Feature":
            copy(element, product, **({"Absent": "disallow"} if element.attrib.pop(
                "AllowAbsent", "yes") == "no" else {}))
        elif tag == "ComponentGroup":
            groups.append(element)
        else:
            raise Untranslatable(tag)
    own = [number for action, number in scheduled.items() if action not in ANCHORS]
    if own and not ANCHORS["FindRelatedProducts"] < min(own) <= max(own) < 100:
        raise Untranslatable(f"SetProperty scheduled outside AppSearch's slot: {scheduled}")

    file_number = 0
    for element in groups:
        group = ET.SubElement(fragment, "ComponentGroup", Id=element.attrib["Id"],
                              Directory=element.attrib["Directory"])
        for component in element:
            tag = _check(component)
            if tag == "Files":
                for exclude in component:
                    _check(exclude)
                excluded = {PureWindowsPath(BINDPATH.sub("", e.attrib["Files"]))
                            for e in component}
                if BINDPATH.sub("", component.attrib["Include"]) != "**":
                    raise Untranslatable(f"Files Include={component.attrib['Include']}")
                for path in sorted(p for p in dist.rglob("*") if p.is_file()):
                    relative = path.relative_to(dist)
                    if PureWindowsPath(*relative.parts) in excluded:
                        continue
                    parent = directories[element.attrib["Directory"]]
                    for part in relative.parts[:-1]:
                        digest = hashlib.sha1(f"{parent.get('Id')}/{part}".encode(),
                                              usedforsecurity=False).hexdigest()[:16]
                        parent = directories.get("d" + digest) or ET.SubElement(
                            parent, "Directory", Id="d" + digest, Name=part)
                        directories["d" + digest] = parent
                    file_number += 1
                    harvested = ET.SubElement(parent, "Component", Id=f"h{file_number}",
                                              Guid="*", Win64="yes")
                    ET.SubElement(harvested, "File", Id=f"hf{file_number}",
                                  Source=str(PurePosixPath("dist", *relative.parts)),
                                  KeyPath="yes")
                    ET.SubElement(group, "ComponentRef", Id=f"h{file_number}")
                continue
            new = ET.SubElement(group, "Component", Id=component.attrib["Id"], Guid="*",
                                Win64="yes")
            if component.get("Condition"):
                out.component_conditions[component.attrib["Id"]] = component.attrib["Condition"]
            for child in component:
                if _check(child) != "RegistryKey":
                    copy(child, new)
                    continue
                for value in child:  # flattened: wixl 0.101 mishandles nested Key="..."
                    _check(value)
                    key = child.attrib["Key"] + (f"\\{value.attrib['Key']}"
                                                 if "Key" in value.attrib else "")
                    ET.SubElement(new, "RegistryValue",
                                  {**value.attrib, "Root": child.attrib["Root"], "Key": key})
    for sequence in sequences:
        product.append(sequence)
    out.source = ET.tostring(wix, encoding="unicode")
    return out



def _run(*cmd: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
         timeout: float = 60) -> subprocess.CompletedProcess[str]:
    # Files, not pipes: Wine's helper processes inherit the handles and outlive the command,
    # so reading a pipe to its end would wait for them (seconds per call).
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        result = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, stdout=out,
                                stderr=err, timeout=timeout, check=False)
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(
            result.args, result.returncode, out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"))


def _table(msi: Path, table: str) -> list[dict[str, str]]:
    result = _run("msiinfo", "export", msi, table)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    columns = lines[0].split("\t")
    return [dict(zip(columns, line.split("\t"), strict=False)) for line in lines[3:]]


def _sql(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def build_msi(workdir: Path, version: str) -> Path:
    """Translate, compile with wixl, patch what wixl drops, and verify the patches."""
    translation = translate(WXS.read_text(encoding="utf-8"), version, workdir / "dist")
    source = workdir / f"ringohunt-{version}.wixl.wxs"
    source.write_text(translation.source, encoding="utf-8")
    msi = workdir / f"RingoHunt-{version}.msi"
    result = _run("wixl", "--arch", "x64", "-o", msi.name, source.name, cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr  # wixl says so when it drops things
    assert "CRITICAL" not in result.stderr, result.stderr
    # Identifiers and values come from our own .wxs, quoted by _sql; msibuild has no binding.
    queries = [
        f"UPDATE `Component` SET `Condition` = {_sql(cond)} "  # noqa: S608
        f"WHERE `Component` = {_sql(comp)}"
        for comp, cond in translation.component_conditions.items()
    ] + [
        f"UPDATE `CustomAction` SET `Type` = {kind} WHERE `Action` = {_sql(action)}"  # noqa: S608
        for action, kind in translation.custom_action_types.items()
    ] + [
        f"UPDATE `InstallExecuteSequence` SET `Sequence` = "  # noqa: S608
        f"{translation.remove_existing_sequence} WHERE `Action` = 'RemoveExistingProducts'",
    ]
    secure = {r["Property"]: r["Value"] for r in _table(msi, "Property")}
    merged = ";".join([*secure.get("SecureCustomProperties", "").split(";"),
                       *translation.secure]).strip(";")
    queries.append(f"UPDATE `Property` SET `Value` = {_sql(merged)} "  # noqa: S608
                   "WHERE `Property` = 'SecureCustomProperties'")
    for query in queries:
        result = _run("msibuild", msi, "-q", query)
        assert result.returncode == 0, f"{query}: {result.stderr}"
    components = {r["Component"]: r for r in _table(msi, "Component")}
    for comp, cond in translation.component_conditions.items():
        assert components[comp]["Condition"] == cond
    actions = {r["Action"]: int(r["Type"]) for r in _table(msi, "CustomAction")}
    assert {a: actions[a] for a in translation.custom_action_types} == \
        translation.custom_action_types
    properties = {r["Property"]: r["Value"] for r in _table(msi, "Property")}
    assert set(translation.secure) <= set(properties["SecureCustomProperties"].split(";"))
    return msi


def _fake_dist(dist: Path, marker: str) -> None:
    """A stand-in for PyInstaller's dist/RingoHunt: the names matter, not the bytes."""
    for name in ("RingoHunt.exe", "ringohunt-desktop-console.exe",
                 "_internal/python311.dll", "_internal/PySide6/plugins/platforms/qwindows.dll"):
        path = dist / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{name} {marker}\n", encoding="utf-8")


class Wine:
    """A throw-away Wine prefix: msiexec, reg query."""

    def __init__(self, prefix: Path) -> None:
        self.env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        self.env.update(WINEPREFIX=str(prefix), WINEDEBUG="-all",
                        WINEDLLOVERRIDES="mscoree,mshtml=")  # no Mono/Gecko install prompts
        self.prefix = prefix

    def run(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return _run("wine", *args, env=self.env, timeout=90)

    def msiexec(self, *args: str) -> None:
        result = self.run("msiexec", *args, "/qn")
        assert result.returncode == 0, f"msiexec {args}: {result.returncode} {result.stderr}"

    def values(self, key: str) -> dict[str, str] | None:
        """Values of HKLM\\key in the 64-bit view, or None when the key does not exist."""
        result = self.run("reg", "query", f"HKLM\\{key}", "/reg:64")
        if result.returncode != 0:
            return None
        found: dict[str, str] = {}
        header = f"HKEY_LOCAL_MACHINE\\{key}".lower()
        inside = False
        for line in result.stdout.splitlines():
            if line.startswith("HKEY_"):
                inside = line.strip().lower() == header
            elif inside and (m := re.match(r"^ {4}(.*?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$", line)):
                found[m[1]] = m[3] or ""
        return found

    def installed(self, relative: str) -> Path:
        return self.prefix / "drive_c" / "Program Files" / "RingoHunt Desktop" / relative


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    _require_tools()
    msis: dict[str, Path] = {}
    for version in (__version__, "99.0.0", "99.1.0"):
        workdir = tmp_path_factory.mktemp(f"msi-{version}")
        _fake_dist(workdir / "dist", version)
        msis[version] = build_msi(workdir, version)
    return msis


def test_untranslatable_constructs_are_refused() -> None:
    source = WXS.read_text(encoding="utf-8")
    with pytest.raises(Untranslatable, match="CustomAction"):
        translate(source.replace("<MediaTemplate", '<CustomAction Id="x" /><MediaTemplate'),
                  "1.0.0", Path("dist"))
    with pytest.raises(Untranslatable, match="Permanent"):
        translate(source.replace('<Component Id="MainExe">',
                                 '<Component Id="MainExe" Permanent="yes">'),
                  "1.0.0", Path("dist"))


def test_msi_tables(built: dict[str, Path]) -> None:
    msi = built[__version__]
    properties = {r["Property"]: r["Value"] for r in _table(msi, "Property")}
    assert properties["ALLUSERS"] == "1"
    assert properties["UpgradeCode"] == "{" + str(uuid.uuid5(uuid.NAMESPACE_DNS,
                                                                APP_NAME)).upper() + "}"
    assert properties["ProductVersion"] == __version__
    assert "AUTOSTART" not in properties
    components = _table(msi, "Component")
    assert all(int(c["Attributes"]) & 0x100 for c in components), "64-bit components"
    assert all(int(r["Type"]) & 0x10 for r in _table(msi, "RegLocator")), "64-bit searches"
    execute = {r["Action"]: int(r["Sequence"]) for r in _table(msi, "InstallExecuteSequence")}
    assert execute["SetCMDLINE_AUTOSTART"] < execute["AppSearch"] < execute["SetAUTOSTART"] \
        < execute["SetAUTOSTART_DEFAULT"] < execute["LaunchConditions"]
    files = {r["FileName"] for r in _table(msi, "File")}
    assert {"RingoHunt.exe", "python311.dll", "qwindows.dll"} <= files


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_silent_install_upgrade_and_uninstall_under_wine(
        built: dict[str, Path], tmp_path: Path) -> None:
    wine = Wine(tmp_path / "wineprefix")
    try:
        boot = wine.run("wineboot", "--init")
        assert boot.returncode == 0, boot.stderr
        _install_upgrade_uninstall(wine, built)
    finally:
        _run("wineserver", "--kill", env=wine.env)  # the prefix's services, now


def _install_upgrade_uninstall(wine: Wine, built: dict[str, Path]) -> None:
    old, new = built[__version__], built["99.0.0"]

    # 1. First install: IT's properties become the machine-wide defaults config.py reads.
    wine.msiexec("/i", str(old), "RINGOSTAT_PROJECT_ID=12345", "DEFAULT_REGION=PL",
                 "POLL_INTERVAL=2", "LOCKED=ringostat_url,nethunt_url",
                 "NETHUNT_URL=https://nethunt.example/api/v1/zapier")
    machine = wine.values(MACHINE_KEY)
    assert machine == {"ringostat_project_id": "12345", "default_region": "PL",
                       "poll_interval": "2", "locked": "ringostat_url,nethunt_url",
                       "nethunt_url": "https://nethunt.example/api/v1/zapier"}
    for key, value in machine.items():
        if key != config.LOCKED_SECTION:
            config.SPECS[key].parse(value)
    exe = r"C:\Program Files\RingoHunt Desktop\RingoHunt.exe"
    assert wine.values(autostart.RUN_KEY) == {
        autostart.RUN_VALUE: f'"{exe}" {autostart.MINIMIZED_FLAG} {autostart.AUTOSTART_FLAG}'}
    for scheme in ("tel", "callto"):
        assert wine.values(rf"Software\Classes\{scheme}\shell\open\command") == {
            "(Default)": f'"{exe}" "%1"'}
        assert wine.values(rf"Software\Classes\{scheme}") == {
            "(Default)": f"URL:{scheme} Protocol", "URL Protocol": ""}
    assert wine.installed("_internal/PySide6/plugins/platforms/qwindows.dll").is_file()
    assert __version__ in wine.installed("RingoHunt.exe").read_text(encoding="utf-8")

    # 2. Upgrade changing one value and switching autostart off: the rest is remembered.
    wine.msiexec("/i", str(new), "POP_MODE=answer", "AUTOSTART=0")
    assert wine.values(MACHINE_KEY) == {**machine, "pop_mode": "answer"}
    assert wine.values(INSTALLER_STATE_KEY) == {"AUTOSTART": "0", "StartMenuShortcut": "0x1"}
    assert not wine.values(autostart.RUN_KEY)  # the key itself may go when it is empty
    assert "99.0.0" in wine.installed("RingoHunt.exe").read_text(encoding="utf-8")

    # 3. The next upgrade without properties keeps AUTOSTART=0 (no default overrides it).
    wine.msiexec("/i", str(built["99.1.0"]))
    assert wine.values(INSTALLER_STATE_KEY) == {"AUTOSTART": "0", "StartMenuShortcut": "0x1"}
    assert not wine.values(autostart.RUN_KEY)  # the key itself may go when it is empty
    assert wine.values(MACHINE_KEY) == {**machine, "pop_mode": "answer"}

    # 4. Downgrade is refused.
    refused = wine.run("msiexec", "/i", str(old), "/qn")
    assert refused.returncode != 0

    # 5. Uninstall removes what it wrote, the files too.
    wine.msiexec("/x", str(built["99.1.0"]))
    assert wine.values(MACHINE_KEY) is None
    assert not wine.values(autostart.RUN_KEY)
    assert wine.values(r"Software\Classes\tel") is None
    assert wine.values(r"Software\Classes\callto") is None
    assert not wine.installed("RingoHunt.exe").exists()

"""Which collected PySide6 files the build keeps (resources/pyinstaller_bundle_rules.py), on
the destination paths PyInstaller uses on Linux and on Windows."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "resources"))

from pyinstaller_bundle_rules import keep


@pytest.mark.parametrize("dest", [
    # Linux wheel layout
    "PySide6/Qt/lib/libQt6Core.so.6", "PySide6/Qt/lib/libQt6Widgets.so.6",
    "PySide6/Qt/lib/libQt6Network.so.6", "PySide6/Qt/lib/libQt6XcbQpa.so.6",
    "PySide6/Qt/lib/libQt6DBus.so.6", "PySide6/Qt/lib/libicuuc.so.73",
    "PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so",
    "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
    "PySide6/Qt/translations/qtbase_uk.qm", "PySide6/QtWidgets.abi3.so",
    "libpython3.11.so.1.0", "libsqlite3.so.0",
    # Windows wheel layout
    "PySide6/Qt6Core.dll", "PySide6/Qt6Gui.dll", "PySide6/QtGui.pyd", "PySide6/msvcp140.dll",
    "PySide6/plugins/platforms/qwindows.dll", "PySide6/plugins/imageformats/qico.dll",
    "PySide6/plugins/styles/qmodernwindowsstyle.dll", "shiboken6/shiboken6.abi3.dll",
])
def test_keeps_what_a_widgets_tray_app_loads(dest: str) -> None:
    assert keep(dest)


@pytest.mark.parametrize("dest", [
    # software OpenGL and ANGLE that PyInstaller's hook adds on Windows (~25 MB)
    "PySide6/opengl32sw.dll", "PySide6/d3dcompiler_47.dll", "PySide6/libEGL.dll",
    "PySide6/libGLESv2.dll", "PySide6/Qt6OpenGL.dll", "PySide6/Qt6Quick.dll",
    "PySide6/Qt6Pdf.dll", "PySide6/Qt6Svg.dll", "PySide6/plugins/platforms/qdirect2d.dll",
    "PySide6/plugins/imageformats/qjpeg.dll", "PySide6/plugins/tls/qschannelbackend.dll",
    "PySide6/translations/qtbase_de.qm", "PySide6/qml/QtQuick/qmldir",
    # Wayland and OpenGL on Linux: the app runs on X11 (XWayland) and paints with the CPU
    "PySide6/Qt/lib/libQt6WaylandClient.so.6", "PySide6/Qt/lib/libQt6WlShellIntegration.so.6",
    "PySide6/Qt/lib/libQt6OpenGL.so.6", "libQt6WaylandClient.so.6",
    "PySide6/Qt/plugins/platforms/libqwayland.so",
    "PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so",
    "PySide6/Qt/plugins/xcbglintegrations/libqxcb-glx-integration.so",
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
    "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
])
def test_drops_what_it_never_loads(dest: str) -> None:
    assert not keep(dest)

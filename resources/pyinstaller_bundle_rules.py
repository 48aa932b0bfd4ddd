"""Which of the files PyInstaller collects from PySide6 go into the bundle (build.spec).

PySide6's hooks collect every plugin of the platform-level modules they see, and on Windows
the software OpenGL renderer too. ``keep(dest)`` decides per destination path; paths differ
per OS (Linux: PySide6/Qt/lib/libQt6X.so.6, Windows: PySide6/Qt6X.dll), so it matches names.
Kept apart from build.spec so the rules can be tested and applied to another platform's wheel
(benchmarks/windows_bundle.py) without running PyInstaller.
"""

from __future__ import annotations

import re

DROP_QT_LIBS = re.compile(
    r"(^|/)(lib)?qt6(quick|qml|pdf|virtualkeyboard|designer|webengine|web(channel|sockets|view)"
    r"|3d|multimedia|spatialaudio|charts|datavisualization|graphs|bluetooth|nfc|positioning"
    r"|location|sensors|serial|test|help|sql|labsstylekit|shadertools|waylandcompositor"
    r"|texttospeech|remoteobjects|scxml|statemachine|httpserver|svg|uitools|printsupport"
    r"|concurrent|xml|eglfs|opengl|wayland|wlshell)[^/]*$",
    re.IGNORECASE,
)
# Windows: PyInstaller's Qt hook adds the software OpenGL renderer (opengl32sw.dll, ~20 MB)
# and ANGLE (libEGL/libGLESv2 + d3dcompiler, ~5 MB) whenever the wheel has them. The app's
# widgets are raster-painted and never create an OpenGL context.
DROP_WINDOWS_GL = re.compile(r"(^|/)(opengl32sw|libegl|libglesv2|d3dcompiler_\d+)\.dll$",
                             re.IGNORECASE)
DROP_PLUGIN_DIRS = {
    "designer", "egldeviceintegrations", "qmltooling", "sqldrivers", "networkinformation",
    "tls", "printsupport", "generic", "vectorimageformats", "wayland-graphics-integration-server",
    "multimedia", "position", "sensors", "scenegraph", "renderers", "geometryloaders",
    "sceneparsers", "texttospeech", "webview", "canbus", "qmllint", "assetimporters",
    "xcbglintegrations", "wayland-decoration-client", "wayland-graphics-integration-client",
    "wayland-shell-integration", "wayland-inputdevice",
}
# The app paints its icons (ui/icons.py) and shows no pictures: PNG, built into QtGui, and
# ICO for the Windows window icon are all it reads.
KEEP_IMAGEFORMATS = {"qico"}
# GTK3 theme drags in gtk/gdk/atk/cairo/pango (~20 MB) for native-looking dialogs only; the
# XDG portal theme stays.
DROP_PLUGINS = {("platformthemes", "qgtk3")}
# No Wayland plugin (with its client library, shells and decorations, ~3 MB): on a Wayland
# session Qt then runs the app on X11 through XWayland, which is what the Insider panel
# needs anyway: Wayland does not let a window place itself, so the panel could not sit by
# the tray. No OpenGL either (xcbglintegrations + QtOpenGL): the widgets are raster-painted.
DROP_PLATFORMS = {"qeglfs", "qlinuxfb", "qminimalegl", "qvnc", "qvkkhrdisplay", "qdirect2d",
                  "qwayland", "qwayland-egl", "qwayland-generic"}
DROP_INPUT_CONTEXTS = {"qtvirtualkeyboardplugin"}
KEEP_QT_TRANSLATIONS = {"qtbase_uk.qm"}


def _plugin_stem(name: str) -> str:
    stem = name.rsplit("/", 1)[-1]
    stem = re.sub(r"^lib", "", stem)
    return re.sub(r"(\.so.*|\.dll|\.dylib)$", "", stem, flags=re.IGNORECASE)


def keep(dest: str) -> bool:
    """Whether the file PyInstaller would put at ``dest`` (relative to _internal) stays."""
    path = dest.replace("\\", "/")
    low = path.lower()
    # Also top-level names: on Linux PyInstaller puts symlinks to PySide6/Qt/lib/* there,
    # which would dangle once their target is pruned.
    if DROP_QT_LIBS.search(low) or DROP_WINDOWS_GL.search(low):
        return False
    if not low.startswith("pyside6/"):
        return True
    if "/qml/" in low or low.startswith("pyside6/qml/"):
        return False
    if "/translations/" in low:
        return path.rsplit("/", 1)[-1] in KEEP_QT_TRANSLATIONS
    match = re.search(r"/plugins/([^/]+)/", low)
    if match:
        kind, stem = match.group(1), _plugin_stem(low)
        if kind in DROP_PLUGIN_DIRS or (kind, stem) in DROP_PLUGINS:
            return False
        if kind == "imageformats":
            return stem in KEEP_IMAGEFORMATS
        if kind == "iconengines":
            return False  # only the SVG icon engine exists
        if kind == "platforms":
            return stem not in DROP_PLATFORMS
        if kind == "platforminputcontexts":
            return stem not in DROP_INPUT_CONTEXTS
    return True

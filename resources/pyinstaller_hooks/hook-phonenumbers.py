# Replaces pyinstaller-hooks-contrib's hook-phonenumbers, which collects every submodule
# including ~45 MB of geocoder/carrier/timezone data the app never loads (build.spec excludes
# them; the stock hook would then warn about each one). Parsing and formatting need only the
# region metadata, which phonenumbers imports by name at runtime (pyinstaller PR #3558).
from PyInstaller.utils.hooks import collect_submodules

hiddenimports = collect_submodules("phonenumbers.data") + collect_submodules(
    "phonenumbers.shortdata")

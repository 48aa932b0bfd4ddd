"""System-wide keyboard shortcuts without Qt: the shortcut text and its checks
(:mod:`.keys`), and one backend per platform's own API (:mod:`.x11`: XGrabKey through
python-xlib; :mod:`.windows`: RegisterHotKey through ctypes), chosen by :mod:`.backend`.
``services/hotkeys.py`` is the Qt side: it reads the backend's events on the GUI thread."""

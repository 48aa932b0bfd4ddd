"""The notice that pop-ups have stopped: on screen, on top, until the cause is fixed.

An amber dot on the tray icon is not enough when calls no longer pop: an agent on a busy shift
would take the silence for a quiet hour. This strip says so in words at the top of the screen
and stays until the calls come through again; it never takes the keyboard focus, so it cannot
interrupt typing in the CRM.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ringohunt_desktop.ui import theme
from ringohunt_desktop.ui.widgets import plain_label, wrapped_height

NOTICE_WIDTH = 460
_MARGIN = 12

def _style(c: theme.Colours) -> str:
    pt = theme.pt
    return f"""
QWidget#stoppedNotice {{
    background: {c.error_banner}; border: 2px solid {c.error}; border-radius: 8px;
}}
QLabel#stoppedTitle {{ color: {c.alert}; font-size: {pt(12)}; font-weight: 600; }}
QLabel#stoppedDetail {{ color: {c.text}; font-size: {pt(10)}; }}
{theme.button_qss(c)}
"""


class PopupsStoppedNotice(QWidget):
    """Signals:
        settings_requested (): the agent wants to fix the cause (the keys, the folder).
    """

    settings_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint
                         | Qt.WindowType.WindowStaysOnTopHint
                         | Qt.WindowType.WindowDoesNotAcceptFocus)
        self.setObjectName("stoppedNotice")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setWindowTitle(self.tr("Pop-ups stopped"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 10, 10, 10)
        layout.setSpacing(12)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        self.title_label = plain_label(self.tr("Pop-ups stopped"), object_name="stoppedTitle",
                                       parent=self)
        self.title_label.setWordWrap(True)
        self.detail_label = plain_label(object_name="stoppedDetail", parent=self)
        self.detail_label.setWordWrap(True)
        texts.addWidget(self.title_label)
        texts.addWidget(self.detail_label)
        layout.addLayout(texts, 1)
        self.settings_button = QPushButton(self.tr("Open Settings"), self)
        self.settings_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.settings_button.clicked.connect(self.settings_requested)
        layout.addWidget(self.settings_button, 0, Qt.AlignmentFlag.AlignVCenter)
        theme.follow(self._apply_theme)

    def _apply_theme(self) -> None:
        self.setStyleSheet(_style(theme.colours()))
        self.setFixedWidth(theme.px(NOTICE_WIDTH))
        if self.isVisible():
            self.fit_to_text()

    @property
    def detail(self) -> str:
        return self.detail_label.text()

    def show_stopped(self, title: str, detail: str) -> None:
        """``title`` says what stopped and why, ``detail`` what to do."""
        self.title_label.setText(title)
        self.detail_label.setText(detail)
        self.show()
        self.fit_to_text()
        self.move(self._top_centre())

    def fit_to_text(self) -> None:
        """As tall as the wrapped texts need at the fixed width (a longer Ukrainian sentence
        painted over the title)."""
        width = theme.px(NOTICE_WIDTH)
        height = wrapped_height(self, width)
        layout = self.layout()
        if height is not None and layout is not None:
            self.resize(width, max(height, layout.minimumSize().height()))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.fit_to_text()  # wrapped labels know their height only once shown

    def _top_centre(self) -> QPoint:
        # The top: the panels and the tray's balloons gather at the tray corner.
        screen = QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 800)
        return QPoint(area.center().x() - self.width() // 2, area.top() + _MARGIN)

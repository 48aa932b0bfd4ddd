"""Icons drawn with QPainter, so the app ships no image files and scales to any DPI.

``tray_icon`` is the tray's face: a phone handset, a coloured status dot, and a red badge with the
number of missed calls. The other helpers draw the pop-up's small glyphs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QIcon,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
)

from ringohunt_desktop.domain import Direction

if TYPE_CHECKING:
    # tray.py imports this module; importing TrayState at run time would be circular.
    from ringohunt_desktop.ui.tray import TrayState

TRAY_SIZES = (16, 22, 32, 64)

BADGE_RED = QColor("#d93025")
_HANDSET = QColor("#2b3445")
_HANDSET_RIM = QColor(235, 238, 243)

# Keyed by the TrayState *value*; TrayState is a StrEnum, so its members hash as these strings.
_STATE_DOT: dict[str, QColor] = {
    "connected": QColor("#2f9e5d"),
    "polling": QColor("#5b8def"),
    "offline": QColor("#8a94a6"),
    "bad_credentials": QColor("#e0a000"),
    "paused": QColor("#8a94a6"),
    "starting": QColor("#b8c2d3"),
}


def _handset_path() -> QPainterPath:
    """A phone handset in a 24×24 box: earpiece top-left, mouthpiece bottom-right."""
    path = QPainterPath()
    path.moveTo(6.2, 2.6)
    # Earpiece: a rounded pad along the top-left edge.
    path.cubicTo(7.0, 2.2, 7.9, 2.5, 8.3, 3.3)
    path.lineTo(10.0, 7.0)
    path.cubicTo(10.3, 7.8, 10.1, 8.6, 9.4, 9.1)
    path.lineTo(8.0, 10.1)
    # Handle: the inner curve towards the mouthpiece.
    path.cubicTo(9.1, 12.4, 11.5, 14.8, 13.9, 16.0)
    path.lineTo(14.9, 14.6)
    path.cubicTo(15.4, 13.9, 16.2, 13.7, 17.0, 14.0)
    # Mouthpiece.
    path.lineTo(20.7, 15.7)
    path.cubicTo(21.5, 16.1, 21.8, 17.0, 21.4, 17.8)
    path.lineTo(20.3, 20.0)
    path.cubicTo(19.8, 21.0, 18.8, 21.5, 17.7, 21.3)
    # Outer curve back to the earpiece.
    path.cubicTo(9.8, 19.8, 4.2, 14.2, 2.7, 6.3)
    path.cubicTo(2.5, 5.2, 3.0, 4.2, 4.0, 3.7)
    path.closeSubpath()
    return path


def _draw_tray(painter: QPainter, size: int, state: TrayState, missed: int) -> None:
    scale = size / 24.0
    painter.save()
    painter.scale(scale, scale)
    # A light rim keeps the dark handset visible on a dark taskbar (Windows' default, dark
    # desktops); the taskbar's colour is the system's, not the app's, and Qt does not say it.
    painter.setPen(QPen(_HANDSET_RIM, 2.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                        Qt.PenJoinStyle.RoundJoin))
    painter.setBrush(QBrush(_HANDSET))
    # The handset fills the whole box: at 16 px every pixel counts, and the badge and the
    # dot sit on corners the glyph barely uses.
    painter.translate(-1.5, -1.0)
    painter.scale(1.1, 1.1)
    painter.drawPath(_handset_path())
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawPath(_handset_path())
    painter.restore()

    dot = _STATE_DOT.get(str(state), _STATE_DOT["offline"])
    dot_d = max(6.0, size * 0.38)
    dot_rect = QRectF(size - dot_d - 0.5, size - dot_d - 0.5, dot_d, dot_d)
    # A white ring separates the dot from the handset on any taskbar colour.
    painter.setPen(QPen(QColor("white"), max(1.0, size / 22.0)))
    painter.setBrush(dot)
    painter.drawEllipse(dot_rect)
    if str(state) == "paused":
        _draw_pause_bars(painter, dot_rect)
    elif str(state) == "bad_credentials":
        _draw_exclamation(painter, dot_rect)

    if missed > 0:
        _draw_badge(painter, size, missed)


def _draw_pause_bars(painter: QPainter, rect: QRectF) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("white"))
    bar_w = rect.width() * 0.16
    bar_h = rect.height() * 0.46
    top = rect.center().y() - bar_h / 2
    for offset in (-0.13, 0.13):
        x = rect.center().x() + rect.width() * offset - bar_w / 2
        painter.drawRect(QRectF(x, top, bar_w, bar_h))


def _draw_exclamation(painter: QPainter, rect: QRectF) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("white"))
    bar_w = rect.width() * 0.16
    cx = rect.center().x()
    painter.drawRect(QRectF(cx - bar_w / 2, rect.top() + rect.height() * 0.2, bar_w,
                            rect.height() * 0.38))
    painter.drawRect(QRectF(cx - bar_w / 2, rect.top() + rect.height() * 0.66, bar_w, bar_w))


def _draw_badge(painter: QPainter, size: int, missed: int) -> None:
    text = "9+" if missed > 9 else str(missed)
    height = size * 0.56
    width = height if len(text) == 1 else height * 1.35
    rect = QRectF(size - width, 0.0, width, height)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(BADGE_RED)
    painter.drawRoundedRect(rect, height / 2, height / 2)
    font = QFont()
    font.setBold(True)
    # Pixel size, not point size: the icon is drawn in device pixels whatever the screen DPI.
    font.setPixelSize(max(7, round(height * (0.78 if len(text) == 1 else 0.66))))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def render_tray_image(state: TrayState, missed: int, size: int) -> QImage:
    """One size of the tray icon as an ARGB image (tests inspect its pixels)."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    _draw_tray(painter, size, state, missed)
    painter.end()
    return image


def tray_icon(state: TrayState, missed: int) -> QIcon:
    """The tray icon for ``state`` with a red badge when ``missed`` > 0 ("9+" above 9)."""
    icon = QIcon()
    for size in TRAY_SIZES:
        icon.addPixmap(QPixmap.fromImage(render_tray_image(state, missed, size)))
    return icon


def _glyph_pixmap(size: int) -> tuple[QPixmap, QPainter]:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / 24.0, size / 24.0)
    return pixmap, painter


_DIRECTION_COLOUR: dict[Direction, QColor] = {
    Direction.INCOMING: QColor("#2f9e5d"),
    Direction.OUTGOING: QColor("#5b8def"),
    Direction.CALLBACK: QColor("#8b5cf6"),
    Direction.OTHER: QColor("#8a94a6"),
}


def direction_icon(direction: Direction, *, missed: bool = False, size: int = 20) -> QIcon:
    """A handset with an arrow: into it for incoming calls, out of it for outgoing ones."""
    colour = BADGE_RED if missed else _DIRECTION_COLOUR[direction]
    pixmap, painter = _glyph_pixmap(size)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.save()
    painter.translate(0.0, 3.0)
    painter.scale(0.86, 0.86)
    painter.drawPath(_handset_path())
    painter.restore()
    pen = QPen(colour, 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
               Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if direction is Direction.OUTGOING:
        # Arrow leaving towards the top-right corner.
        painter.drawLine(QPointF(14.0, 10.0), QPointF(21.5, 2.5))
        painter.drawPolyline([QPointF(16.0, 2.5), QPointF(21.5, 2.5), QPointF(21.5, 8.0)])
    elif direction is Direction.OTHER:
        painter.drawEllipse(QPointF(18.5, 5.5), 2.0, 2.0)
    else:
        # Incoming and callback: arrow arriving from the top-right corner.
        painter.drawLine(QPointF(21.5, 2.5), QPointF(14.0, 10.0))
        painter.drawPolyline([QPointF(14.0, 4.5), QPointF(14.0, 10.0), QPointF(19.5, 10.0)])
    painter.end()
    return QIcon(pixmap)


def pin_icon(colour: QColor, size: int = 16) -> QIcon:
    """A push-pin; the pop-up tints it with the accent colour while pinned."""
    pixmap, painter = _glyph_pixmap(size)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.translate(12.0, 12.0)
    painter.rotate(45.0)
    painter.drawRoundedRect(QRectF(-3.5, -9.5, 7.0, 8.0), 1.5, 1.5)  # head
    painter.drawRect(QRectF(-6.0, -2.5, 12.0, 2.5))  # collar
    painter.setPen(QPen(colour, 1.8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    painter.drawLine(QPointF(0.0, 0.0), QPointF(0.0, 9.0))  # needle
    painter.end()
    return QIcon(pixmap)


def close_icon(colour: QColor, size: int = 16) -> QIcon:
    pixmap, painter = _glyph_pixmap(size)
    painter.setPen(QPen(colour, 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    painter.drawLine(QPointF(6.0, 6.0), QPointF(18.0, 18.0))
    painter.drawLine(QPointF(18.0, 6.0), QPointF(6.0, 18.0))
    painter.end()
    return QIcon(pixmap)


def copy_icon(colour: QColor, size: int = 16) -> QIcon:
    """Two overlapping sheets, the usual "copy" glyph."""
    pixmap, painter = _glyph_pixmap(size)
    painter.setPen(QPen(colour, 1.8))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(QRectF(4.0, 7.5, 11.0, 13.0), 2.0, 2.0)
    painter.drawPolyline([QPointF(8.5, 4.5), QPointF(8.5, 3.5), QPointF(19.0, 3.5),
                          QPointF(19.0, 16.5), QPointF(17.5, 16.5)])
    painter.end()
    return QIcon(pixmap)

"""The Qt application shell: process start-up, the single instance, translations, Qt's log
hook and the frozen build's self-test. Above the widgets; may import every layer.
"""

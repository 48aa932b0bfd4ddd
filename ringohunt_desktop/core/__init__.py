"""The app's logic without Qt: call sources, call tracking, caller lookup, contact sync and
the session that builds the API clients. Nothing in this folder imports Qt (tests/test_layers.py).
"""

"""The server side of subscription mode: Ringostat webhooks → relay → NATS JetStream.

No Qt anywhere in this package (tests/test_relay_layers.py checks), so it runs on a server
without a display. Importing the package is cheap: aiohttp and nats-py are imported only by
the modules that serve or talk to the broker.

Modules:

- :mod:`.subjects`: the naming scheme (subjects, stream, durable consumers, NATS users);
  the desktop's subscription source uses it too.
- :mod:`.directory`: the staff directory the relay routes by (written by provisioning).
- :mod:`.intake`: reading one webhook request (query string, form or JSON) with its limits,
  the secret check, and masking for logs.
- :mod:`.routing`: which subjects an event goes to, its message id and payload.
- :mod:`.broker`: the JetStream stream and consumers, and the relay's broker connection.
- :mod:`.server`: the aiohttp web server (webhooks, ``/healthz``, graceful shutdown).
- :mod:`.provision`: the nats-server users and permissions for IT.
- :mod:`.cli`: the ``ringohunt-relay`` command.
"""

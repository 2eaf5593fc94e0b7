# Kapsel — session, German. Every id in this file starts with `session-`.

